/**
 * Python's `+` for stream chunks (runnable-semantics.md A.10 "Recommended", A.15): how a
 * stream's final output, `/stream_log`'s `final_output` and buffered inputs accumulate.
 */
import { BaseMessage, BaseMessageChunk } from "./messages/base.js";
import { copied, isPlainObject } from "./utils/objects.js";

// Returned instead of throwing so that hot-path callers pay for no exception or wrapper object.
const UNSUPPORTED: unique symbol = Symbol("unsupported");

/** Result of {@link tryConcat}. */
export interface ConcatResult<T = unknown> {
  /** False when the pair cannot be added (two booleans, two full messages, mismatched types…). */
  supported: boolean;
  /** The sum, or the right value when the pair is not supported. */
  value: T;
}

/**
 * Adds two chunks: `null`/`undefined` on either side yields the other; strings join; numbers
 * (and bigints) add; arrays concatenate; a message chunk uses its own `concat`; plain objects
 * merge key-wise (a key missing or `null` on the left takes the right value, a `null` right
 * value is ignored, otherwise the pair is added recursively). Any pair that cannot be added —
 * two booleans, mismatched types, a full AIMessage on the left — yields the right value,
 * unlike LangChain.js which throws and abandons accumulation. Use {@link tryConcat} to
 * learn whether that happened (Python stops accumulating once a top-level `+` fails).
 * @example
 * concat({ s: "x", n: 1, l: [1] }, { s: "y", n: 2, l: [2] }); // { s: "xy", n: 3, l: [1, 2] }
 */
export function concat<T>(left: T | null | undefined, right: T): T {
  const out = add(left, right);
  return (out === UNSUPPORTED ? right : out) as T;
}

/**
 * Like {@link concat} but reports whether the top-level pair was addable. Nested unsupported
 * pairs inside plain objects still resolve to the right value and count as supported.
 */
export function tryConcat<T>(left: T | null | undefined, right: T): ConcatResult<T> {
  const out = add(left, right);
  return out === UNSUPPORTED ? { supported: false, value: right } : { supported: true, value: out as T };
}

/** Folds {@link concat} over a sequence; `undefined` for an empty one. */
export function concatAll<T>(chunks: Iterable<T>): T | undefined {
  let acc: T | undefined;
  for (const chunk of chunks) acc = concat(acc, chunk);
  return acc;
}

const CUMULATIVE: unique symbol = Symbol.for("chainserve.cumulative");

/**
 * Marks an object chunk as a snapshot of everything so far (what cumulative parsers such as
 * JsonOutputParser stream), so accumulating it replaces instead of merging. Python gets
 * this for free: only its AddableDict adds, plain dicts do not.
 */
export function markCumulative<T extends object>(snapshot: T): T {
  Object.defineProperty(snapshot, CUMULATIVE, { value: true, enumerable: false });
  return snapshot;
}

function add(left: unknown, right: unknown): unknown {
  if (left === undefined || left === null) return right;
  if (right === undefined || right === null) return left;
  if (typeof right === "object" && (right as { [CUMULATIVE]?: true })[CUMULATIVE] === true) return UNSUPPORTED;
  const lt = typeof left;
  if (lt !== typeof right) return UNSUPPORTED;
  if (lt === "string") return (left as string) + (right as string);
  if (lt === "number") return (left as number) + (right as number);
  if (lt === "bigint") return (left as bigint) + (right as bigint);
  if (lt !== "object") return UNSUPPORTED;
  if (Array.isArray(left)) return Array.isArray(right) ? [...left, ...(right as unknown[])] : UNSUPPORTED;
  if (left instanceof BaseMessageChunk) return right instanceof BaseMessage ? left.concat(right) : UNSUPPORTED;
  if (isPlainObject(left)) return isPlainObject(right) ? mergeObjects(left, right) : UNSUPPORTED;
  return addOther(left as object, right as object);
}

// Other chunk-like classes (e.g. generation chunks) follow the same `concat` convention.
function addOther(left: object, right: object): unknown {
  const method = (left as { concat?: unknown }).concat;
  if (typeof method !== "function" || Object.getPrototypeOf(left) !== Object.getPrototypeOf(right)) return UNSUPPORTED;
  return (method as (other: object) => unknown).call(left, right);
}

function mergeObjects(left: Record<string, unknown>, right: Record<string, unknown>): Record<string, unknown> {
  const merged: Record<string, unknown> = copied(left);
  for (const key of Object.keys(right)) {
    const rv = right[key];
    if (rv === undefined || rv === null) {
      // Python keeps a None the left lacks; JS undefined has no wire form, so it is skipped.
      if (rv === null && !(key in merged)) merged[key] = null;
      continue;
    }
    const lv = merged[key];
    if (lv === undefined || lv === null) {
      merged[key] = rv;
      continue;
    }
    const sum = add(lv, rv);
    merged[key] = sum === UNSUPPORTED ? rv : sum;
  }
  return merged;
}
