/**
 * The client's one error class. It extends chainserve's {@link ChainserveError}, so the code
 * table is the server's: a chainserve server's `{detail, message, code}` body comes back with
 * the same `code`; LangServe's `{"detail": …}` and plain-text bodies get the code of their
 * status. Client-side failures use codes too: TIMEOUT (total or idle timeout) and
 * UPSTREAM_ERROR (network failure, or a reply that is not LangServe's protocol).
 */
import { ChainserveError, ERROR_CODES, isChainserveError, type ErrorCode } from "../core/errors.js";
import { codeForStatus, statusText, summarizeIssues, type ValidationIssue } from "../serde/errors.js";
import { parseRetryAfter } from "../serde/retry-after.js";

/** Options of {@link RemoteRunnableError}. */
export interface RemoteRunnableErrorOptions {
  /** HTTP status (or the `status_code` of an SSE `error` event). @default the code's status */
  status?: number;
  /** The server's `detail`, as sent (a 422's issue list stays a list). */
  detail?: unknown;
  /** The server-side run id, when the response told it. */
  runId?: string;
  /** The endpoint URL that failed. */
  url?: string;
  /** The underlying error (network failure, bad JSON, …). */
  cause?: unknown;
  /** Seconds to wait before retrying: the `Retry-After` header, or a stream error's `retry_after`. */
  retryAfter?: number;
}

/**
 * A remote call failed: the server answered non-2xx, the stream sent `event: error`, the
 * call timed out, or the network or protocol failed. Aborts are not wrapped: an aborted call
 * rejects with the signal's reason (an `AbortError`).
 * @example
 * try {
 *   await remote.invoke({ topic: 5 });
 * } catch (error) {
 *   if (isRemoteRunnableError(error) && error.status === 422) console.log(error.detail);
 * }
 */
export class RemoteRunnableError extends ChainserveError {
  override readonly name: string = "RemoteRunnableError";
  /** The server-side run id, when known (stream metadata, the stream_log root, event run ids). */
  readonly runId: string | undefined;
  /** The endpoint URL that failed. */
  readonly url: string | undefined;

  constructor(code: ErrorCode, message: string, options: RemoteRunnableErrorOptions = {}) {
    super(code, message, { status: options.status, detail: options.detail, cause: options.cause, retryAfter: options.retryAfter });
    this.runId = options.runId;
    this.url = options.url;
  }
}

/**
 * True for a {@link RemoteRunnableError}, also one from another copy of the package.
 * @example
 * if (isRemoteRunnableError(error)) console.log(error.status, error.code, error.detail);
 */
export function isRemoteRunnableError(value: unknown): value is RemoteRunnableError {
  return value instanceof RemoteRunnableError || (isChainserveError(value) && value.name === "RemoteRunnableError");
}

type Json = Record<string, unknown>;

function parseObject(text: string): Json | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Json) : undefined;
  } catch {
    return undefined;
  }
}

function validCode(code: unknown): ErrorCode | undefined {
  return typeof code === "string" && Object.hasOwn(ERROR_CODES, code) ? (code as ErrorCode) : undefined;
}

/** A one-line message for a `detail`: the string, joined strings, or a summary of issues. */
function messageOf(detail: unknown): string | undefined {
  if (typeof detail === "string") return detail;
  if (!Array.isArray(detail) || detail.length === 0) return undefined;
  if (detail.every((d) => typeof d === "string")) return detail.join("; ");
  if (detail.every((d) => typeof d === "object" && d !== null && Array.isArray((d as Json).loc))) {
    return summarizeIssues(detail as ValidationIssue[]);
  }
  return undefined;
}

// Plain-text bodies can be whole HTML pages from a proxy; keep the message readable.
const MAX_TEXT = 200;

/**
 * The error for a non-2xx response, from its body text: chainserve's `{detail, message,
 * code}`, LangServe's `{"detail": …}`, or any text (Starlette's `Internal Server Error`);
 * `retryAfter` is the response's `Retry-After` header, when it has one.
 * @example
 * errorFromResponse(404, '{"detail":"Not Found"}', url); // status 404, code NOT_FOUND, message "Not Found"
 */
export function errorFromResponse(status: number, text: string, url: string, runId?: string, retryAfter?: string): RemoteRunnableError {
  const body = parseObject(text);
  const detail = body?.detail;
  const code = validCode(body?.code) ?? codeForStatus(status);
  let message = typeof body?.message === "string" ? body.message : messageOf(detail);
  if (message === undefined) {
    const trimmed = body === undefined ? text.trim() : "";
    message = trimmed === "" ? statusText(status) : trimmed.length > MAX_TEXT ? `${trimmed.slice(0, MAX_TEXT)}…` : trimmed;
  }
  return new RemoteRunnableError(code, message, { status, detail, runId, url, retryAfter: parseRetryAfter(retryAfter) });
}

/**
 * The error for an SSE `error` event: LangServe's `{"status_code": 500, "message": …}`,
 * plus chainserve's `code` and `detail` when present.
 * @example
 * errorFromStreamEvent('{"status_code": 500, "message": "Internal Server Error"}', url, runId); // code INTERNAL
 */
export function errorFromStreamEvent(data: string, url: string, runId: string | undefined): RemoteRunnableError {
  const body = parseObject(data);
  const status = typeof body?.status_code === "number" ? body.status_code : 500;
  const code = validCode(body?.code) ?? codeForStatus(status);
  const message = typeof body?.message === "string" ? body.message : messageOf(body?.detail) ?? (data.trim() || statusText(status));
  return new RemoteRunnableError(code, message, { status, detail: body?.detail, runId, url, retryAfter: parseRetryAfter(body?.retry_after) });
}

/**
 * A reply that does not follow the protocol (not JSON, no `output`, not SSE, truncated).
 * @example
 * throw protocolError(`The reply of ${url} has no "output"`, url); // code UPSTREAM_ERROR, status 502
 */
export function protocolError(message: string, url: string, runId?: string, cause?: unknown): RemoteRunnableError {
  return new RemoteRunnableError("UPSTREAM_ERROR", message, { status: ERROR_CODES.UPSTREAM_ERROR, url, runId, cause });
}
