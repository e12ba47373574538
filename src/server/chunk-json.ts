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
 *   The text after the content is made once per id, and on `/stream` the chunk goes straight
 *   into its `data` frame: two concatenations per token.
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
import { encodeDataFrame, SSE_DATA_PREFIX, SSE_FRAME_END } from "../serde/sse.js";
import { hasNoKeys, isPlainObject } from "../core/utils/objects.js";

// Strings holding none of these need no escaping: `"` + s + `"` is what JSON.stringify writes.
// (Non-ASCII is left to JSON.stringify too, for its lone-surrogate escapes.)
// eslint-disable-next-line no-control-regex -- the control range is what JSON escapes
const NEEDS_ESCAPE = /["\\\u0000-\u001f\u007f-\uffff]/;

/** Whether JSON writes `s` as is between its quotes. */
function plain(s: string): boolean {
  const n = s.length;
  // Short strings (keys, tokens) are checked by hand: a regex call costs more than the scan.
  if (n <= 32) {
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c < 0x20 || c === 0x22 || c === 0x5c || c >= 0x7f) return false;
    }
    return true;
  }
  return n < 256 && !NEEDS_ESCAPE.test(s);
}

// Any character JSON.stringify may leave outside ASCII (it escapes only lone surrogates).
const NON_ASCII = /[\u0080-\uffff]/;

/**
 * How many texts this module has written that hold a character outside ASCII. A frame whose
 * encoding left the count unchanged is ASCII: its latin1 bytes are its UTF-8 bytes, and the
 * writer sends it as latin1, which skips UTF-8's measuring and encoding passes (sse-writer.ts).
 * Every place that writes text from data counts it, remembered pieces included. Only ever
 * incremented, so an encoder running inside another (a `toJSON` that encodes) can only make a
 * frame count as non-ASCII, never the reverse.
 */
let nonAsciiTexts = 0;

/** Counts `text` when it holds a character outside ASCII. */
function noteText(text: string): void {
  if (NON_ASCII.test(text)) nonAsciiTexts++;
}

/**
 * The running count of texts this module wrote with a character outside ASCII: compare it
 * before and after encoding a frame to learn whether the frame is ASCII.
 * @example
 * const before = nonAsciiCount();
 * const frame = encode(item);
 * const ascii = nonAsciiCount() === before;
 */
export function nonAsciiCount(): number {
  return nonAsciiTexts;
}

/**
 * Whether `text` is ASCII, for frames made outside this module's encoders (metadata and
 * error frames).
 * @example
 * isAscii("caf\u00e9"); // false
 */
export function isAscii(text: string): boolean {
  return !NON_ASCII.test(text);
}

function quote(s: string): string {
  if (plain(s)) return `"${s}"`;
  noteText(s);
  return JSON.stringify(s);
}

/** The JSON text of `s` without its quotes. */
function stringBody(s: string): string {
  if (plain(s)) return s;
  noteText(s);
  return JSON.stringify(s).slice(1, -1);
}

/** `JSON.stringify(toLangServe(value))`, counted when it is not ASCII. */
function lcJson(value: unknown): string | undefined {
  const json = JSON.stringify(toLangServe(value)) as string | undefined;
  if (json !== undefined) noteText(json);
  return json;
}

/** How a probe field is compared: by identity, or as an empty array or plain object. */
const SAME = 0;
const EMPTY_ARRAY = 1;
const EMPTY_OBJECT = 2;

/** The text-only AIMessageChunk template: JSON around the `content` and `id` values. */
interface ChunkTemplate {
  /** JSON up to and including the opening quote of `content`'s value. */
  head: string;
  /** JSON between the end of `content`'s value (its closing quote included) and `id`'s. */
  middle: string;
  tail: string;
  /** The probe's own fields other than content and id: key, how to compare, probe value. */
  fields: [string, number, unknown][];
}

