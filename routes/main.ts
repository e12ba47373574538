/**
 * Entry point of the example app (`npm start`): the only file that calls `listen()`.
 * `HOST` (default 127.0.0.1) and `PORT` (default 8000) choose the address; SIGTERM and
 * SIGINT close the app gracefully through `handleShutdownSignals` (readiness 503, listener
 * closed, runs in flight finish or get a SHUTTING_DOWN error by the deadline, exit 0).
 * `SHUTDOWN_DEADLINE_MS` (default 10000) is that deadline.
 */
import { handleShutdownSignals } from "../src/server/index.js";
import { buildApp } from "./app.js";

const host = process.env.HOST ?? "127.0.0.1";
const port = parseInteger("PORT", process.env.PORT, 8000, 0, 65_535);
const deadlineMs = parseInteger("SHUTDOWN_DEADLINE_MS", process.env.SHUTDOWN_DEADLINE_MS, 10_000, 1, 3_600_000);
const app = await buildApp();
handleShutdownSignals(app, { deadlineMs });

try {
  await app.listen({ host, port });
} catch (error) {
  app.log.fatal({ err: error }, "could not start");
  process.exit(1);
}

function parseInteger(name: string, value: string | undefined, fallback: number, min: number, max: number): number {
  if (value === undefined || value === "") return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new Error(`${name} must be an integer between ${min} and ${max}, got ${JSON.stringify(value)}`);
  }
  return n;
}
