/**
 * The one JSON error shape on the wire, `{"detail": …, "message": …, "code": …}`, for every
 * 4xx and 5xx chainserve answers. `detail` is what LangServe (FastAPI) puts there — a string,
 * or for 422 a list of pydantic-like issues — so LangServe clients read it unchanged; `message`
 * is the one-line text the LangChain.js client shows for failed streams; `code` is a key of
 * {@link ERROR_CODES}, from which our client rebuilds the same {@link ChainserveError}.
 */
import { ChainserveError, ERROR_CODES, type ErrorCode } from "../core/errors.js";

/** A pydantic-like validation issue (FastAPI's 422 `detail` items, without `url`). */
export interface ValidationIssue {
  /** Pydantic error type, e.g. `missing`, `string_type`, `int_parsing`, `model_type`. */
  type: string;
  /** Where it failed: keys and indexes from the validated value's root. */
  loc: (string | number)[];
  /** Human text, pydantic's wording where one exists. */
  msg: string;
  /** The offending value. */
  input?: unknown;
  /** Extra context (pydantic `ctx`), when there is any. */
  ctx?: Record<string, unknown>;
}

/** The JSON body of every error response. */
export interface WireError {
  /** LangServe-compatible detail: a string, a list of strings, or a list of {@link ValidationIssue}s. */
  detail: unknown;
  /** One line, safe to show. */
  message: string;
  /** The error code. */
  code: ErrorCode;
}

/** Reason phrases for the statuses chainserve answers with (and the default safe messages). */
export const STATUS_TEXT: Readonly<Record<number, string>> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  408: "Request Timeout",
  409: "Conflict",
  413: "Payload Too Large",
  415: "Unsupported Media Type",
  422: "Unprocessable Entity",
  429: "Too Many Requests",
  499: "Client Closed Request",
  500: "Internal Server Error",
  502: "Bad Gateway",
  503: "Service Unavailable",
  504: "Gateway Timeout",
};

/** The reason phrase of `status`, or a generic one by class. */
export function statusText(status: number): string {
  return STATUS_TEXT[status] ?? (status >= 500 ? "Internal Server Error" : "Bad Request");
}

/**
 * Builds the error body; `detail` defaults to the message, as FastAPI's `HTTPException` does.
 * @example
 * errorBody("NOT_FOUND", "Not Found"); // { detail: "Not Found", message: "Not Found", code: "NOT_FOUND" }
 */
export function errorBody(code: ErrorCode, message: string, detail?: unknown): WireError {
  return { detail: detail === undefined ? message : detail, message, code };
}

/** One line summarising validation issues, e.g. `topic: Field required (and 1 more)`. */
export function summarizeIssues(issues: readonly ValidationIssue[]): string {
  const first = issues[0];
  if (first === undefined) return "Validation failed";
  const where = first.loc.length > 0 ? `${first.loc.join(".")}: ` : "";
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : "";
  return `${where}${first.msg}${more}`;
}

/**
 * A BAD_REQUEST (422) error carrying its wire `detail`: a list of issues, or a string / list of
 * strings for the cases where LangServe sends those.
 * @example
 * throw validationError([{ type: "missing", loc: ["input"], msg: "Field required", input: {} }]);
 */
export function validationError(detail: readonly ValidationIssue[] | string | readonly string[], status = 422): ChainserveError {
  let message: string;
  if (typeof detail === "string") message = detail;
  else if (detail.length > 0 && typeof detail[0] === "string") message = (detail as readonly string[]).join("; ");
  else message = summarizeIssues(detail as readonly ValidationIssue[]);
  return new ChainserveError("BAD_REQUEST", message, { detail, status });
}

/** The code for `status`: INTERNAL for 500, else the first code with that default status, else INTERNAL / BAD_REQUEST. */
export function codeForStatus(status: number): ErrorCode {
  if (status === 500) return "INTERNAL";
  for (const [code, s] of Object.entries(ERROR_CODES)) if (s === status) return code as ErrorCode;
  return status >= 500 ? "INTERNAL" : "BAD_REQUEST";
}

/**
 * Rebuilds the server's error from a status and a parsed body (ours, or LangServe's
 * `{"detail": …}`), keeping the same code.
 * @example
 * fromWireError(429, { detail: "slow down", message: "slow down", code: "RATE_LIMITED" }).code; // "RATE_LIMITED"
 */
export function fromWireError(status: number, body: unknown): ChainserveError {
  const obj = typeof body === "object" && body !== null ? (body as Record<string, unknown>) : {};
  const code = typeof obj.code === "string" && obj.code in ERROR_CODES ? (obj.code as ErrorCode) : codeForStatus(status);
  let message: string;
  if (typeof obj.message === "string") message = obj.message;
  else if (typeof obj.detail === "string") message = obj.detail;
  else if (obj.detail !== undefined) message = JSON.stringify(obj.detail);
  else if (typeof body === "string" && body !== "") message = body;
  else message = statusText(status);
  return new ChainserveError(code, message, { status, detail: obj.detail });
}
