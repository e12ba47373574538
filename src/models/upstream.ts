/**
 * How a model talks to its provider when things go wrong: timeouts by phase (undici's connect,
 * headers and body timeouts), which failures are worth a retry, how long to wait (the
 * provider's `Retry-After`, else exponential backoff with jitter), and errors whose message
 * says what happened without the provider's own text unless asked.
 */
import { Agent } from "undici";
import { ChainserveError } from "../core/errors.js";
import { parseRetryAfter } from "../serde/retry-after.js";

/** Timeout and retry settings of a model's HTTP calls. */
export interface UpstreamOptions {
  /** Time to open the TCP/TLS connection. @default 10000 */
  connectTimeoutMs?: number;
  /** Time from sending the request to the response headers. @default 60000 */
  firstByteTimeoutMs?: number;
  /** Longest silence between two pieces of the streamed body. @default 60000 */
  idleTimeoutMs?: number;
  /** Retries after the first attempt, only before the first token was produced. @default 2 */
  maxRetries?: number;
  /** First backoff delay; doubles per retry, with jitter. @default 500 */
  backoffMs?: number;
  /** Largest backoff delay. @default 8000 */
  maxBackoffMs?: number;
  /** A provider's `Retry-After` longer than this is not waited for: the error goes to the caller, `retryAfter` set. @default 30000 */
  maxRetryAfterMs?: number;
  /** Put the provider's error text in error messages (it can name your organisation or account). @default false */
  exposeUpstreamErrors?: boolean;
}

/** {@link UpstreamOptions} with every default filled in. */
export type UpstreamPolicy = Required<UpstreamOptions>;

/** Validates and completes {@link UpstreamOptions}. */
export function upstreamPolicy(options: UpstreamOptions): UpstreamPolicy {
  const policy: UpstreamPolicy = {
    connectTimeoutMs: options.connectTimeoutMs ?? 10_000,
    firstByteTimeoutMs: options.firstByteTimeoutMs ?? 60_000,
    idleTimeoutMs: options.idleTimeoutMs ?? 60_000,
    maxRetries: options.maxRetries ?? 2,
    backoffMs: options.backoffMs ?? 500,
    maxBackoffMs: options.maxBackoffMs ?? 8_000,
    maxRetryAfterMs: options.maxRetryAfterMs ?? 30_000,
    exposeUpstreamErrors: options.exposeUpstreamErrors ?? false,
  };
  for (const [key, value] of Object.entries(policy)) {
    if (typeof value === "number" && (!Number.isFinite(value) || value < 0)) {
      throw new ChainserveError("INVALID_OPTIONS", `ChatOpenAICompatible: "${key}" must be a number >= 0`);
    }
  }
  if (!Number.isInteger(policy.maxRetries)) throw new ChainserveError("INVALID_OPTIONS", `ChatOpenAICompatible: "maxRetries" must be an integer`);
  return policy;
}

const agents = new Map<number, Agent>();

/**
 * The shared keep-alive Agent for a connect timeout (undici sets it per Agent). Created on
 * first use, not at import.
 */
export function sharedAgent(connectTimeoutMs: number): Agent {
  let agent = agents.get(connectTimeoutMs);
  if (agent === undefined) {
    agent = new Agent({ keepAliveTimeout: 30_000, keepAliveMaxTimeout: 600_000, connect: { timeout: connectTimeoutMs } });
    agents.set(connectTimeoutMs, agent);
  }
  return agent;
}

/** Marks an error as worth retrying (before the first token), with the provider's delay if it gave one. */
export interface RetryHint {
  retryable: boolean;
  /** The provider's `Retry-After`, in ms. */
  retryAfterMs?: number;
}

const HINT = Symbol("chainserve.retryHint");

/** Attaches a {@link RetryHint} to `error`. */
export function withHint<E extends object>(error: E, hint: RetryHint): E {
  (error as { [HINT]?: RetryHint })[HINT] = hint;
  return error;
}

/** The {@link RetryHint} of `error`; none means "do not retry". */
export function hintOf(error: unknown): RetryHint | undefined {
  return typeof error === "object" && error !== null ? (error as { [HINT]?: RetryHint })[HINT] : undefined;
}

