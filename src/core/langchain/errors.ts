/**
 * LangChain.js's input errors as chainserve's one error shape. LangChain.js marks the errors
 * a caller's input causes with an `lc_error_code` (a tool's bad arguments with their class); chainserve's own prompts and message
 * coercion answer the same mistakes with `BAD_REQUEST` (422), so these do too, rather than
 * reaching the client as a 500.
 */
import { ChainserveError } from "../errors.js";
import type { RunType } from "../tracing/run.js";

/**
 * `lc_error_code`s that mean "the input was wrong": a prompt variable missing, or a value
 * that cannot become a message (a bad `MessagesPlaceholder` value, a malformed message).
 */
const BAD_INPUT_CODES: ReadonlySet<string> = new Set(["INVALID_PROMPT_INPUT", "MESSAGE_COERCION_FAILURE"]);

/** `error` as chainserve sees it: LangChain.js's input errors become `BAD_REQUEST`, anything else is kept. */
export function fromLangChainError(error: unknown): unknown {
  if (!(error instanceof Error)) return error;
  const code = (error as { lc_error_code?: unknown }).lc_error_code;
  // A tool's arguments that fail its schema carry no code, only their class.
  const toolInput = error.constructor.name === "ToolInputParsingException";
  if (!toolInput && (typeof code !== "string" || !BAD_INPUT_CODES.has(code))) return error;
  // LangChain.js appends a troubleshooting link after a blank line; the first line is the message.
  const message = error.message.split("\n")[0]?.trim() || "Invalid input";
  return new ChainserveError("BAD_REQUEST", message, { cause: error });
}

/**
 * Rejects, before the call, an input a LangChain.js model cannot take (it would fail deep
 * inside with a TypeError): models take a string, a list of messages or a prompt value.
 */
export function checkModelInput(kind: RunType, input: unknown): void {
  if (kind !== "chat_model" && kind !== "llm") return;
  if (typeof input === "string" || Array.isArray(input)) return;
  if (typeof input === "object" && input !== null) return; // a message or a prompt value
  throw new ChainserveError("BAD_REQUEST", "A model's input must be a string, a list of messages or a prompt value", { detail: input });
}
