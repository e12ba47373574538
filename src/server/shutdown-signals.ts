/**
 * `handleShutdownSignals`: what a process serving chains does on SIGTERM (an orchestrator
 * stopping it) and SIGINT (Ctrl-C): close gracefully, then exit 0. A second signal more than a
 * second after the first means "now" (one Ctrl-C often arrives twice within milliseconds: the
 * terminal signals the whole process group, and `npm start` / tsx relay it again).
 */
import type { FastifyInstance } from "fastify";
import { closeGracefully, type CloseGracefullyOptions } from "./drain.js";

/** Options of {@link handleShutdownSignals}. */
export interface ShutdownSignalsOptions extends CloseGracefullyOptions {
  /** Signals that start the graceful close. @default ["SIGTERM", "SIGINT"] */
  signals?: readonly NodeJS.Signals[];
  /**
   * Exit the process when the close is over: 0, or 1 when closing the app failed (an onClose
   * hook threw). Connections destroyed at the deadline are logged as a warning, not a failure:
   * every run had its SHUTTING_DOWN answer by then. Off, `process.exitCode` is set instead.
   * @default true
   */
  exit?: boolean;
}

/**
 * Installs signal handlers that close `app` with {@link closeGracefully}; returns a function
 * that removes them.
 * @example
 * const app = Fastify({ logger: true });
 * await addRoutes(app, chain, { path: "/chat" });
 * handleShutdownSignals(app, { deadlineMs: 30_000 });
 * await app.listen({ port: 8000 });
 */
export function handleShutdownSignals(app: FastifyInstance<any, any, any, any, any>, options: ShutdownSignalsOptions = {}): () => void {
  const instance = app as unknown as FastifyInstance;
  const signals = options.signals ?? ["SIGTERM", "SIGINT"];
  const exit = options.exit ?? true;
  const deadlineMs = options.deadlineMs ?? 10_000;
  let since: number | undefined;
  const finish = (code: number): void => {
    if (exit) process.exit(code);
    else process.exitCode = code;
  };
  const onSignal = (signal: NodeJS.Signals): void => {
    if (since !== undefined) {
      if (Date.now() - since < 1_000) return;
      instance.log.warn({ signal }, "second signal, exiting without waiting");
      process.exit(1);
    }
    since = Date.now();
    instance.log.info({ signal, deadline_ms: deadlineMs }, "shutting down");
    // closeGracefully ends by the deadline unless an onClose hook of the app hangs.
    if (exit) setTimeout(() => process.exit(1), deadlineMs + 2_000).unref();
    closeGracefully(app, options).then(
      (report) => {
        const fields = { duration_ms: report.durationMs, runs: report.runsAtStart, stopped: report.stopped, forced: report.forced };
        if (report.forced) instance.log.warn(fields, "closed; connections still open at the deadline were destroyed");
        else instance.log.info(fields, "closed");
        finish(0);
      },
      (error: unknown) => {
        instance.log.error({ err: error }, "error while closing");
        finish(1);
      },
    );
  };
  for (const signal of signals) process.on(signal, onSignal);
  return () => {
    for (const signal of signals) process.off(signal, onSignal);
  };
}
