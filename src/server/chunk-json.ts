/**
 * The JSON text of one stream item, byte for byte `JSON.stringify(toLangServe(item))`, made
 * for the per-chunk path of the stream endpoints, where that expression was the largest cost
 * the server adds (issue #5: ~18% of the server's CPU on `/chat/stream`, ~45% on
 * `/stream_log` and `/stream_events`). Three things make it cheaper:
 *
 * - Plain objects, arrays and primitives — the envelopes of stream events and log patches —
 *   are written directly, without first building a converted copy for `JSON.stringify`.
 * - A streamed `AIMessageChunk` that carries nothing but text and an id (what every model
 *   streams between the first and the last chunk) is written from a template. The template
 *   is cut out of lc-json's own output for a probe chunk, so the format stays lc-json's; a
 *   chunk qualifies only when its fields match the probe's apart from `content` and `id`.
 * - The encoder of one stream remembers the JSON of the last few messages it wrote:
 *   `/stream_events` sends each model chunk twice (`on_chat_model_stream`, then the chain's
 *   `on_chain_stream`) and run-log patches repeat them too. Messages are immutable (`concat`
 *   returns a new chunk), and the memory is per stream and bounded.
 *
 * Everything else (documents, prompt values, dates, maps, class instances, `toJSON`) goes
 * through `toLangServe` + `JSON.stringify` unchanged.
 */
import { AIMessageChunk } from "../core/messages/ai.js";
import { BaseMessage } from "../core/messages/base.js";
import { toLangServe } from "../serde/lc-json.js";

// Strings holding none of these need no escaping: `"` + s + `"` is what JSON.stringify writes.
// (Non-ASCII is left to JSON.stringify too, for its lone-surrogate escapes.)
// eslint-disable-next-line no-control-regex -- the control range is what JSON escapes
const NEEDS_ESCAPE = /["\\\u0000-\u001f\u007f-\uffff]/;

function quote(s: string): string {
  return s.length < 256 && !NEEDS_ESCAPE.test(s) ? `"${s}"` : JSON.stringify(s);
}

/** The text-only AIMessageChunk template: JSON around the `content` and `id` values. */
interface ChunkTemplate {
  head: string;
  middle: string;
  tail: string;
  /** The probe's own fields other than content and id, with their values. */
  fields: [string, unknown][];
  fieldCount: number;
}

function buildTemplate(): ChunkTemplate | undefined {
  const content = "\u0001content";
  const id = "\u0001id";
  const probe = new AIMessageChunk({ content, id });
  const json = JSON.stringify(toLangServe(probe));
  const c = JSON.stringify(content);
  const i = JSON.stringify(id);
  const at = json.indexOf(c);
  const idAt = json.indexOf(i);
  // The template assumes content comes before id and each appears once.
  if (at === -1 || idAt < at + c.length || json.indexOf(c, at + 1) !== -1 || json.indexOf(i, idAt + 1) !== -1) return undefined;
  const keys = Object.keys(probe);
  return {
    head: json.slice(0, at),
    middle: json.slice(at + c.length, idAt),
    tail: json.slice(idAt + i.length),
    fields: keys.filter((k) => k !== "content" && k !== "id").map((k) => [k, (probe as unknown as Record<string, unknown>)[k]]),
    fieldCount: keys.length,
  };
}

const TEMPLATE = buildTemplate();

function isEmptyPlain(value: unknown): boolean {
  if (Array.isArray(value)) return value.length === 0;
  if (typeof value !== "object" || value === null) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return false;
  for (const _ in value) return false;
  return true;
}

/** The chunk as JSON from the template, or undefined when it carries more than text and id. */
function textChunkJson(m: AIMessageChunk, t: ChunkTemplate): string | undefined {
  if (m.constructor !== AIMessageChunk || typeof m.content !== "string") return undefined;
  const id = m.id;
  if (id !== undefined && typeof id !== "string") return undefined;
  const own = m as unknown as Record<string, unknown>;
  for (const [key, probeValue] of t.fields) {
    const value = own[key];
    if (value !== probeValue && !(isEmptyPlain(value) && isEmptyPlain(probeValue) && Array.isArray(value) === Array.isArray(probeValue))) return undefined;
  }
  if (Object.keys(m).length !== t.fieldCount) return undefined;
  // An absent id is written as null; the probe had a string there.
  const idJson = id === undefined ? "null" : quote(id);
  return t.head + quote(m.content) + t.middle + idJson + t.tail;
}

/** How many recent messages one stream's encoder remembers. */
const RECENT = 4;

/** The JSON text of a string, as JSON.stringify writes it. */
export { quote as jsonString };

/**
 * The JSON writer behind {@link createChunkEncoder}, for one stream: `write(value)` is
 * `JSON.stringify(toLangServe(value))`, undefined where that drops the value (undefined,
 * functions, symbols).
 * @example
 * const write = createJsonWriter();
 * write([1, undefined]); // '[1,null]'
 */
export function createJsonWriter(): (value: unknown) => string | undefined {
  const recentKeys: (object | undefined)[] = new Array<object | undefined>(RECENT).fill(undefined);
  const recentJson: string[] = new Array<string>(RECENT).fill("");
  let next = 0;

  const message = (m: BaseMessage): string => {
    for (let i = 0; i < RECENT; i++) if (recentKeys[i] === m) return recentJson[i] as string;
    const json = (TEMPLATE !== undefined && m instanceof AIMessageChunk ? textChunkJson(m, TEMPLATE) : undefined) ?? JSON.stringify(toLangServe(m));
    recentKeys[next] = m;
    recentJson[next] = json;
    next = (next + 1) % RECENT;
    return json;
  };

  const write = (value: unknown): string | undefined => {
    switch (typeof value) {
      case "string":
        return quote(value);
      case "number":
        // toLangServe turns non-finite numbers into null, as orjson does.
        return Number.isFinite(value) ? String(value) : "null";
      case "boolean":
        return value ? "true" : "false";
      case "bigint":
        return quote(value.toString());
      case "object": {
        if (value === null) return "null";
        if (Array.isArray(value)) {
          let out = "[";
          for (let i = 0; i < value.length; i++) out += (i === 0 ? "" : ",") + (write(value[i]) ?? "null");
          return out + "]";
        }
        const proto: unknown = Object.getPrototypeOf(value);
        if (proto === Object.prototype || proto === null) {
          let out = "{";
          const keys = Object.keys(value);
          for (let i = 0; i < keys.length; i++) {
            const key = keys[i] as string;
            const json = write((value as Record<string, unknown>)[key]);
            if (json !== undefined) out += (out.length === 1 ? "" : ",") + quote(key) + ":" + json;
          }
          return out + "}";
        }
        if (value instanceof BaseMessage) return message(value);
        return JSON.stringify(toLangServe(value));
      }
      default:
        // undefined, functions and symbols: dropped from objects, null in arrays.
        return undefined;
    }
  };

  return write;
}

/**
 * An encoder for one stream: `encode(item)` returns `JSON.stringify(toLangServe(item))`
 * (`"null"` where that is undefined).
 * @example
 * const encode = createChunkEncoder();
 * encode({ ops: [] }); // '{"ops":[]}'
 */
export function createChunkEncoder(): (item: unknown) => string {
  const write = createJsonWriter();
  return (item: unknown): string => write(item) ?? "null";
}
