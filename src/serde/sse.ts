/**
 * Server-Sent Events frames exactly as LangServe (sse-starlette) writes them
 * (langserve-protocol.md §4.2–§4.4): CRLF line ends, `event:` before `data:`, `end` without a
 * data line, and Python `json.dumps` spacing in the `metadata` and `error` payloads while `data`
 * payloads stay compact. Browser-safe (no Node built-ins): the client shares the event names.
 */
import { ChainserveError } from "../core/errors.js";

/** The four event names of the protocol; clients yield any other named event that has data. */
export const SSE_EVENTS = {
  /** One chunk, patch or stream event. */
  DATA: "data",
  /** `{"run_id": …}`, sent once on `/stream` just before the first data event. */
  METADATA: "metadata",
  /** `{"status_code": …, "message": …}`: the stream failed; nothing follows. */
  ERROR: "error",
  /** The stream completed; never carries data (the JS client would yield it as a chunk). */
  END: "end",
} as const;

/** One of {@link SSE_EVENTS}. */
export type SseEventName = (typeof SSE_EVENTS)[keyof typeof SSE_EVENTS];

/** The frame that ends a successful stream: `event: end` and no data line. */
export const SSE_END_FRAME = "event: end\r\n\r\n";

/** A comment frame; every SSE parser ignores it, proxies see traffic (LangServe pings every 15 s). */
export const SSE_PING_FRAME = ": ping\r\n\r\n";

/** What a `data` frame holds before its JSON: `encodeDataFrame(json)` is prefix + json + end. */
export const SSE_DATA_PREFIX = "event: data\r\ndata: ";
/** What ends every frame: the blank line. */
export const SSE_FRAME_END = "\r\n\r\n";
const LINE_BREAK = /\r\n|\r|\n/;

/**
 * A `data` frame for a payload that is already JSON text (JSON never holds a raw line break).
 * @example
 * encodeDataFrame('{"a":1}'); // 'event: data\r\ndata: {"a":1}\r\n\r\n'
 */
export function encodeDataFrame(json: string): string {
  return SSE_DATA_PREFIX + json + SSE_FRAME_END;
}

/**
 * Any frame: `event: <name>` then one `data:` line per line of `data` (none when `data` is
 * undefined), then the blank line. Event names with CR or LF are rejected, since they would
 * let a value inject frames of its own.
 * @example
 * encodeSseFrame("end"); // 'event: end\r\n\r\n'
 */
export function encodeSseFrame(event: string, data?: string): string {
  if (event.includes("\r") || event.includes("\n")) {
    throw new ChainserveError("INTERNAL", "An SSE event name must not contain CR or LF");
  }
  let frame = `event: ${event}\r\n`;
  if (data !== undefined) {
    for (const line of data.split(LINE_BREAK)) frame += `data: ${line}\r\n`;
  }
  return frame + "\r\n";
}

/**
 * The `metadata` frame of `/stream`, spaced like Python's `json.dumps`: `{"run_id": "…"}`.
 * @example
 * encodeMetadataFrame("00000000-0000-0000-0000-000000000007");
 * // 'event: metadata\r\ndata: {"run_id": "00000000-0000-0000-0000-000000000007"}\r\n\r\n'
 */
export function encodeMetadataFrame(runId: string): string {
  return `event: metadata\r\ndata: {"run_id": ${asciiOnly(JSON.stringify(runId))}}\r\n\r\n`;
}

/** Optional keys of an `error` frame, written after `status_code` and `message`. */
export interface ErrorFrameExtra {
  /** The chainserve error code (terminal frames of timeouts and the drain). */
  code?: string;
  /** Seconds to wait before retrying, from the upstream's or the server's `Retry-After`. */
  retryAfter?: number;
}

/**
 * The `error` frame, spaced like Python's `json.dumps`: `{"status_code": 500, "message": "…"}`,
 * plus `"retry_after": <seconds>` when known (a stream's head is sent already, so this is where
 * a `Retry-After` goes; LangServe clients ignore the extra key).
 * The message must already be safe to show (never an exception's own text unless allowed).
 * `code`, when given, is added after them (the terminal frames of timeouts and the drain carry
 * it, so clients can tell SHUTTING_DOWN from another 503; LangServe clients ignore it).
 * @example
 * encodeErrorFrame(500, "Internal Server Error");
 * // 'event: error\r\ndata: {"status_code": 500, "message": "Internal Server Error"}\r\n\r\n'
 */
export function encodeErrorFrame(statusCode: number, message: string, extra: ErrorFrameExtra = {}): string {
  const body: Record<string, unknown> = { status_code: statusCode, message };
  if (extra.code !== undefined) body.code = extra.code;
  if (extra.retryAfter !== undefined) body.retry_after = extra.retryAfter;
  return encodeSseFrame(SSE_EVENTS.ERROR, pythonJsonDumps(body));
}

/**
 * JSON text as Python's `json.dumps` writes it by default: `", "` and `": "` separators and
 * `ensure_ascii` (every non-ASCII UTF-16 unit as `\uXXXX`). Non-finite numbers become `null`.
 */
export function pythonJsonDumps(value: unknown): string {
  if (value === null || value === undefined) return "null";
  switch (typeof value) {
    case "string":
      return asciiOnly(JSON.stringify(value));
    case "number":
      return Number.isFinite(value) ? String(value) : "null";
    case "boolean":
      return value ? "true" : "false";
    case "object":
      if (Array.isArray(value)) return `[${value.map(pythonJsonDumps).join(", ")}]`;
      return `{${Object.entries(value as Record<string, unknown>)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => `${asciiOnly(JSON.stringify(k))}: ${pythonJsonDumps(v)}`)
        .join(", ")}}`;
    default:
      return "null";
  }
}

// eslint-disable-next-line no-control-regex -- the range is exactly "not ASCII"
const NON_ASCII = /[^\x00-\x7f]/g;

function asciiOnly(json: string): string {
  return json.replace(NON_ASCII, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}
