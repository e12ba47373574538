/**
 * One error class and a closed table of codes, shared by core, server and client.
 * The server maps a code to its HTTP status; the client rebuilds the same code from the wire.
 */

/** Every error code chainserve produces, with the HTTP status it maps to. */
export const ERROR_CODES = {
  /** The request body or one of its fields failed validation. */
  BAD_REQUEST: 422,
  /** A config hash in the URL could not be decoded. */
  INVALID_CONFIG_HASH: 400,
  /** The request carries no valid credentials (the mount's `auth` refused it). */
  UNAUTHORIZED: 401,
  /** The caller is not allowed to do this (raised by `auth` or a per-request config modifier). */
  FORBIDDEN: 403,
  /** No route at that path. */
  NOT_FOUND: 404,
  /** The path exists but not for this method. */
  METHOD_NOT_ALLOWED: 405,
  /** The request body is larger than the mount's body limit. */
  PAYLOAD_TOO_LARGE: 413,
  /** The run was aborted through its signal (client disconnect, caller abort). */
  ABORTED: 499,
  /** The run took longer than its `timeout`. */
  TIMEOUT: 504,
  /** A runnable was nested deeper than `recursionLimit` allows. */
  RECURSION_LIMIT: 500,
  /** An upstream service (a model provider) refused or failed the call. */
  UPSTREAM_ERROR: 502,
  /** An upstream service rate-limited the call. */
  RATE_LIMITED: 429,
  /** A service (the server itself or an upstream) is unavailable or timed out; a bare 503 reads as this. */
  UNAVAILABLE: 503,
  /** The mount's run queue is full; retry after the `Retry-After` delay. */
  OVERLOADED: 503,
  /** The server is draining for shutdown; retry against another instance. */
  SHUTTING_DOWN: 503,
  /** Options given to a chainserve API are invalid (raised at boot, never per request). */
  INVALID_OPTIONS: 500,
  /** Anything else: the runnable threw. */
  INTERNAL: 500,
} as const;

/** A code from {@link ERROR_CODES}. */
export type ErrorCode = keyof typeof ERROR_CODES;

/** Options for {@link ChainserveError}. */
export interface ChainserveErrorOptions {
  /** What caused it; always kept. */
  cause?: unknown;
  /** Structured detail (for BAD_REQUEST: the list of issues). */
  detail?: unknown;
  /** HTTP status, when it differs from the code's default (e.g. an upstream 503). */
  status?: number;
  /** Seconds after which a retry may succeed; the server sends it as `Retry-After`. */
  retryAfter?: number;
}

/**
 * The one error class of chainserve: a code from the closed table, a message, the cause.
 * @example
 * throw new ChainserveError("UPSTREAM_ERROR", "model provider answered 503", { cause: err, status: 503 });
 */
export class ChainserveError extends Error {
  override readonly name: string = "ChainserveError";
  /** The code, one of {@link ERROR_CODES}. */
  readonly code: ErrorCode;
  /** HTTP status for this error. */
  readonly status: number;
  /** Structured detail, when there is any. */
  readonly detail: unknown;
  /** Seconds after which a retry may succeed (`Retry-After`), when known. */
  readonly retryAfter: number | undefined;

  constructor(code: ErrorCode, message: string, options: ChainserveErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.status = options.status ?? ERROR_CODES[code];
    this.detail = options.detail;
    this.retryAfter = options.retryAfter;
  }
}

/** True for a {@link ChainserveError}, also across package copies (checks the shape). */
export function isChainserveError(value: unknown): value is ChainserveError {
  return (
    value instanceof ChainserveError ||
    (value instanceof Error && typeof (value as { code?: unknown }).code === "string" &&
      (value as unknown as { code: string }).code in ERROR_CODES && typeof (value as { status?: unknown }).status === "number")
  );
}

/** True when an error is an abort (AbortError DOMException, or our ABORTED code). */
export function isAbortError(error: unknown): boolean {
  if (error instanceof Error) {
    if (error.name === "AbortError") return true;
    if ((error as { code?: unknown }).code === "ABORTED") return true;
  }
  return false;
}

/** True when an error is a timeout (TimeoutError DOMException, or our TIMEOUT code). */
export function isTimeoutError(error: unknown): boolean {
  if (error instanceof Error) {
    if (error.name === "TimeoutError") return true;
    if ((error as { code?: unknown }).code === "TIMEOUT") return true;
  }
  return false;
}
