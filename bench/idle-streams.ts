/**
 * Many concurrently open, mostly idle SSE streams: open `streams` connections in `waves`
 * equal waves, send one streaming request on each, report once every stream of a wave has
 * delivered its first `event: data` frame (the server then holds that many), then wait for
 * every stream to finish and count those that ended with `event: end`.
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
  /**
   * Open the streams in this many equal waves, reporting after each: the server's memory
   * can then be read at each step. @default 1
   */
  waves?: number;
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
  /** Streams already finished (either way) when the last wave was reported open. */
  finished_before_all_open: number;
  firstError: string | undefined;
}

/**
 * Run the job; `onOpen(open)` is awaited after each wave, while its streams and those of the
 * waves before are open (the caller samples server memory there), before the next wave or,
 * after the last, before waiting for completion.
 */
export async function runIdleStreams(job: IdleStreamsJob, onOpen: (open: number) => Promise<void>): Promise<IdleStreamsResult> {
  const started = performance.now();
  const waves = Math.max(1, Math.floor(job.waves ?? 1));
  let opened = 0;
  let completed = 0;
  let finished = 0;
  let firstError: string | undefined;
  let resolveDone: () => void = () => undefined;
  const allDone = new Promise<void>((resolve) => (resolveDone = resolve));
  const sockets: Socket[] = [];

  /** Watches one stream; `settled` runs once when it opened or failed before opening. */
  const watch = (socket: Socket, settled: () => void): void => {
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
        settled();
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
        settled();
      }
      if (/\r\n0\r\n\r\n$/.test(text)) done(text.startsWith("HTTP/1.1 200") && text.includes("event: end"), "stream ended without event: end");
    });
    socket.on("error", (err) => done(false, err.message));
    socket.on("close", () => done(false, "connection closed before the stream ended"));
    socket.write(job.request);
  };

  const timeoutMs = job.timeoutMs ?? 60_000;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<"timeout">((resolve) => (timer = setTimeout(() => resolve("timeout"), timeoutMs)));
  let allOpenMs = 0;
  let finishedBeforeAllOpen = 0;
  for (let wave = 0; wave < waves; wave++) {
    const size = Math.floor((job.streams * (wave + 1)) / waves) - Math.floor((job.streams * wave) / waves);
    const waveSockets = await openSockets(job.host, job.port, size, 100);
    sockets.push(...waveSockets);
    let settled = 0;
    let resolveOpen: () => void = () => undefined;
    const waveOpen = new Promise<void>((resolve) => (resolveOpen = resolve));
    const onSettled = (): void => {
      if (++settled === size) resolveOpen();
    };
    for (const socket of waveSockets) watch(socket, onSettled);
    if (size === 0) resolveOpen();
    const openedInTime = (await Promise.race([waveOpen, timeout])) !== "timeout";
    if (!openedInTime) allOpenMs = -1;
    else if (allOpenMs !== -1) allOpenMs = Math.round(performance.now() - started);
    if (wave === waves - 1) finishedBeforeAllOpen = finished;
    await onOpen(opened);
  }
  await Promise.race([allDone, timeout]);
  clearTimeout(timer);
  for (const socket of sockets) socket.destroy();
  return { streams: job.streams, completed, opened, all_open_ms: allOpenMs, finished_before_all_open: finishedBeforeAllOpen, firstError };
}
