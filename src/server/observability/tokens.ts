/**
 * Output tokens of a run, as far as the server can see them without tracing the run: the
 * `usage_metadata.output_tokens` of the AI messages (or chunks) that pass by, when the model
 * reports usage; otherwise one token per streamed model chunk (`/stream` of a chain that ends
 * in a parser streams strings: one per chunk too). Which of the two a figure is travels with
 * it (`usage` / `chunks`): a provider that streams usage in a last, empty chunk would be
 * counted twice if the two were added.
 */
import { AIMessage, AIMessageChunk } from "../../core/messages/ai.js";
import type { EndpointName } from "../options.js";

/** The counters a tally adds to. */
export interface TokenTally {
  /** Sum of reported `output_tokens`. */
  usageTokens: number;
  /** Whether any usage was reported (then {@link usageTokens} is the figure). */
  usageSeen: boolean;
  /** Chunks counted as one token each. */
  countedTokens: number;
}

function usageOf(value: unknown): number | undefined {
  if (!(value instanceof AIMessageChunk) && !(value instanceof AIMessage)) return undefined;
  const tokens = value.usage_metadata?.output_tokens;
  return typeof tokens === "number" && Number.isFinite(tokens) ? tokens : undefined;
}

/** Adds an invoked output (a message with usage, if it is one). */
export function tallyOutput(tally: TokenTally, output: unknown): void {
  const usage = usageOf(output);
  if (usage === undefined) return;
  tally.usageTokens += usage;
  tally.usageSeen = true;
}

// A model chunk streamed as a `/stream` item or inside an event or patch.
function tallyChunk(tally: TokenTally, chunk: unknown): void {
  const usage = usageOf(chunk);
  if (usage !== undefined) {
    tally.usageTokens += usage;
    tally.usageSeen = true;
  } else tally.countedTokens++;
}

/**
 * Adds one streamed item: on `/stream` the item itself; on `/stream_events` the chunk of an
 * `on_chat_model_stream` / `on_llm_stream` event; on `/stream_log` the model chunks a patch adds
 * to a nested run's `streamed_output` (the root's own output is the chain's, not the model's).
 */
export function tallyItem(tally: TokenTally, endpoint: EndpointName, item: unknown): void {
  if (endpoint === "stream") {
    tallyChunk(tally, item);
  } else if (endpoint === "stream_events") {
    const event = (item as { event?: unknown }).event;
    if (event === "on_chat_model_stream" || event === "on_llm_stream") tallyChunk(tally, (item as { data?: { chunk?: unknown } }).data?.chunk);
  } else if (endpoint === "stream_log") {
    const ops = (item as { ops?: unknown }).ops;
    if (!Array.isArray(ops)) return;
    for (const op of ops as { path?: unknown; value?: unknown }[]) {
      const path = op.path;
      if (typeof path === "string" && path.startsWith("/logs/") && path.endsWith("/streamed_output/-") && isModelChunk(op.value)) {
        tallyChunk(tally, op.value);
      }
    }
  }
}

function isModelChunk(value: unknown): boolean {
  return value instanceof AIMessageChunk || value instanceof AIMessage;
}
