/**
 * A minimal HTTP/1.1 response parser for the load generator: status, `content-length` or
 * chunked bodies (or read-until-close), `connection: close`; for Server-Sent Events it notes
 * when the first `event: data` frame is complete and whether the body ended with `event: end`.
 * No body is kept, only a short tail of it.
 */

const CRLF2 = Buffer.from("\r\n\r\n");
const DATA_EVENT = "event: data";
const END_EVENT = "event: end";

const enum State {
  Head,
  Length,
  ChunkSize,
  ChunkData,
  ChunkCrlf,
  Trailer,
  UntilClose,
}

/** Incremental parser of one response, fed socket data until `feed` returns true. */
export class ResponseParser {
  status = 0;
  private state = State.Head;
  private head: Buffer | undefined;
  private remaining = 0;
  private sizeLine = "";
  private closeAfter = false;
  /** Tail of the body text, enough to see `event: data` / `event: end` across chunk edges. */
  private window = "";
  private sawData = false;
  private readonly sse: boolean;
  /** Called when the first data frame is complete. */
  onFirstData: (() => void) | undefined;

  constructor(sse: boolean) {
    this.sse = sse;
  }

  get wantsClose(): boolean {
    return this.closeAfter;
  }

  get endedWithSseEnd(): boolean {
    return this.window.trimEnd().endsWith(END_EVENT);
  }

  get readsUntilClose(): boolean {
    return this.state === State.UntilClose;
  }

  /** Feed bytes; returns true when the response is complete. */
  feed(buf: Buffer): boolean {
    let i = 0;
    while (i < buf.length) {
      switch (this.state) {
        case State.Head: {
          const joined = this.head === undefined ? buf.subarray(i) : Buffer.concat([this.head, buf.subarray(i)]);
          const end = joined.indexOf(CRLF2);
          if (end === -1) {
            this.head = Buffer.from(joined);
            return false;
          }
          const consumedFromBuf = end + 4 - (this.head?.length ?? 0);
          this.head = undefined;
          this.parseHead(joined.toString("latin1", 0, end));
          i += consumedFromBuf;
          if ((this.state as State) === State.Length && this.remaining === 0) return true;
          break;
        }
        case State.Length: {
          const n = Math.min(this.remaining, buf.length - i);
          this.body(buf, i, i + n);
          i += n;
          this.remaining -= n;
          if (this.remaining === 0) return true;
          break;
        }
        case State.ChunkSize: {
          const nl = buf.indexOf(10, i);
          if (nl === -1) {
            this.sizeLine += buf.toString("latin1", i);
            return false;
          }
          this.sizeLine += buf.toString("latin1", i, nl);
          i = nl + 1;
          const size = parseInt(this.sizeLine, 16);
          this.sizeLine = "";
          if (size === 0) {
            this.state = State.Trailer;
            this.remaining = 0;
          } else {
            this.remaining = size;
            this.state = State.ChunkData;
          }
          break;
        }
        case State.ChunkData: {
          const n = Math.min(this.remaining, buf.length - i);
          this.body(buf, i, i + n);
          i += n;
          this.remaining -= n;
          if (this.remaining === 0) {
            this.state = State.ChunkCrlf;
            this.remaining = 2;
          }
          break;
        }
        case State.ChunkCrlf: {
          const n = Math.min(this.remaining, buf.length - i);
          i += n;
          this.remaining -= n;
          if (this.remaining === 0) this.state = State.ChunkSize;
          break;
        }
        case State.Trailer: {
          // No trailers in practice: the terminating chunk is followed by one CRLF.
          const nl = buf.indexOf(10, i);
          if (nl === -1) return false;
          const line = buf.toString("latin1", i, nl).trim();
          i = nl + 1;
          if (line === "") return true;
          break;
        }
        case State.UntilClose:
          this.body(buf, i, buf.length);
          return false;
      }
    }
    return false;
  }

  private parseHead(head: string): void {
    this.status = Number(head.slice(9, 12));
    const lower = head.toLowerCase();
    const chunked = /\r\ntransfer-encoding:[^\r]*chunked/.test(lower);
    const length = /\r\ncontent-length:\s*(\d+)/.exec(lower);
    this.closeAfter = /\r\nconnection:\s*close/.test(lower);
    if (chunked) {
      this.state = State.ChunkSize;
    } else if (length !== null) {
      this.state = State.Length;
      this.remaining = Number(length[1]);
    } else if (this.status === 204 || this.status === 304) {
      this.state = State.Length;
      this.remaining = 0;
    } else {
      this.state = State.UntilClose;
      this.closeAfter = true;
    }
  }

  private body(buf: Buffer, from: number, to: number): void {
    if (!this.sse || from === to) return;
    this.window = (this.window + buf.toString("latin1", from, to)).slice(-4096);
    if (!this.sawData) {
      const at = this.window.indexOf(DATA_EVENT);
      if (at !== -1 && (this.window.indexOf("\r\n\r\n", at) !== -1 || this.window.indexOf("\n\n", at) !== -1)) {
        this.sawData = true;
        this.onFirstData?.();
      }
    }
    // Keep only what is needed to recognise the end frame once the data frame was seen.
    if (this.sawData && this.window.length > 64) this.window = this.window.slice(-64);
  }
}