function isEmptyObject(value: unknown): boolean {
  return isPlainObject(value) && hasNoKeys(value);
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
  if (!isAscii(json) || at === -1 || idAt < at + c.length || json.indexOf(c, at + 1) !== -1 || json.indexOf(i, idAt + 1) !== -1) return undefined;
  const own = probe as unknown as Record<string, unknown>;
  const fields: [string, number, unknown][] = [];
  for (const key of Object.keys(probe)) {
    if (key === "content" || key === "id") continue;
    const value = own[key];
    const how = Array.isArray(value) && value.length === 0 ? EMPTY_ARRAY : isEmptyObject(value) ? EMPTY_OBJECT : SAME;
    fields.push([key, how, value]);
  }
  return {
    head: json.slice(0, at + 1),
    middle: json.slice(at + c.length - 1, idAt),
    tail: json.slice(idAt + i.length),
    fields,
  };
}

const TEMPLATE = buildTemplate();

/** A chunk the template writes. */
type TextChunk = AIMessageChunk & { content: string };

/**
 * Whether `m` is a text-only chunk the template writes: an AIMessageChunk whose fields other
 * than content and id hold what the probe's did (lc-json reads no other field).
 */
function fitsTemplate(value: unknown, t: ChunkTemplate): value is TextChunk {
  if (typeof value !== "object" || value === null || (value.constructor as unknown) !== AIMessageChunk) return false;
  const m = value as AIMessageChunk;
  if (typeof m.content !== "string") return false;
  const id = m.id;
  if (id !== undefined && typeof id !== "string") return false;
  const own = m as unknown as Record<string, unknown>;
  const fields = t.fields;
  for (let i = 0; i < fields.length; i++) {
    const [key, how, probeValue] = fields[i] as [string, number, unknown];
    const value = own[key];
    if (value === probeValue) continue;
    if (how === EMPTY_ARRAY ? !(Array.isArray(value) && value.length === 0) : how === SAME || !isEmptyObject(value)) return false;
  }
  return true;
}

/**
 * Writes template chunks for one stream, as JSON or as whole `data` frames. A streamed
 * message's chunks share one id: the text after the content (id included) is made once per
 * id, so a chunk is two concatenations, and the response body a rope of few pieces (Node
 * flattens it to size each HTTP chunk: ~10 ns a piece, issue #5).
 */
class TextChunkWriter {
  readonly #t: ChunkTemplate;
  readonly #frameHead: string;
  #id: string | undefined = undefined;
  #jsonTail = "";
  #frameTail = "";
  /** Whether the tails hold a character outside ASCII (an id's): counted on every use. */
  #tailNonAscii = false;

  constructor(t: ChunkTemplate) {
    this.#t = t;
    this.#frameHead = SSE_DATA_PREFIX + t.head;
    this.#tails(undefined);
  }

