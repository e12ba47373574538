/**
 * The SSE parser shared by everything that reads our streams (the client today): a streaming
 * Server-Sent Events parser for response bodies (WHATWG "event stream
 * interpretation", reduced to what LangServe sends). Browser-safe (TextDecoder only).
 *
 * Why not eventsource-parser: it follows WHATWG and drops messages without data, so
 * LangServe's `event: end` (no data line) is invisible and a truncated stream cannot be told
 * from a complete one. Speed is on par (bench/client.ts measures both).
 *
 * Deviations from the WHATWG rules, on purpose: a message is dispatched when it had an
 * `event` *or* `data` field, and a message left pending at EOF is dispatched (a truncated last
 * line included). `id:` and `retry:` are ignored (LangServe sends neither).
 */

/** One SSE message: the `event` name (`"message"` when none was given) and the joined data. */
export interface SseMessage {
  /** The event name; `"message"` for frames without an `event:` field. */
  event: string;
  /** The `data:` lines joined with `\n`; `""` when there was none. */
  data: string;
}

const LF = 10;
const CR = 13;
const COLON = 58;
const SPACE = 32;

/** Line starts with `data:` (char codes, no allocation: this runs once per line). */
function isData(text: string, at: number): boolean {
  return (
    text.charCodeAt(at) === 100 && text.charCodeAt(at + 1) === 97 && text.charCodeAt(at + 2) === 116 &&
    text.charCodeAt(at + 3) === 97 && text.charCodeAt(at + 4) === COLON
  );
}

/** Line starts with `event:`. */
function isEvent(text: string, at: number): boolean {
  return (
    text.charCodeAt(at) === 101 && text.charCodeAt(at + 1) === 118 && text.charCodeAt(at + 2) === 101 &&
    text.charCodeAt(at + 3) === 110 && text.charCodeAt(at + 4) === 116 && text.charCodeAt(at + 5) === COLON
  );
}

/**
 * Incremental decoder: feed text as it arrives (split anywhere, even inside a CRLF), and each
 * complete message is handed to `onMessage`. Handles CRLF, LF and lone CR line ends, comments
 * (`: ping`) and several `data:` lines per message (joined with `\n`).
 * @example
 * const decoder = new SseDecoder((message) => console.log(message));
 * decoder.push("event: data\r\ndata: 1\r"); // nothing yet
 * decoder.push("\n\r\n"); // logs { event: "data", data: "1" }
 */
export class SseDecoder {
  // Fragments of an unfinished line: joined once a line end arrives, so a large data line
  // split over many chunks costs linear, not quadratic, time.
  private readonly pending: string[] = [];
  private event: string | undefined;
  private data = "";
  private hasData = false;

  constructor(private readonly onMessage: (message: SseMessage) => void) {}

  /** Feed the next piece of text. */
  push(chunk: string): void {
    if (this.pending.length > 0) {
      const last = this.pending[this.pending.length - 1] as string;
      this.pending.push(chunk);
      const noLineEnd = chunk.indexOf("\n") === -1 && chunk.indexOf("\r") === -1;
      if (noLineEnd && last.charCodeAt(last.length - 1) !== CR) return;
      chunk = this.pending.join("");
      this.pending.length = 0;
    }
    const rest = this.lines(chunk, false);
    if (rest !== "") this.pending.push(rest);
  }

  /** The body ended: the pending partial line and message are dispatched. */
  end(): void {
    const text = this.pending.join("");
    this.pending.length = 0;
    const rest = this.lines(text, true);
    if (rest !== "") this.line(rest, 0, rest.length);
    this.line("", 0, 0);
  }

  /** Handles every complete line of `text`; returns the unfinished rest. */
  private lines(text: string, final: boolean): string {
    let pos = 0;
    let cr = text.indexOf("\r");
    let lf = text.indexOf("\n");
    if (cr === -1) {
      // LF-only text: one search per line.
      while (lf !== -1) {
        this.line(text, pos, lf);
        pos = lf + 1;
        lf = text.indexOf("\n", pos);
      }
      return pos === 0 ? text : text.slice(pos);
    }
    const len = text.length;
    while (pos < len) {
      if (cr !== -1 && cr < pos) cr = text.indexOf("\r", pos);
      if (lf !== -1 && lf < pos) lf = text.indexOf("\n", pos);
      let end: number;
      let next: number;
      if (cr === -1 || (lf !== -1 && lf < cr)) {
        if (lf === -1) break;
        end = lf;
        next = lf + 1;
      } else {
        // A CR at the very end may be the first half of a CRLF split across chunks: wait.
        if (cr === len - 1 && !final) break;
        end = cr;
        next = text.charCodeAt(cr + 1) === LF ? cr + 2 : cr + 1;
      }
      this.line(text, pos, end);
      pos = next;
    }
    return pos === 0 ? text : text.slice(pos);
  }

  private line(text: string, start: number, end: number): void {
    if (start === end) {
      if (this.hasData || this.event !== undefined) this.onMessage({ event: this.event ?? "message", data: this.data });
      this.event = undefined;
      this.data = "";
      this.hasData = false;
      return;
    }
    let value: string;
    if (isData(text, start)) {
      value = text.slice(text.charCodeAt(start + 5) === SPACE ? start + 6 : start + 5, end);
    } else if (isEvent(text, start)) {
      this.event = text.slice(text.charCodeAt(start + 6) === SPACE ? start + 7 : start + 6, end);
      return;
    } else if (end - start === 4 && text.startsWith("data", start)) {
      value = ""; // a bare `data` line
    } else {
      return; // comments, `id:`, `retry:` and unknown fields
    }
    if (this.hasData) {
      this.data = `${this.data}\n${value}`;
    } else {
      this.data = value;
      this.hasData = true;
    }
  }
}

/**
 * Parse a byte stream as SSE, yielding each message as soon as its blank line arrives.
 * `onBytes` is called for every chunk read (comments and pings included): that is how the
 * client's idle timeout learns that the connection is alive.
 * @example
 * for await (const message of readSse(body)) console.log(message.event, message.data);
 */
export async function* readSse(body: AsyncIterable<Uint8Array>, onBytes?: () => void): AsyncGenerator<SseMessage> {
  const decoder = new TextDecoder();
  const ready: SseMessage[] = [];
  const sse = new SseDecoder((message) => ready.push(message));
  for await (const bytes of body) {
    onBytes?.();
    sse.push(decoder.decode(bytes, { stream: true }));
    if (ready.length === 0) continue;
    for (let i = 0; i < ready.length; i++) yield ready[i] as SseMessage;
    ready.length = 0;
  }
  sse.push(decoder.decode());
  sse.end();
  yield* ready;
}