// 408 and 409 (OpenAI's "lock timeout") are transient; 429 and 5xx are the provider's load.
const RETRYABLE_STATUS = new Set([408, 409, 429, 500, 502, 503, 504]);

/** The provider's requested delay in ms: OpenAI's `retry-after-ms`, else `Retry-After`. */
export function retryAfterMs(headers: Record<string, string | string[] | undefined>): number | undefined {
  const ms = headers["retry-after-ms"];
  if (typeof ms === "string" && /^\d+(\.\d+)?$/.test(ms.trim())) return Number(ms);
  const seconds = parseRetryAfter(headers["retry-after"]);
  return seconds === undefined ? undefined : seconds * 1000;
}

/**
 * The error for a non-2xx answer: 429 is RATE_LIMITED (status 429, `retryAfter` kept for the
 * caller), anything else UPSTREAM_ERROR (502). The provider's text is in the cause (for logs)
 * and in the message only when `expose` is set.
 */
export function httpFailure(status: number, text: string, delayMs: number | undefined, expose: boolean): ChainserveError {
  const cause = Object.assign(new Error(`HTTP ${status}: ${text}`), { status });
  const suffix = expose ? `: ${text}` : "";
  const retryAfter = delayMs === undefined ? undefined : Math.ceil(delayMs / 1000);
  const error =
    status === 429
      ? new ChainserveError("RATE_LIMITED", `Model provider rate-limited the request (HTTP 429)${suffix}`, {
          cause,
          status: 429,
          retryAfter,
          detail: { upstreamStatus: 429, retryAfter },
        })
      : new ChainserveError("UPSTREAM_ERROR", `Model provider answered HTTP ${status}${suffix}`, { cause, status: 502, detail: { upstreamStatus: status } });
  const hint: RetryHint = { retryable: RETRYABLE_STATUS.has(status) };
  if (delayMs !== undefined) hint.retryAfterMs = delayMs;
  return withHint(error, hint);
}

const TIMEOUT_CODES: Record<string, string> = {
  UND_ERR_CONNECT_TIMEOUT: "could not connect within connectTimeoutMs",
  UND_ERR_HEADERS_TIMEOUT: "sent no response within firstByteTimeoutMs",
  UND_ERR_BODY_TIMEOUT: "went silent mid-stream for idleTimeoutMs",
};

/**
 * The error for a failed transport (no usable answer): a phase timeout is TIMEOUT (504), any
 * other failure UPSTREAM_ERROR (502); both retryable. `describe` is the reason, scrubbed.
 */
export function transportFailure(error: unknown, policy: UpstreamPolicy, describe: (text: string) => string): ChainserveError {
  const code = (error as { code?: unknown } | null)?.code;
  const phase = typeof code === "string" ? TIMEOUT_CODES[code] : undefined;
  if (phase !== undefined) {
    return withHint(new ChainserveError("TIMEOUT", `Model provider ${phase}`, { cause: error, status: 504 }), { retryable: true });
  }
  const reason = error instanceof Error ? error.message : String(error);
  const message = policy.exposeUpstreamErrors ? `Request to the model provider failed: ${describe(reason)}` : "Request to the model provider failed";
  return withHint(new ChainserveError("UPSTREAM_ERROR", message, { cause: error }), { retryable: true });
}

/** The delay before retry number `retry` (0-based): the provider's, else backoff with jitter. */
export function retryDelay(retry: number, hint: RetryHint, policy: UpstreamPolicy): number {
  if (hint.retryAfterMs !== undefined) return hint.retryAfterMs;
  const ceiling = Math.min(policy.maxBackoffMs, policy.backoffMs * 2 ** retry);
  // "Equal jitter": at least half the ceiling, so retries never bunch up at zero.
  return ceiling / 2 + Math.random() * (ceiling / 2);
}

/** Waits `ms`, or rejects with the signal's reason when it aborts first. */
export function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted === true) {
      reject(signal.reason as Error);
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason as Error);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
