/**
 * A closed-loop HTTP/1.1 load generator on raw `net` sockets, in the spirit of wrk: each
 * connection sends one pre-serialised request, parses the response incrementally (status,
 * `content-length` or chunked body) and sends the next as soon as the last byte arrives.
 * Per response it records the latency to the last byte and, for Server-Sent Events, to the
 * end of the first `event: data` frame. No HTTP library sits in the loop, so the generator
 * stays far below the cost of the servers it measures (one core drives 100k+ req/s).
 */
import { connect, type Socket } from "node:net";
import { ResponseParser } from "./http-response.js";

/** One load job: a request replayed on `connections` sockets for `durationMs`. */
export interface LoadJob {
  host: string;
  port: number;
  /** The raw request bytes (request line, headers, body), as latin1/binary text. */
  request: string;
  connections: number;
  durationMs: number;
  /** The status every response must have; others count as errors. @default 200 */
  expectStatus?: number;
  /** The body must end with `event: end` (an SSE stream that completed). @default false */
  expectSseEnd?: boolean;
  /** How long in-flight responses may take after the window before they count as errors. @default 10000 */
  graceMs?: number;
  /** Open connections at most this many per event-loop turn (avoids SYN drops). @default 100 */
  connectBatch?: number;
}

/** What a load job measured. Latencies in ms. */
export interface LoadResult {
  /** Responses completed within the window that passed the checks. */
  requests: number;
  /** Responses completed after the window closed (not counted in `requests`). */
  late: number;
  errors: number;
  /** First error seen, for the report. */
  firstError: string | undefined;
  rps: number;
  p50_ms: number;
  p99_ms: number;
  /** Time to the end of the first `event: data` frame (0 when no response had one). */
  ttfb_p50_ms: number;
  ttfb_p99_ms: number;
  /** How long the window really was. */
  elapsed_ms: number;
  /** CPU time of the load generator over the window, as a share of one core (near 1 = it was the bottleneck). */
  cpu: number;
}

/** Percentile of an ascending-sorted array (nearest rank). */
export function percentile(sorted: Float64Array | number[], p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] as number;
}

/** A growable list of doubles without per-push boxing. */
class Samples {
  private data = new Float64Array(1 << 16);
  length = 0;
  push(value: number): void {
    if (this.length === this.data.length) {
      const next = new Float64Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = value;
  }
  sorted(): Float64Array {
    return this.data.slice(0, this.length).sort();
  }
}

const round2 = (x: number): number => Math.round(x * 100) / 100;

/**
 * Run one closed-loop job and resolve with its figures. Connections are opened first; the
 * window starts when every connection is up, and responses completing after it closes are
 * not counted.
 */
export async function runLoad(job: LoadJob): Promise<LoadResult> {
  const expectStatus = job.expectStatus ?? 200;
  const sse = job.expectSseEnd ?? false;
  const request = Buffer.from(job.request, "latin1");
  const latencies = new Samples();
  const ttfbs = new Samples();
  let errors = 0;
  let late = 0;
  let firstError: string | undefined;
  let stopped = false;
  let start = 0;
  let deadline = Infinity;
  const fail = (message: string): void => {
    errors++;
    firstError ??= message;
  };

  const sockets = await openSockets(job.host, job.port, job.connections, job.connectBatch ?? 100);
  let live = sockets.length;
  let resolveDone: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (resolveDone = resolve));