  #tails(id: string | undefined): void {
    // An absent id is written as null; the probe had a string there.
    this.#id = id;
    this.#tailNonAscii = id !== undefined && !isAscii(id);
    this.#jsonTail = this.#t.middle + (id === undefined ? "null" : quote(id)) + this.#t.tail;
    this.#frameTail = this.#jsonTail + SSE_FRAME_END;
  }

  json(m: TextChunk): string {
    if (m.id !== this.#id) this.#tails(m.id);
    if (this.#tailNonAscii) nonAsciiTexts++;
    return this.#t.head + stringBody(m.content) + this.#jsonTail;
  }

  frame(m: TextChunk): string {
    if (m.id !== this.#id) this.#tails(m.id);
    if (this.#tailNonAscii) nonAsciiTexts++;
    return this.#frameHead + stringBody(m.content) + this.#frameTail;
  }
}

/** How many recent messages one stream's encoder remembers. */
const RECENT = 4;

/** The most keys whose JSON (`"key":`) is kept; the keys of stream items are few and recur. */
const MAX_KEYS = 1024;
const keyJsonCache = new Map<string, string>();

/** `"key":` as JSON writes it, made once per key (per use for a key outside ASCII, so it is counted). */
function keyJson(key: string): string {
  let json = keyJsonCache.get(key);
  if (json === undefined) {
    const before = nonAsciiTexts;
    json = quote(key) + ":";
    if (keyJsonCache.size < MAX_KEYS && nonAsciiTexts === before) keyJsonCache.set(key, json);
  }
  return json;
}

/** The most JSON-patch op heads (`{"op":…,"path":…,"value":`) one stream's encoder keeps per op. */
const MAX_OP_HEADS = 256;

/**
 * Whether `value` is a JSON-patch op as run logs write them: exactly `op`, `path`, `value`
 * (in that order), the first two strings. Such an op is written as a remembered head plus
 * its value (a run log repeats a few paths for every token).
 */
function isLogOp(value: object): value is { op: string; path: string; value: unknown } {
  let n = 0;
  for (const key in value) {
    if (key !== (n === 0 ? "op" : n === 1 ? "path" : n === 2 ? "value" : undefined)) return false;
    n++;
  }
  const op = value as { op?: unknown; path?: unknown };
  return n === 3 && typeof op.op === "string" && typeof op.path === "string";
}

/** The JSON text of a string, as JSON.stringify writes it; and `"key":` for an object key (cached). */
export { quote as jsonString, keyJson as jsonKey };

/**
 * The JSON writer behind {@link createChunkEncoder}, for one stream: `write(value)` is
 * `JSON.stringify(toLangServe(value))`, undefined where that drops the value (undefined,
 * functions, symbols).
 * @example
 * const write = createJsonWriter();
 * write([1, undefined]); // '[1,null]'
 */
export function createJsonWriter(): (value: unknown) => string | undefined {
  return jsonWriter(TEMPLATE === undefined ? undefined : new TextChunkWriter(TEMPLATE));
}

function jsonWriter(chunks: TextChunkWriter | undefined): (value: unknown) => string | undefined {
  const recentKeys: (object | undefined)[] = new Array<object | undefined>(RECENT).fill(undefined);
  const recentJson: string[] = new Array<string>(RECENT).fill("");
  const recentNonAscii: boolean[] = new Array<boolean>(RECENT).fill(false);
  let next = 0;

  // By path, one map per common op (a combined `${op} ${path}` key would be a new string to
  // hash for every op); other ops are written without remembering.
  const addHeads = new Map<string, string>();
  const replaceHeads = new Map<string, string>();
  const opHead = (op: string, path: string): string => {
    const heads = op === "add" ? addHeads : op === "replace" ? replaceHeads : undefined;
    let head = heads?.get(path);
    if (head === undefined) {
      const before = nonAsciiTexts;
      head = `{"op":${quote(op)},"path":${quote(path)},"value":`;
      // A head outside ASCII is made (and counted) on every use.
      if (heads !== undefined && nonAsciiTexts === before) {
        if (heads.size >= MAX_OP_HEADS) heads.clear();
        heads.set(path, head);
      }
    }
    return head;
  };

  const message = (m: BaseMessage): string => {
    for (let i = 0; i < RECENT; i++) {
      if (recentKeys[i] !== m) continue;
      if (recentNonAscii[i] === true) nonAsciiTexts++;
      return recentJson[i] as string;
    }
    const before = nonAsciiTexts;
    const json = chunks !== undefined && fitsTemplate(m, TEMPLATE as ChunkTemplate) ? chunks.json(m) : (lcJson(m) as string);
    recentKeys[next] = m;
    recentJson[next] = json;
    recentNonAscii[next] = nonAsciiTexts !== before;
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
          if (isLogOp(value)) {
            const json = write(value.value);
            if (json !== undefined) return opHead(value.op, value.path) + json + "}";
          }
          let out = "{";
          const keys = Object.keys(value);
          for (let i = 0; i < keys.length; i++) {
            const key = keys[i] as string;
            const json = write((value as Record<string, unknown>)[key]);
            if (json !== undefined) out += (out.length === 1 ? "" : ",") + keyJson(key) + json;
          }
          return out + "}";
        }
        if (value instanceof BaseMessage) return message(value);
        return lcJson(value);
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

/**
 * A `data` frame encoder for one stream: `encode(item)` is
 * `encodeDataFrame(JSON.stringify(toLangServe(item)) ?? "null")`, with a streamed text chunk
 * written straight into its frame.
 * @example
 * const encode = createDataFrameEncoder();
 * encode({ ops: [] }); // 'event: data\r\ndata: {"ops":[]}\r\n\r\n'
 */
export function createDataFrameEncoder(): (item: unknown) => string {
  const chunks = TEMPLATE === undefined ? undefined : new TextChunkWriter(TEMPLATE);
  const write = jsonWriter(chunks);
  return (item: unknown): string => {
    if (chunks !== undefined && fitsTemplate(item, TEMPLATE as ChunkTemplate)) return chunks.frame(item);
    return encodeDataFrame(write(item) ?? "null");
  };
}
