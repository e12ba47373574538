/**
 * JSON-patch diff between two successive `+`-accumulated root outputs, the ops Python's
 * `astream_log` sends on `/final_output` after every root chunk (jsonpatch `from_diff`).
 */
import type { Operation } from "./run-log.js";
import { cloneValue, deepEqual, pointerSegment } from "./values.js";
import { isPlainObject } from "../utils/objects.js";

/** Keys whose value is defined: an `undefined` has no JSON form, so it counts as absent. */
function definedKeys(value: Record<string, unknown>): string[] {
  return Object.keys(value).filter((key) => value[key] !== undefined);
}

function diffInto(previous: unknown, next: unknown, path: string, ops: Operation[]): void {
  if (isPlainObject(previous) && isPlainObject(next)) {
    const before = definedKeys(previous);
    const after = definedKeys(next);
    const kept = new Set(after);
    const existed = new Set(before);
    for (const key of before) if (!kept.has(key)) ops.push({ op: "remove", path: `${path}/${pointerSegment(key)}` });
    for (const key of after) {
      if (!existed.has(key)) ops.push({ op: "add", path: `${path}/${pointerSegment(key)}`, value: cloneValue(next[key]) });
    }
    for (const key of before) if (kept.has(key)) diffInto(previous[key], next[key], `${path}/${pointerSegment(key)}`, ops);
    return;
  }
  if (Array.isArray(previous) && Array.isArray(next) && next.length > previous.length && previous.every((item, i) => deepEqual(item, next[i]))) {
    // A list that only grew (list outputs concatenate): append, as jsonpatch does.
    for (let i = previous.length; i < next.length; i++) ops.push({ op: "add", path: `${path}/${i}`, value: cloneValue(next[i]) });
    return;
  }
  if (!deepEqual(previous, next)) ops.push({ op: "replace", path, value: cloneValue(next) });
}

/**
 * Ops that turn `previous` into `next` at `path`. Plain objects are diffed key-wise
 * (`remove`, then `add`, then recursive changes); a list that only grew gets index adds;
 * anything else (strings, numbers, class instances such as messages) is opaque and
 * `replace`d when it changed. With `previous` absent (first chunk, or a chunk that could
 * not be added to the previous output) the result is one `replace` of the whole value.
 * Values in the ops are copies: later accumulation never changes them.
 */
export function diffOutput(previous: { value: unknown } | undefined, next: unknown, path: string): Operation[] {
  if (previous === undefined) return [{ op: "replace", path, value: cloneValue(next) }];
  const ops: Operation[] = [];
  diffInto(previous.value, next, path, ops);
  return ops;
}
