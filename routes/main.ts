/**
 * Entry point of the example app (`npm start`): the only file that calls `listen()`.
 * `HOST` (default 127.0.0.1) and `PORT` (default 8000) choose the address; SIGTERM and
 * SIGINT close the app gracefully (in-flight requests finish, then the process exits).
 */
import { buildApp } from "./app.js";

/** How long a graceful close may take before the process gives up and exits with 1. */
const CLOSE_DEADLINE_MS = 10_000;

const host = process.env.HOST ?? "127.0.0.1";
const port = parsePort(process.env.PORT);
const app = await buildApp();

let closingSince: number | undefined;
const shutdown = (signal: NodeJS.Signals): void => {
  if (closingSince !== undefined) {
    // A second Ctrl-C means "now". One signal often arrives twice within milliseconds (the
    // terminal signals the whole process group, and `npm start` / tsx relay it again).
    if (Date.now() - closingSince < 1_000) return;
    app.log.warn({ signal }, "second signal, exiting without waiting");
    process.exit(1);
  }
  closingSince = Date.now();
  app.log.info({ signal }, "shutting down");
  setTimeout(() => {
    app.log.error("graceful close took too long, exiting");
    process.exit(1);
  }, CLOSE_DEADLINE_MS).unref();
  app.close().then(
    () => {
      process.exitCode = 0;
    },
    (error: unknown) => {
      app.log.error({ err: error }, "error while closing");
      process.exitCode = 1;
    },
  );
};
process.on("SIGTERM", shutdown);
process.on("SIGINT", shutdown);

try {
  await app.listen({ host, port });
} catch (error) {
  app.log.fatal({ err: error }, "could not start");
  process.exit(1);
}

function parsePort(value: string | undefined): number {
  if (value === undefined || value === "") return 8000;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new Error(`PORT must be an integer between 0 and 65535, got ${JSON.stringify(value)}`);
  }
  return port;
}
