/**
 * The single normaliser for anything thrown at the HTTP boundary: a runnable's failure, a
 * config modifier's, a serialization error. Exception text never reaches the client unless a
 * ChainserveError was written for it (4xx) or the `errorMapper` marks its message `safe`.
 */
import type { FastifyReply, FastifyRequest } from "fastify";
import { ERROR_CODES, isAbortError, isChainserveError, type ErrorCode } from "../core/errors.js";
import { codeForStatus, errorBody, statusText } from "../serde/errors.js";
import { toLangServe } from "../serde/lc-json.js";
import type { ErrorMapper } from "./options.js";
import { noteErrorCode } from "./observability/run-probe.js";

/** An error ready for the wire. */
export interface HttpError {
  status: number;
  code: ErrorCode;
  /** Safe, one line. */
  message: string;
  /** The wire `detail`. */
  detail: unknown;
  /** Seconds, sent as `Retry-After` (and `retry_after` in an SSE error event), when known. */
  retryAfter?: number;
}

const INTERNAL: HttpError = Object.freeze({ status: 500, code: "INTERNAL", message: "Internal Server Error", detail: "Internal Server Error" });

function validStatus(status: unknown): number {
  return typeof status === "number" && Number.isInteger(status) && status >= 400 && status <= 599 ? status : 500;
}

/**
 * Maps `error` to status, code and a safe message: the `errorMapper`'s answer when it gives
 * one; else a ChainserveError with a 4xx status (429 included) or 502 keeps status and code (its
 * message is kept for 4xx only); an abort is 499; anything else is a 500 INTERNAL.
 */
export function toHttpError(error: unknown, mapper?: ErrorMapper): HttpError {
  if (mapper !== undefined) {
    let mapped: ReturnType<ErrorMapper>;
    try {
      mapped = mapper(error);
    } catch {
      mapped = undefined; // a broken mapper must not turn one failure into two
    }
    if (mapped !== undefined && mapped !== null) {
      const status = validStatus(mapped.status);
      const code = typeof mapped.code === "string" && mapped.code in ERROR_CODES ? mapped.code : codeForStatus(status);
      const message = mapped.safe === true && typeof mapped.message === "string" ? mapped.message : statusText(status);
      return { status, code, message, detail: message };
    }
  }
  if (isChainserveError(error)) {
    // A chain that calls another service through RemoteRunnable: that service's 4xx is not
    // this caller's fault (a remote 422 is our bug or theirs), so it is a bad gateway here.
    if (error.name === "RemoteRunnableError" && error.status !== 429 && error.code !== "ABORTED") {
      return { status: 502, code: "UPSTREAM_ERROR", message: statusText(502), detail: statusText(502) };
    }
    const status = error.status;
    let http: HttpError | undefined;
    if (status >= 400 && status < 500) http = { status, code: error.code, message: error.message, detail: error.detail ?? error.message };
    // Gateway failures keep their status and code; their text (an upstream's) is not shown.
    else if (status === 502 || status === 503 || status === 504) http = { status, code: error.code, message: statusText(status), detail: statusText(status) };
    if (http !== undefined) {
      if (typeof error.retryAfter === "number" && Number.isFinite(error.retryAfter) && error.retryAfter >= 0) http.retryAfter = Math.ceil(error.retryAfter);
      return http;
    }
  }
  if (isAbortError(error)) return { status: 499, code: "ABORTED", message: statusText(499), detail: statusText(499) };
  return INTERNAL;
}

/** Sends `error` as the JSON error body `{detail, message, code}` (values in `detail` in LangServe shapes). */
export function sendHttpError(reply: FastifyReply, error: HttpError): FastifyReply {
  if (error.retryAfter !== undefined) void reply.header("retry-after", String(error.retryAfter));
  noteErrorCode(reply, error.code);
  return reply
    .code(error.status)
    .header("content-type", "application/json")
    .send(JSON.stringify(errorBody(error.code, error.message, toLangServe(error.detail))));
}

/**
 * Answers a failure of the run (or of the deployment's config modifier, given as the unwrapped
 * error) through the `errorMapper`, logging it with the run id; never the input or output.
 */
export function replyRunError(request: FastifyRequest, reply: FastifyReply, error: unknown, mapper: ErrorMapper | undefined, runId?: string): FastifyReply {
  const http = toHttpError(error, mapper);
  logFailure(request, http, error, runId);
  return sendHttpError(reply, http);
}

/** Logs a mapped failure: 5xx as errors, aborts as info, other 4xx as warnings. */
export function logFailure(request: FastifyRequest, http: HttpError, error: unknown, runId: string | undefined): void {
  const fields = { err: error, run_id: runId, status: http.status, code: http.code };
  if (http.status >= 500) request.log.error(fields, "run failed");
  else if (http.code === "ABORTED") request.log.info({ run_id: runId }, "run aborted: client disconnected");
  else request.log.warn(fields, "run failed");
}
