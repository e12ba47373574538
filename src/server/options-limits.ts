/**
 * The per-mount limits of `addRoutes` (issue #14): how many runs may be in flight, how many may
 * wait, how large a body may be, and how long a run or a stream may take. Checked at boot like
 * every other option: a bad value throws INVALID_OPTIONS.
 */
import { ChainserveError } from "../core/errors.js";

/** Limit options of `addRoutes`; every one is off unless set. */
export interface LimitOptions {
  /**
   * Runs of this mount in flight at once (invoke, batch and the three stream endpoints each count
   * one; a batch counts one). A request over the limit waits in a queue. @default unlimited
   */
  maxConcurrentRuns?: number;
  /**
   * Requests that may wait for a run slot; one more is refused with 503 OVERLOADED and a
   * `Retry-After` header. Only with `maxConcurrentRuns`. @default maxConcurrentRuns
   */
  maxQueuedRuns?: number;
  /** Longest wait in the queue before a 503 OVERLOADED. @default 10000 */
  queueTimeoutMs?: number;
  /** Seconds sent in `Retry-After` with a 503 OVERLOADED. @default 1 */
  retryAfterSeconds?: number;
  /** Largest request body in bytes; more is a 413 PAYLOAD_TOO_LARGE. @default the Fastify instance's `bodyLimit` (1 MiB) */
  bodyLimit?: number;
  /**
   * Milliseconds a run may take, from its start: then its signal aborts with TIMEOUT and the
   * client gets a 504 TIMEOUT (invoke, batch) or a terminal `event: error` frame with code
   * TIMEOUT (streams). @default unlimited
   */
  runTimeoutMs?: number;
  /**
   * Milliseconds a stream response may stay open, pings included; then it ends like a run
   * timeout (`event: error`, code TIMEOUT). @default unlimited
   */
  maxStreamDurationMs?: number;
}

/** {@link LimitOptions} after validation. */
export interface ResolvedLimits {
  maxConcurrentRuns: number | undefined;
  maxQueuedRuns: number;
  queueTimeoutMs: number;
  retryAfterSeconds: number;
  bodyLimit: number | undefined;
  runTimeoutMs: number | undefined;
  maxStreamDurationMs: number | undefined;
}

function fail(message: string): never {
  throw new ChainserveError("INVALID_OPTIONS", `addRoutes: ${message}`);
}

function count(value: unknown, name: string, min: number): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "number" || !Number.isInteger(value) || value < min) fail(`"${name}" must be an integer >= ${min}`);
  return value;
}

function millis(value: unknown, name: string): number | undefined {
  if (value === undefined) return undefined;
  // setTimeout's ceiling: a larger delay fires at once.
  if (typeof value !== "number" || !Number.isFinite(value) || value <= 0 || value > 2_147_483_647) fail(`"${name}" must be a number of milliseconds > 0`);
  return value;
}

/**
 * Validates the limit options; throws INVALID_OPTIONS.
 * @example
 * resolveLimits({ maxConcurrentRuns: 8 }).maxQueuedRuns; // 8
 */
export function resolveLimits(options: LimitOptions): ResolvedLimits {
  const maxConcurrentRuns = count(options.maxConcurrentRuns, "maxConcurrentRuns", 1);
  const maxQueuedRuns = count(options.maxQueuedRuns, "maxQueuedRuns", 0);
  if (maxQueuedRuns !== undefined && maxConcurrentRuns === undefined) fail(`"maxQueuedRuns" needs "maxConcurrentRuns"`);
  return {
    maxConcurrentRuns,
    maxQueuedRuns: maxQueuedRuns ?? maxConcurrentRuns ?? 0,
    queueTimeoutMs: millis(options.queueTimeoutMs, "queueTimeoutMs") ?? 10_000,
    retryAfterSeconds: count(options.retryAfterSeconds, "retryAfterSeconds", 0) ?? 1,
    bodyLimit: count(options.bodyLimit, "bodyLimit", 1),
    runTimeoutMs: millis(options.runTimeoutMs, "runTimeoutMs"),
    maxStreamDurationMs: millis(options.maxStreamDurationMs, "maxStreamDurationMs"),
  };
}
