/**
 * Tool-call shapes carried by AI messages, and the rules that turn streamed tool-call
 * chunks into parsed tool calls (Python `AIMessageChunk.init_tool_calls` semantics).
 */
import { copied, isPlainObject } from "../utils/objects.js";

/** A parsed request from the model to call a tool. */
export interface ToolCall {
  /** Tool name. */
  name: string;
  /** Parsed arguments. */
  args: Record<string, unknown>;
  /** Provider's call id, echoed back by the ToolMessage answering it. */
  id?: string;
  /** Discriminator; always set on stored calls. */
  type?: "tool_call";
}

/** A tool call whose arguments were not valid JSON. */
export interface InvalidToolCall {
  /** Tool name, when known. */
  name?: string;
  /** The raw argument text. */
  args?: string;
  /** Provider's call id. */
  id?: string;
  /** Why parsing failed, when known. */
  error?: string;
  /** Discriminator; always set on stored calls. */
  type?: "invalid_tool_call";
}

/** A streamed piece of a tool call: `args` is partial JSON text; pieces with one `index` merge. */
export interface ToolCallChunk {
  /** Piece of the tool name. */
  name?: string;
  /** Piece of the JSON argument text. */
  args?: string;
  /** Provider's call id (usually on the first piece only). */
  id?: string;
  /** Which call of the message this piece belongs to. */
  index?: number;
  /** Discriminator; always set on stored chunks. */
  type?: "tool_call_chunk";
}

/** Token counts of one model call; counts of chunks add up field by field. */
export interface UsageMetadata {
  /** Prompt tokens. */
  input_tokens: number;
  /** Completion tokens. */
  output_tokens: number;
  /** Sum of both. */
  total_tokens: number;
  /** Breakdown of prompt tokens, e.g. `cache_read`. */
  input_token_details?: Record<string, number | undefined>;
  /** Breakdown of completion tokens, e.g. `reasoning`. */
  output_token_details?: Record<string, number | undefined>;
}

type Loose = Record<string, unknown>;
const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);

// Optional keys are omitted rather than set to undefined so that equal calls compare equal
// whether they came from code or were revived from JSON `null`s.
function compact<T extends object>(entries: Record<string, unknown>): T {
  const out: Loose = {};
  for (const key of Object.keys(entries)) if (entries[key] !== undefined) out[key] = entries[key];
  return out as T;
}

/** A copy of a tool call with `type:"tool_call"` and no empty optional keys. */
export function normalizeToolCall(call: ToolCall | Loose): ToolCall {
  const args = isPlainObject(call.args) ? call.args : {};
  return compact<ToolCall>({ name: str(call.name) ?? "", args, id: str(call.id), type: "tool_call" });
}

/** A copy of an invalid tool call with `type:"invalid_tool_call"` and no empty optional keys. */
export function normalizeInvalidToolCall(call: InvalidToolCall | Loose): InvalidToolCall {
  return compact<InvalidToolCall>({
    name: str(call.name), args: str(call.args), id: str(call.id), error: str(call.error), type: "invalid_tool_call",
  });
}

/** A copy of a tool-call chunk with `type:"tool_call_chunk"` and no empty optional keys. */
export function normalizeToolCallChunk(chunk: ToolCallChunk | Loose): ToolCallChunk {
  const index = typeof chunk.index === "number" ? chunk.index : undefined;
  return compact<ToolCallChunk>({
    name: str(chunk.name), args: str(chunk.args), id: str(chunk.id), index, type: "tool_call_chunk",
  });
}

/**
 * Merges two chunk lists by `index`: `args` and `name` concatenate (Python semantics; JS
 * replaces the name), the first non-empty `id` wins; chunks without an index are appended.
 */
export function mergeToolCallChunks(left: readonly ToolCallChunk[], right: readonly ToolCallChunk[]): ToolCallChunk[] {
  if (right.length === 0) return [...left];
  const merged = [...left];
  for (const chunk of right) {
    const at = chunk.index === undefined ? -1 : merged.findIndex((c) => c.index === chunk.index && (!c.id || !chunk.id || c.id === chunk.id));
    const prev = merged[at];
    if (prev === undefined) {
      merged.push(chunk);
      continue;
    }
    merged[at] = compact<ToolCallChunk>({
      name: joinOptional(prev.name, chunk.name),
      args: joinOptional(prev.args, chunk.args),
      id: prev.id || chunk.id || undefined,
      index: prev.index,
      type: "tool_call_chunk",
    });
  }
  return merged;
}

