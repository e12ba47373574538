/**
 * Graceful shutdown (issue #14): readiness flips to 503 (optionally for a while before the
 * rest, for load balancers to notice), the listener stops accepting and new runs on open
 * connections are refused with SHUTTING_DOWN, runs in flight get a grace period to finish,
 * and whatever is still running then is ended with SHUTTING_DOWN: a 503 JSON error for an
 * invoke or batch, one terminal `event: error` frame for a stream, so that no client sees a
 * silent cut. Only at the deadline is any connection still open destroyed.
 */
import type { FastifyInstance } from "fastify";
import { ChainserveError } from "../core/errors.js";
import { lifecycleOf, shuttingDown } from "./lifecycle.js";

/** Options of {@link closeGracefully}. */
export interface CloseGracefullyOptions {
  /** Milliseconds by which the app is closed; connections still open then are destroyed. @default 10000 */
  deadlineMs?: number;
  /**
   * Milliseconds between readiness turning 503 and the listener closing, for load balancers to
   * notice; new requests are still served meanwhile. Counted in `deadlineMs`. @default 0
   */
  unreadyDelayMs?: number;
  /**
   * Milliseconds runs in flight (streams included) may keep going before they are ended with
   * SHUTTING_DOWN. @default deadlineMs minus 1 s (minus half of it when that is under 2 s)
   */
  graceMs?: number;
}

/** What {@link closeGracefully} did. */
export interface CloseReport {
  /** Milliseconds from the call until the app was closed. */
  durationMs: number;
  /** Runs in flight when the listener closed. */
  runsAtStart: number;
  /** Runs ended with SHUTTING_DOWN at the end of the grace period. */
  stopped: number;
  /** True when connections were still open at the deadline and were destroyed. */
  forced: boolean;
}

/** How often idle keep-alive connections are closed while draining. */
const IDLE_SWEEP_MS = 100;

function positive(value: unknown, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
    throw new ChainserveError("INVALID_OPTIONS", `closeGracefully: "${name}" must be a number of milliseconds >= 0`);
  }
  return value;
}

/**
 * Closes `app` gracefully (see the module comment); resolves once it is closed, never rejects
 * for what clients do (only when an onClose hook of the app fails). Call it once; `handleShutdownSignals` calls it on SIGTERM / SIGINT.
 * @example
 * const report = await closeGracefully(app, { deadlineMs: 30_000 });
 * if (report.forced) app.log.warn(report, "connections were cut at the deadline");
 */
export async function closeGracefully(app: FastifyInstance<any, any, any, any, any>, options: CloseGracefullyOptions = {}): Promise<CloseReport> {
  const deadlineMs = positive(options.deadlineMs, "deadlineMs") ?? 10_000;
  const graceMs = Math.min(deadlineMs, positive(options.graceMs, "graceMs") ?? deadlineMs - Math.min(1_000, deadlineMs / 2));
  const unreadyDelayMs = Math.min(graceMs, positive(options.unreadyDelayMs, "unreadyDelayMs") ?? 0);
  const instance = app as unknown as FastifyInstance;
  const started = Date.now();
  const lifecycle = lifecycleOf(instance);
  lifecycle.startDrain();
  if (unreadyDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, unreadyDelayMs));
  lifecycle.startClosing();
  const report: CloseReport = { durationMs: 0, runsAtStart: lifecycle.runs.size, stopped: 0, forced: false };
  const server = instance.server;
  const timers: NodeJS.Timeout[] = [];
  // Node closes the connections idle at server.close() only; a keep-alive connection whose
  // response ends later would hold the close until its keep-alive timeout.
  timers.push(setInterval(() => server.closeIdleConnections(), IDLE_SWEEP_MS));
  timers.push(
    setTimeout(() => {
      for (const run of [...lifecycle.runs]) {
        report.stopped++;
        run.stop(shuttingDown());
      }
    }, graceMs - unreadyDelayMs),
  );
  const deadline = new Promise<"deadline">((resolve) => {
    timers.push(setTimeout(() => resolve("deadline"), deadlineMs - unreadyDelayMs));
  });
  const closing = instance.close().then(() => "closed" as const);
  try {
    if ((await Promise.race([closing, deadline])) === "deadline") {
      report.forced = true;
      server.closeAllConnections();
      await closing;
    }
  } finally {
    for (const timer of timers) clearTimeout(timer);
  }
  report.durationMs = Date.now() - started;
  return report;
}
