/**
 * LangServe's JSON forms of LangChain objects (langserve-protocol.md §5), shared byte for byte
 * by server and client. `toLangServe` writes what Python LangServe (langchain-core 0.3) writes,
 * in pydantic field order; `fromLangServe` (in `lc-json-revive.ts`) reads it back.
 */
import { Document } from "../core/documents/document.js";
import { AIMessage, AIMessageChunk } from "../core/messages/ai.js";
import { BaseMessage } from "../core/messages/base.js";
import { ChatMessage, ChatMessageChunk } from "../core/messages/chat.js";
import { HumanMessage, HumanMessageChunk } from "../core/messages/human.js";
import type { InvalidToolCall, ToolCall, ToolCallChunk } from "../core/messages/tool-calls.js";
import { ToolMessage, ToolMessageChunk } from "../core/messages/tool.js";
import { ChatPromptValue, StringPromptValue } from "../core/prompt-values.js";
import { setOwn } from "./lc-json-revive.js";

export { fromLangServe } from "./lc-json-revive.js";

/** Options of {@link toLangServe}. */
export interface ToLangServeOptions {
  /**
   * Write ChatPromptValues in the typed form LangServe's invoke/batch give a root chat-prompt
   * output, `{"messages":[…full…],"type":"ChatPromptValueConcrete"}`, instead of the
   * streaming form `{"messages":[…cut down…]}` (which revives as a plain object).
   * @default false
   */
  concretePromptValues?: boolean;
}

type Json = Record<string, unknown>;

/**
 * Turns a value into JSON-ready data in LangServe's shapes: messages, documents and prompt
 * values become their pydantic dumps; Dates ISO strings; NaN/±Infinity `null`; bigints
 * decimal strings; Maps objects; Sets arrays; `undefined` object values are dropped; other
 * class instances use `toJSON` or their own enumerable fields. Subtrees holding nothing to
 * convert are returned as the same reference, so plain data costs one read-only walk.
 * @example
 * JSON.stringify(toLangServe(new Document({ pageContent: "p" })));
 * // {"id":null,"metadata":{},"page_content":"p","type":"Document"}
 */
export function toLangServe(value: unknown, options: ToLangServeOptions = {}): unknown {
  return walk(value, options.concretePromptValues === true);
}

function walk(value: unknown, concrete: boolean): unknown {
  switch (typeof value) {
    case "string":
    case "boolean":
    case "undefined":
      return value;
    case "number":
      // orjson writes non-finite floats as null.
      return Number.isFinite(value) ? value : null;
    case "bigint":
      return value.toString();
    case "object":
      return value === null ? null : walkObject(value, concrete);
    case "function":
    case "symbol":
      return undefined;
  }
}

function walkObject(value: object, concrete: boolean): unknown {
  if (Array.isArray(value)) return walkArray(value, concrete);
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto === Object.prototype || proto === null) return walkFields(value as Json, concrete, false);
  if (value instanceof BaseMessage) return encodeMessage(value, concrete, true);
  if (value instanceof Document) {
    return { id: value.id ?? null, metadata: walk(value.metadata, concrete) ?? {}, page_content: value.pageContent, type: "Document" };
  }
  if (value instanceof StringPromptValue) return { text: value.value, type: "StringPromptValue" };
  if (value instanceof ChatPromptValue) {
    // LangServe dumps ChatPromptValue.messages by their declared BaseMessage type, which cuts
    // subclass fields; the Concrete variant declares concrete types and keeps them (§5.1).
    const messages = value.messages.map((m) => encodeMessage(m, concrete, concrete));
    return concrete ? { messages, type: "ChatPromptValueConcrete" } : { messages };
  }
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (value instanceof Map) {
    const out: Json = {};
    for (const [k, v] of value) {
      const w = walk(v, concrete);
      if (w !== undefined) setOwn(out, String(k), w);
    }
    return out;
  }
  if (value instanceof Set) return walkArray([...value], concrete);
  const toJSON = (value as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === "function") return walk((toJSON as () => unknown).call(value), concrete);
  return walkFields(value as Json, concrete, true);
}

function walkArray(items: readonly unknown[], concrete: boolean): unknown[] {
  let out: unknown[] | undefined;
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    const w = walk(item, concrete);
    if (out !== undefined) out.push(w);
    else if (w !== item) {
      out = items.slice(0, i);
      out.push(w);
    }
  }
  return out ?? (items as unknown[]);
}

// Copies only once a field actually changes (or is undefined, which is dropped).
function walkFields(obj: Json, concrete: boolean, alwaysCopy: boolean): Json {
  let out: Json | undefined = alwaysCopy ? {} : undefined;
  const keys = Object.keys(obj);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as string;
    const item = obj[key];
    const w = walk(item, concrete);
    if (out === undefined) {
      if (w === item && w !== undefined) continue;
      out = {};
      for (let j = 0; j < i; j++) setOwn(out, keys[j] as string, obj[keys[j] as string]);
    }
    if (w !== undefined) setOwn(out, key, w);
  }
  return out ?? obj;
}

/** The pydantic dump of a message; `full: false` gives the BaseMessage-declared cut (§5.1). */
function encodeMessage(m: BaseMessage, concrete: boolean, full: boolean): Json {
  const out: Json = {
    content: walk(m.content, concrete),
    additional_kwargs: walk(m.additional_kwargs, concrete) ?? {},
    response_metadata: walk(m.response_metadata, concrete) ?? {},
    type: m.wireType,
    name: m.name ?? null,
    id: m.id ?? null,
  };
  if (!full) return out;
  // langchain-core 0.3 declares `example` on human and AI messages only.
  if (m instanceof HumanMessage || m instanceof HumanMessageChunk) {
    out.example = false;
  } else if (m instanceof AIMessage || m instanceof AIMessageChunk) {
    out.example = false;
    out.tool_calls = m.tool_calls.map((c) => encodeToolCall(c, concrete));
    out.invalid_tool_calls = m.invalid_tool_calls.map(encodeInvalidToolCall);
    out.usage_metadata = walk(m.usage_metadata, concrete) ?? null;
    if (m instanceof AIMessageChunk) out.tool_call_chunks = m.tool_call_chunks.map(encodeToolCallChunk);
  } else if (m instanceof ToolMessage || m instanceof ToolMessageChunk) {
    out.tool_call_id = m.tool_call_id;
    out.artifact = walk(m.artifact, concrete) ?? null;
    out.status = m.status;
  } else if (m instanceof ChatMessage || m instanceof ChatMessageChunk) {
    out.role = m.role;
  }
  return out;
}

function encodeToolCall(c: ToolCall, concrete: boolean): Json {
  return { name: c.name, args: walk(c.args, concrete) ?? {}, id: c.id ?? null, type: "tool_call" };
}

function encodeInvalidToolCall(c: InvalidToolCall): Json {
  return { name: c.name ?? null, args: c.args ?? null, id: c.id ?? null, error: c.error ?? null, type: "invalid_tool_call" };
}

function encodeToolCallChunk(c: ToolCallChunk): Json {
  return { name: c.name ?? null, args: c.args ?? null, id: c.id ?? null, index: c.index ?? null, type: "tool_call_chunk" };
}
