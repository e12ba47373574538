/**
 * `addRoutes` options that bound what one request or one connection may cost (issue 14):
 * nesting depth, batch size and concurrency, pipelined requests per connection. Every default
 * is on: an app gets them without asking.
 */
import { ChainserveError } from "../core/errors.js";

/** Limits on what a request or a connection may cost. */
export interface HardeningOptions {
  /**
   * Deepest nesting of arrays and objects accepted in a JSON body or a decoded config hash;
   * deeper is a 422 BAD_REQUEST, checked without recursion before anything recursive runs.
   * @default 1000
   */
  maxDepth?: number;
  /** Most inputs in one `/batch` request; more is a 422 BAD_REQUEST. @default 1000 */
  maxBatchSize?: number;
  /**
   * Most items of one `/batch` request running at once. A `maxConcurrency` in the run's config
   * (the client's, when `configKeys` allows it, or the config modifier's) can lower it, never raise it.
   * @default 16
   */
  maxBatchConcurrency?: number;
  /**
   * Most requests one HTTP/1.1 connection may have waiting for their turn. A request's run
   * starts only when its response is the connection's next to be written (responses go out in
   * request order), so a client that pipelines without reading holds one run, not hundreds; a
   * request beyond this many waiting is answered 503 OVERLOADED with `Retry-After` and
   * `Connection: close`, and the client retries the rest on a new connection (RFC 9112 §9.3.2).
   * @default 16
   */
  maxPipelinedRequests?: number;
}

/** {@link HardeningOptions} with defaults applied. */
export type ResolvedHardening = Required<HardeningOptions>;

/** The defaults of {@link HardeningOptions}. */
export const HARDENING_DEFAULTS: Readonly<ResolvedHardening> = {
  maxDepth: 1000,
  maxBatchSize: 1000,
  maxBatchConcurrency: 16,
  maxPipelinedRequests: 16,
};

/**
 * Validates the hardening options; throws INVALID_OPTIONS for anything but a positive integer.
 * @example
 * resolveHardening({ maxBatchSize: 100 }).maxBatchConcurrency; // 16
 */
export function resolveHardening(options: HardeningOptions): ResolvedHardening {
  const out: ResolvedHardening = Object.assign({}, HARDENING_DEFAULTS);
  for (const key of Object.keys(HARDENING_DEFAULTS) as (keyof ResolvedHardening)[]) {
    const value = options[key];
    if (value === undefined) continue;
    if (typeof value !== "number" || !Number.isInteger(value) || value < 1) {
      throw new ChainserveError("INVALID_OPTIONS", `addRoutes: "${key}" must be an integer >= 1, got ${JSON.stringify(value)}`);
    }
    out[key] = value;
  }
  return out;
}
