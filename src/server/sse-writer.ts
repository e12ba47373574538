/**
 * Writes SSE frames to a Node response with three properties the stream endpoints rely on:
 * frames produced in the same tick go out in one write (one chunk, one syscall); a full socket
 * (`write()` → false) stops the producer until `drain`, so a slow client never makes the server
 * buffer without bound; and a client that goes away is noticed through the response's `close`.
 *
 * Why not `@fastify/sse` (0.6, `sse: "manual"` mode, which ignores Accept): its `send()` writes
 * LF-only frames and `: heartbeat\n\n` (LangServe's are CRLF), needs a `data` key to send
 * `event: end`, splits and re-concatenates every payload, allocates a Promise per frame, never
 * coalesces, and its heartbeat writes ignore backpressure. Measured (100 frames per request,
 * 32 connections, server and client pinned to one core each, medians of noisy runs): this writer
 * ~60–80 µs CPU per request vs ~260 µs for `reply.sse.send(asyncIterable)`.
 */
import type { OutgoingHttpHeaders, ServerResponse } from "node:http";
import { SSE_PING_FRAME } from "../serde/sse.js";

/**
 * Pending text that triggers an immediate write and a turn for other connections. Large
 * enough that a whole `/stream_log` or `/stream_events` answer of a chat run (~20 kB) leaves
 * in one write, as a hand-written handler's would; at 16 kB every such answer took an extra
 * write and an event-loop turn (issue #5).
 */
const FLUSH_AT = 64 * 1024;

const noop = (): void => undefined;

/** Options of {@link SseWriter}. */
export interface SseWriterOptions {
  /** Milliseconds between comment pings; 0 disables them. @default 15000 */
  pingIntervalMs?: number;
}

/**
 * One SSE response.
 * @example
 * const writer = new SseWriter(reply.raw, { pingIntervalMs: 15_000 });
 * writer.open({ "content-type": "text/event-stream; charset=utf-8" });
 * if (!writer.write(encodeDataFrame("1"))) await writer.ready();
 * writer.end(SSE_END_FRAME);
 */
export class SseWriter {
  readonly #raw: ServerResponse;
  readonly #pingIntervalMs: number;
  #pending = "";
  /** Whether everything pending is ASCII (then it is written as latin1, see write()). */
  #pendingAscii = true;
  #scheduled = false;
  #blocked = false;
  #closed = false;
  #ended = false;
  #wrote = false;
  #wake: (() => void) | undefined;
  #ping: NodeJS.Timeout | undefined;

  constructor(raw: ServerResponse, options: SseWriterOptions = {}) {
    this.#raw = raw;
    this.#pingIntervalMs = options.pingIntervalMs ?? 15_000;
    raw.on("close", this.#onClose);
    raw.on("drain", this.#onDrain);
    // A reset socket emits `error` on the response; `close` follows and is what we act on.
    raw.on("error", noop);
  }

  /** True once the response closed: the client went away (or the response ended). */
  get closed(): boolean {
    return this.#closed;
  }

  /** Writes the head. It leaves with the first frames, or alone at the end of this tick. */
  open(status: number, headers: OutgoingHttpHeaders): void {
    this.#raw.writeHead(status, headers);
    this.#schedule();
    if (this.#pingIntervalMs > 0) {
      this.#ping = setInterval(this.#onPing, this.#pingIntervalMs);
      this.#ping.unref();
    }
  }

  /**
   * Queues a frame for this tick's write. Returns false when the producer should
   * `await ready()` before making the next frame (the socket is full, or a large write just went
   * out and other connections deserve a turn).
   *
   * Pass `ascii: true` only for a frame known to hold ASCII characters only. A write whose
   * frames all are goes out as latin1, whose bytes are then the UTF-8 ones, and Node skips the
   * passes that measure and encode UTF-8. Measured on a server that only encodes and writes the
   * chat chain's ~22 kB /stream_log answer: 71 → 67 µs CPU per request (issue #5).
   */
  write(frame: string, ascii = false): boolean {
    if (this.#closed || this.#ended) return false;
    this.#pending += frame;
    if (!ascii) this.#pendingAscii = false;
    if (this.#pending.length >= FLUSH_AT) {
      this.#flush();
      return false;
    }
    this.#schedule();
    return !this.#blocked;
  }

  /** Resolves once more may be written: on `drain` or `close` when blocked, else after yielding to the event loop. */
  ready(): Promise<void> {
    if (this.#closed || this.#ended) return Promise.resolve();
    if (!this.#blocked) return new Promise((resolve) => setImmediate(resolve));
    return new Promise((resolve) => {
      this.#wake = resolve;
    });
  }

  /** Writes what is pending plus `frame` and ends the response (the final chunk is sent); `ascii` as in write(). */
  end(frame = "", ascii = false): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#stopPing();
    if (this.#closed) return;
    const data = this.#pending + frame;
    const encoding = this.#pendingAscii && (ascii || frame === "") ? "latin1" : "utf8";
    this.#pending = "";
    if (data === "") this.#raw.end();
    else this.#raw.end(data, encoding);
  }

  #schedule(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    // The write must wait until the promise jobs queued now have run, so that every frame a
    // generator yields in this turn shares it. A nextTick queued from inside a promise job runs
    // once they have drained; one queued from a nextTick callback (a handler called from the
    // request's `end` event) would run before them, and the head would leave alone, a syscall
    // of its own (~35 µs per /stream_log request on loopback, issue #5). Queued from a
    // microtask, the tick is always behind them.
    queueMicrotask(this.#scheduleTick);
  }

  readonly #scheduleTick = (): void => {
    process.nextTick(this.#flushTick);
  };

  readonly #flushTick = (): void => {
    this.#scheduled = false;
    this.#flush();
  };

  #flush(): void {
    if (this.#closed || this.#ended) return;
    const data = this.#pending;
    // `headersSent` turns true at writeHead(), before anything reached the socket.
    if (data === "") {
      if (!this.#wrote) this.#raw.flushHeaders();
      this.#wrote = true;
      return;
    }
    const encoding = this.#pendingAscii ? "latin1" : "utf8";
    this.#pending = "";
    this.#pendingAscii = true;
    this.#wrote = true;
    if (!this.#raw.write(data, encoding)) this.#blocked = true;
  }

  readonly #onDrain = (): void => {
    this.#blocked = false;
    this.#wakeUp();
  };

  readonly #onClose = (): void => {
    this.#closed = true;
    this.#stopPing();
    this.#wakeUp();
  };

  readonly #onPing = (): void => {
    // A blocked socket is busy anyway; a ping would only add to its buffer.
    if (!this.#blocked) this.write(SSE_PING_FRAME, true);
  };

  #wakeUp(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }

  #stopPing(): void {
    if (this.#ping !== undefined) clearInterval(this.#ping);
    this.#ping = undefined;
  }
}