function joinOptional(a: string | undefined, b: string | undefined): string | undefined {
  return a === undefined ? b : b === undefined ? a : a + b;
}

/** Parses each chunk's (possibly partial) JSON args; those that are not a JSON object become invalid calls. */
export function toolCallsFromChunks(chunks: readonly ToolCallChunk[]): { tool_calls: ToolCall[]; invalid_tool_calls: InvalidToolCall[] } {
  const tool_calls: ToolCall[] = [];
  const invalid_tool_calls: InvalidToolCall[] = [];
  for (const chunk of chunks) {
    const args = chunk.args === undefined || chunk.args === "" ? {} : parsePartialJson(chunk.args);
    if (isPlainObject(args)) {
      tool_calls.push(normalizeToolCall({ name: chunk.name ?? "", args, id: chunk.id }));
    } else {
      invalid_tool_calls.push(normalizeInvalidToolCall({ name: chunk.name, args: chunk.args, id: chunk.id }));
    }
  }
  return { tool_calls, invalid_tool_calls };
}

/** Index-less chunks standing for already-parsed calls, so a chunk built from calls can still be concatenated. */
export function toolCallsToChunks(calls: readonly ToolCall[], invalid: readonly InvalidToolCall[]): ToolCallChunk[] {
  const fromValid = calls.map((c) => normalizeToolCallChunk({ name: c.name, args: JSON.stringify(c.args), id: c.id }));
  const fromInvalid = invalid.map((c) => normalizeToolCallChunk({ name: c.name, args: c.args, id: c.id }));
  return [...fromValid, ...fromInvalid];
}

/** Field-wise sum of two usage records (nested detail counts too); `undefined` when both are. */
export function addUsage(left: UsageMetadata | undefined, right: UsageMetadata | undefined): UsageMetadata | undefined {
  if (left === undefined) return right;
  if (right === undefined) return left;
  return sumNumbers(left as unknown as Loose, right as unknown as Loose) as unknown as UsageMetadata;
}

function sumNumbers(left: Loose, right: Loose): Loose {
  const out: Loose = copied(left);
  for (const key of Object.keys(right)) {
    const l = out[key];
    const r = right[key];
    if (typeof l === "number" && typeof r === "number") out[key] = l + r;
    else if (isPlainObject(l) && isPlainObject(r)) out[key] = sumNumbers(l, r);
    else if (r !== undefined && r !== null) out[key] = r;
  }
  return out;
}

/**
 * Parses JSON that may be cut off mid-stream (`{"a": "hel` → `{a:"hel"}`) by closing open
 * strings and brackets, then dropping trailing characters until it parses. `undefined` when
 * nothing parses.
 */
export function parsePartialJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    // fall through to repair
  }
  let repaired = "";
  const closers: string[] = [];
  let inString = false;
  let escaped = false;
  for (const ch of text) {
    if (inString) {
      if (escaped) escaped = false;
      else if (ch === "\\") escaped = true;
      else if (ch === '"') inString = false;
      else if (ch === "\n") {
        repaired += "\\n";
        continue;
      }
    } else if (ch === '"') inString = true;
    else if (ch === "{") closers.push("}");
    else if (ch === "[") closers.push("]");
    else if (ch === "}" || ch === "]") {
      if (closers.pop() !== ch) return undefined;
    }
    repaired += ch;
  }
  if (inString) repaired = (escaped ? repaired.slice(0, -1) : repaired) + '"';
  const tail = closers.reverse().join("");
  for (let end = repaired.length; end > 0; end--) {
    try {
      return JSON.parse(repaired.slice(0, end) + tail);
    } catch {
      // a dangling `,` `:` or half a literal: drop one more character
    }
  }
  return undefined;
}
