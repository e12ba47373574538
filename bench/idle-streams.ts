/**
 * Many concurrently open, mostly idle SSE streams: open `streams` connections, send one
 * streaming request on each, report once every stream has delivered its first `event: data`
 * frame (the moment the server holds them all), then wait for every stream to finish and
 * count those that ended with `event: end`.
 */
import type { Socket } from "node:net";
import { openSockets } from "./load.js";

/** Options of {@link runIdleStreams}. */
export interface IdleStreamsJob {
  host: string;
  port: number;
  /** Raw request bytes (latin1). */
  request: string;
  streams: number;
  /** Give up on streams still open after this long. @default 60000 */
  timeoutMs?: number;
}

/** What {@link runIdleStreams} saw. */
export interface IdleStreamsResult {
  streams: number;
  /** Streams that ended with `event: end` and a 200. */
  completed: number;
  /** Streams that delivered a first data frame. */
  opened: number;
  /** Time until every stream had its first data frame (ms), or -1 if some never did. */
  all_open_ms: number;
  firstError: string | undefined;
}

/**
 * Run the job; `onAllOpen` is awaited while every stream is open (the caller samples server
 * memory there), before waiting for completion.
 */
export async function runIdleStreams(job: IdleStreamsJob, onAllOpen: () => Promise<void>): Promise<IdleStreamsResult> {
  const started = performance.now();
  const sockets = await openSockets(job.host, job.port, job.streams, 100);
  let opened = 0;
  let settledOpen = 0;
  let completed = 0;
  let finished = 0;
  let firstError: string | undefined;
  let resolveOpen: () => void = () => undefined;
  let resolveDone: () => void = () => undefined;
  const allOpen = new Promise<void>((resolve) => (resolveOpen = resolve));
  const allDone = new Promise<void>((resolve) => (resolveDone = resolve));

  const watch = (socket: Socket): void => {
    let text = "";
    let isOpen = false;
    let isDone = false;
    const done = (ok: boolean, why?: string): void => {
      if (isDone) return;
      isDone = true;
      if (ok) completed++;
      else firstError ??= why;
      if (!isOpen) {
        // Never opened: do not hold up the "all open" moment forever.
        isOpen = true;
        if (++settledOpen === job.streams) resolveOpen();
      }
      socket.destroy();
      if (++finished === job.streams) resolveDone();
    };
    socket.setEncoding("latin1");
    socket.on("data", (chunk: string) => {
      // Bodies are a few hundred bytes: keep the whole text, chunk-size lines included.
      text += chunk;
      if (!isOpen && /event: data\r?\ndata: [^\n]*\n\r?\n/.test(text)) {
        isOpen = true;
        opened++;
        if (++settledOpen === job.streams) resolveOpen();
      }
      if (/\r\n0\r\n\r\n$/.test(text)) done(text.startsWith("HTTP/1.1 200") && text.includes("event: end"), "stream ended without event: end");
    });
    socket.on("error", (err) => done(false, err.message));
    socket.on("close", () => done(false, "connection closed before the stream ended"));
    socket.write(job.request);
  };

  for (const socket of sockets) watch(socket);
  const timeoutMs = job.timeoutMs ?? 60_000;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<"timeout">((resolve) => (timer = setTimeout(() => resolve("timeout"), timeoutMs)));
  const openedInTime = (await Promise.race([allOpen, timeout])) !== "timeout";
  const allOpenMs = openedInTime ? Math.round(performance.now() - started) : -1;
  await onAllOpen();
  await Promise.race([allDone, timeout]);
  clearTimeout(timer);
  for (const socket of sockets) socket.destroy();
  return { streams: job.streams, completed, opened, all_open_ms: allOpenMs, firstError };
}