  const abandon: (() => void)[] = [];
  const drive = (initial: Socket): void => {
    let socket = initial;
    let parser = new ResponseParser(sse);
    let sentAt = 0;
    let firstDataAt = 0;
    const finish = (): void => {
      live--;
      socket.destroy();
      if (live === 0) resolveDone();
    };
    const send = (): void => {
      if (stopped) return finish();
      parser = new ResponseParser(sse);
      parser.onFirstData = () => (firstDataAt = performance.now());
      firstDataAt = 0;
      sentAt = performance.now();
      socket.write(request);
    };
    const complete = (): void => {
      const now = performance.now();
      if (now <= deadline) {
        if (parser.status !== expectStatus) fail(`status ${parser.status}`);
        else if (sse && !parser.endedWithSseEnd) fail("stream did not end with event: end");
        else {
          latencies.push(now - sentAt);
          if (firstDataAt !== 0) ttfbs.push(firstDataAt - sentAt);
        }
      } else {
        late++;
      }
      if (parser.wantsClose) reconnect();
      else send();
    };
    const attach = (s: Socket): void => {
      s.on("data", (chunk: Buffer) => {
        if (parser.feed(chunk)) complete();
      });
      s.on("error", (err) => {
        if (!stopped) fail(err.message);
      });
      s.on("close", () => {
        if (s !== socket) return;
        if (parser.readsUntilClose) return complete();
        if (!stopped) {
          fail("connection closed mid-response");
          reconnect();
        }
      });
    };
    const reconnect = (): void => {
      socket.removeAllListeners("data");
      socket.destroy();
      if (stopped) return finish();
      const next = connect({ host: job.host, port: job.port, noDelay: true });
      socket = next;
      attach(next);
      next.once("connect", send);
    };
    attach(socket);
    abandon.push(() => {
      if (socket.destroyed) return;
      fail("no complete response within the grace period after the window");
      socket.removeAllListeners("close");
      finish();
    });
    send();
  };

  start = performance.now();
  const cpuStart = process.cpuUsage();
  deadline = start + job.durationMs;
  const timer = setTimeout(() => (stopped = true), job.durationMs);
  // A server that never answers must not hang the benchmark.
  const grace = setTimeout(() => abandon.forEach((f) => f()), job.durationMs + (job.graceMs ?? 10_000));
  for (const socket of sockets) drive(socket);
  await done;
  clearTimeout(timer);
  clearTimeout(grace);
  const cpu = process.cpuUsage(cpuStart);
  const wall = performance.now() - start;
  const elapsed = Math.min(performance.now(), deadline) - start;
  const lat = latencies.sorted();
  const tt = ttfbs.sorted();
  return {
    requests: latencies.length,
    late,
    errors,
    firstError,
    rps: Math.round((latencies.length * 1000) / elapsed),
    p50_ms: round2(percentile(lat, 50)),
    p99_ms: round2(percentile(lat, 99)),
    ttfb_p50_ms: round2(percentile(tt, 50)),
    ttfb_p99_ms: round2(percentile(tt, 99)),
    elapsed_ms: Math.round(elapsed),
    cpu: round2((cpu.user + cpu.system) / 1000 / wall),
  };
}

/** Open `n` sockets, `batch` per turn of the event loop. */
export async function openSockets(host: string, port: number, n: number, batch: number): Promise<Socket[]> {
  const sockets: Socket[] = [];
  for (let i = 0; i < n; i += batch) {
    const group = Array.from({ length: Math.min(batch, n - i) }, () =>
      new Promise<Socket>((resolve, reject) => {
        const s = connect({ host, port, noDelay: true });
        s.once("connect", () => {
          s.removeListener("error", reject);
          resolve(s);
        });
        s.once("error", reject);
      }),
    );
    sockets.push(...(await Promise.all(group)));
  }
  return sockets;
}

/**
 * Serialise a request the way a minimal client sends it: HTTP/1.1, keep-alive, explicit
 * content-length.
 */
export function rawRequest(options: { method: string; path: string; host: string; body?: string; headers?: Record<string, string> }): string {
  const body = options.body === undefined ? undefined : Buffer.from(options.body, "utf8");
  let text = `${options.method} ${options.path} HTTP/1.1\r\nhost: ${options.host}\r\n`;
  for (const [name, value] of Object.entries(options.headers ?? {})) text += `${name}: ${value}\r\n`;
  if (body !== undefined) text += `content-type: application/json\r\ncontent-length: ${body.length}\r\n`;
  text += "\r\n";
  return body === undefined ? text : text + body.toString("latin1");
}
