/**
 * Reads the LangServe wire captures in `../shared/spec/langserve-captures/` (see
 * reference-chains.md): for each case NAME, `NAME.request.txt` (method, path, headers and
 * body as sent) and `NAME.http` (the response headers plus the de-chunked body). The
 * `.raw.http` twin only adds chunked framing and is not needed for structural comparison.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** One request as recorded in `NAME.request.txt`. */
export interface CaptureRequest {
  method: string;
  path: string;
  /** Header names lower-cased. */
  headers: Record<string, string>;
  /** The body bytes as text; `undefined` when the request had no body section. */
  body: string | undefined;
}

/** One response as recorded in `NAME.http`. */
export interface CaptureResponse {
  status: number;
  /** Header names lower-cased. */
  headers: Record<string, string>;
  body: string;
}

/** A request/response pair. */
export interface Capture {
  name: string;
  request: CaptureRequest;
  response: CaptureResponse;
}

/** One Server-Sent Event: the `event` name (if any) and the joined `data` lines (if any). */
export interface SseMessage {
  event: string | undefined;
  data: string | undefined;
}

/**
 * The capture folder, resolved from this file's location (`<repo>/test/e2e` →
 * `<repo>/../shared/spec/langserve-captures`); `undefined` when it does not exist
 * (an error when `CHAINSERVE_REQUIRE_CAPTURES=1`, as `.ci/run` sets).
 */
export function capturesDir(): string | undefined {
  const here = dirname(fileURLToPath(import.meta.url));
  const dir = resolve(here, "..", "..", "..", "shared", "spec", "langserve-captures");
  if (existsSync(dir)) return dir;
  // CI always has shared/ beside the clone: there a missing folder is a failure, not a skip.
  if (process.env.CHAINSERVE_REQUIRE_CAPTURES === "1") throw new Error(`LangServe captures not found at ${dir}`);
  return undefined;
}

/** Every case that has both a `.request.txt` and a `.http`, sorted by name. */
export function loadCaptures(dir: string): Capture[] {
  return readdirSync(dir)
    .filter((file) => file.endsWith(".request.txt"))
    .map((file) => file.slice(0, -".request.txt".length))
    .sort()
    .map((name) => ({
      name,
      request: parseCaptureRequest(readFileSync(join(dir, `${name}.request.txt`), "utf8")),
      response: parseCaptureResponse(readFileSync(join(dir, `${name}.http`), "utf8")),
    }));
}

/**
 * Parse `METHOD PATH\nHeader: v\n...\n\nBODY\n`. The recorder appends one newline after
 * the body (an empty body is recorded as a lone `\n`), so exactly one is removed.
 */
export function parseCaptureRequest(text: string): CaptureRequest {
  const split = text.indexOf("\n\n");
  const head = split === -1 ? text.replace(/\n$/, "") : text.slice(0, split);
  const [requestLine = "", ...headerLines] = head.split("\n");
  const [method = "", path = ""] = requestLine.split(" ");
  const rawBody = split === -1 ? undefined : text.slice(split + 2);
  const body = rawBody === undefined ? undefined : rawBody.endsWith("\n") ? rawBody.slice(0, -1) : rawBody;
  return { method, path, headers: parseHeaders(headerLines), body: method === "GET" ? undefined : body };
}

/** Parse `HTTP/1.1 STATUS REASON\r\nheaders\r\n\r\nbody` (headers end with CRLF CRLF). */
export function parseCaptureResponse(text: string): CaptureResponse {
  const split = text.indexOf("\r\n\r\n");
  if (split === -1) throw new Error("capture response has no header/body separator");
  const [statusLine = "", ...headerLines] = text.slice(0, split).split("\r\n");
  const status = Number(statusLine.split(" ")[1]);
  return { status, headers: parseHeaders(headerLines), body: text.slice(split + 4) };
}

function parseHeaders(lines: string[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(":");
    if (colon <= 0) continue;
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return headers;
}

/** The media type of a Content-Type value (`text/event-stream; charset=utf-8` → `text/event-stream`). */
export function mediaType(contentType: string | undefined): string | undefined {
  return contentType?.split(";")[0]?.trim().toLowerCase();
}

/**
 * Split an SSE body into messages (WHATWG rules, reduced to what LangServe uses): lines end
 * with CRLF, LF or CR; a blank line dispatches; `:` lines are comments; several `data`
 * lines join with `\n`. A trailing message without its blank line is still returned.
 */
export function parseSse(body: string): SseMessage[] {
  const messages: SseMessage[] = [];
  let event: string | undefined;
  let data: string[] = [];
  let pending = false;
  const flush = (): void => {
    if (pending) messages.push({ event, data: data.length === 0 ? undefined : data.join("\n") });
    event = undefined;
    data = [];
    pending = false;
  };
  for (const line of body.split(/\r\n|\r|\n/)) {
    if (line === "") {
      flush();
      continue;
    }
    if (line.startsWith(":")) continue;
    const colon = line.indexOf(":");
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? "" : line.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    if (field === "event") event = value;
    else if (field === "data") data.push(value);
    else continue;
    pending = true;
  }
  flush();
  return messages;
}
