/**
 * The load generator's side of `paced_streams` (issue 16): `streams` concurrent clients,
 * one streaming request each, their starts spread evenly over `rampMs` as arriving users
 * would (all at once would line every stream's tokens up on the same 30 ms tick). Each
 * client finds the model's first-token stamp (bench/paced-app.ts) in the first frame that
 * carries it and takes `arrival − stamp` on the machine's monotonic clock: the time the
 * server took from the model yielding its first token to the client reading that frame.
 * After that a client only watches the tail of its stream for `event: end`.
 */
import type { Socket } from "node:net";
import { openSockets, percentile } from "./load.js";

/** Options of {@link runPacedStreams}. */
export interface PacedStreamsJob {
  host: string;
  port: number;
  /** Raw request bytes (latin1). */
  request: string;
  streams: number;
  /** Starts spread evenly over this long. @default 1000 */
  rampMs?: number;
  /** The text before the stamp (monotonic ns) in the first token. */
  stampPrefix: string;
  /** Give up on streams still open after this long. @default 60000 */
  timeoutMs?: number;
}

/** What {@link runPacedStreams} saw. */
export interface PacedStreamsResult {
  streams: number;
  /** Streams that answered 200 and ended with `event: end`. */
  completed: number;
  /** Streams whose first-token frame arrived. */
  first_tokens: number;
  /** First-token frame arrival minus the model's stamp (ms). */
  ttft_overhead_ms: { p50: number; p99: number; max: number };
  /** From the first request sent until every stream had its first token (ms). */
  all_started_ms: number;
  /** From the first request sent until the last stream finished (ms). */
  elapsed_ms: number;
  firstError: string | undefined;
}

const round3 = (x: number): number => Math.round(x * 1000) / 1000;

/**
 * Run the job; `onAllStarted()` is awaited once every stream has had its first token (or
 * failed first), while all are streaming: the caller samples the server there.
 */
export async function runPacedStreams(job: PacedStreamsJob, onAllStarted: () => Promise<void>): Promise<PacedStreamsResult> {
  const sockets = await openSockets(job.host, job.port, job.streams, 100);
  const overheads = new Float64Array(job.streams);
  const stamp = new RegExp(`${job.stampPrefix.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}(\\d+)`);
  let firstTokens = 0;
  let started = 0;
  let finished = 0;
  let completed = 0;
  let firstError: string | undefined;
  let resolveStarted: () => void = () => undefined;
  let resolveDone: () => void = () => undefined;
  const allStarted = new Promise<void>((resolve) => (resolveStarted = resolve));
  const allDone = new Promise<void>((resolve) => (resolveDone = resolve));
  const t0 = performance.now();
  let allStartedMs = -1;

  const watch = (socket: Socket): void => {
    let head = "";
    let tail = "";
    let hasToken = false;
    let isDone = false;
    const start = (): void => {
      if (++started === job.streams) {
        allStartedMs = Math.round(performance.now() - t0);
        resolveStarted();
      }
    };
    const done = (ok: boolean, why?: string): void => {
      if (isDone) return;
      isDone = true;
      if (ok) completed++;
      else firstError ??= why;
      if (!hasToken) {
        hasToken = true;
        start();
      }
      socket.destroy();
      if (++finished === job.streams) resolveDone();
    };
    socket.setEncoding("latin1");
    socket.on("data", (chunk: string) => {
      if (!hasToken) {
        const arrived = process.hrtime.bigint();
        head += chunk;
        const match = stamp.exec(head);
        if (match !== null) {
          hasToken = true;
          overheads[firstTokens++] = Number(arrived - BigInt(match[1] as string)) / 1e6;
          if (!head.startsWith("HTTP/1.1 200")) return done(false, `status line ${head.slice(0, 15)}`);
          start();
        }
        tail = head.slice(-96);
        head = hasToken ? "" : head;
      } else {
        tail = (tail + chunk).slice(-96);
      }
      if (tail.endsWith("\r\n0\r\n\r\n")) done(tail.includes("event: end"), "stream ended without event: end");
    });
    socket.on("error", (err) => done(false, err.message));
    socket.on("close", () => done(false, "connection closed before the stream ended"));
  };

  const rampMs = job.rampMs ?? 1000;
  sockets.forEach((socket, i) => {
    watch(socket);
    setTimeout(() => socket.write(job.request), (i * rampMs) / job.streams);
  });
  const timeoutMs = job.timeoutMs ?? 60_000;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)));
  await Promise.race([allStarted, timeout]);
  await onAllStarted();
  await Promise.race([allDone, timeout]);
  clearTimeout(timer);
  const elapsed = Math.round(performance.now() - t0);
  for (const socket of sockets) socket.destroy();
  const sorted = overheads.slice(0, firstTokens).sort();
  return {
    streams: job.streams,
    completed,
    first_tokens: firstTokens,
    ttft_overhead_ms: { p50: round3(percentile(sorted, 50)), p99: round3(percentile(sorted, 99)), max: round3(sorted.at(-1) ?? 0) },
    all_started_ms: allStartedMs,
    elapsed_ms: elapsed,
    firstError,
  };
}
