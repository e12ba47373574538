/**
 * Revival of LangServe JSON into chainserve classes: a bottom-up walk like Python's `loadd`
 * (langserve-protocol.md §5.3), plus the forms LangChain.js's RemoteRunnable sends as input
 * (runnable-semantics.md B.2). Unlike the JS client (B.5) it keeps every message field and
 * never turns an untagged `{text}` or `{messages}` object into a prompt value.
 */
import { Document } from "../core/documents/document.js";
import { AIMessage, AIMessageChunk, type AIMessageFields } from "../core/messages/ai.js";
import { BaseMessage, type BaseMessageFields, type MessageContent } from "../core/messages/base.js";
import { ChatMessage, ChatMessageChunk } from "../core/messages/chat.js";
import { HumanMessage, HumanMessageChunk } from "../core/messages/human.js";
import { SystemMessage, SystemMessageChunk } from "../core/messages/system.js";
import type { ToolCallChunk, UsageMetadata } from "../core/messages/tool-calls.js";
import { ToolMessage, ToolMessageChunk, type ToolMessageFields } from "../core/messages/tool.js";
import { ChatPromptValue, StringPromptValue } from "../core/prompt-values.js";
import { assignOwn, isPlainObject, merged } from "../core/utils/objects.js";

type Json = Record<string, unknown>;
type MessageFactory = (o: Json, base: BaseMessageFields) => BaseMessage | undefined;

/**
 * Sets an own property, also for the key `__proto__` (JSON.parse creates it as a plain key;
 * an assignment would swap the prototype instead).
 */
export function setOwn(target: Json, key: string, value: unknown): void {
  if (key === "__proto__") Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}

/**
 * Turns parsed LangServe JSON back into classes, children first. An object becomes a message
 * when its `type` is a message tag (`human`, `ai`, `system`, `chat`/`generic`, `tool`, the
 * `*Message` and `*MessageChunk` class names) and it has string or list `content`; a Document
 * when tagged `"Document"` or holding `page_content` + `metadata` (or the JS client's
 * `pageContent` + `metadata`); a prompt value when tagged `StringPromptValue` /
 * `ChatPromptValue(Concrete)` or sent as a LangChain.js field bag; LangChain.js's
 * `{"lc":1,"type":"constructor",…}` form is read too. Everything else stays plain, and
 * unchanged subtrees are returned as the same reference.
 * @example
 * fromLangServe({ type: "human", content: "hi" }); // HumanMessage
 */
export function fromLangServe(value: unknown): unknown {
  if (typeof value !== "object" || value === null) return value;
  if (Array.isArray(value)) return reviveArray(value);
  if (!isPlainObject(value)) return value;
  const obj = reviveFields(value);
  return reviveObject(obj) ?? obj;
}

function reviveArray(items: readonly unknown[]): unknown[] {
  let out: unknown[] | undefined;
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    const r = fromLangServe(item);
    if (out !== undefined) out.push(r);
    else if (r !== item) {
      out = items.slice(0, i);
      out.push(r);
    }
  }
  return out ?? (items as unknown[]);
}

function reviveFields(obj: Json): Json {
  let out: Json | undefined;
  const keys = Object.keys(obj);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as string;
    const item = obj[key];
    const r = fromLangServe(item);
    if (out === undefined) {
      if (r === item) continue;
      out = {};
      for (let j = 0; j < i; j++) setOwn(out, keys[j] as string, obj[keys[j] as string]);
    }
    setOwn(out, key, r);
  }
  return out ?? obj;
}

function reviveObject(o: Json): unknown {
  const type = o.type;
  if (typeof type === "string") {
    const message = MESSAGE_TAGS.get(type);
    if (message !== undefined) return toMessage(o, message);
    if (type === "Document" && typeof o.page_content === "string") return toDocument(o.page_content, o);
    if (type === "StringPromptValue" && typeof o.text === "string") return new StringPromptValue(o.text);
    if (type === "ChatPromptValueConcrete" || type === "ChatPromptValue") return toChatPromptValue(o.messages);
    if (type === "constructor" && o.lc === 1) return fromLcConstructor(o);
  }
  if (typeof o.page_content === "string" && "metadata" in o) return toDocument(o.page_content, o);
  // The LangChain.js client sends Documents camelCase and prompt values as their field bags.
  if (typeof o.pageContent === "string" && "metadata" in o) return toDocument(o.pageContent, o);
  if (Array.isArray(o.lc_namespace) && o.lc_namespace.includes("prompt_values")) {
    if (typeof o.value === "string") return new StringPromptValue(o.value);
    return toChatPromptValue(o.messages);
  }
  return undefined;
}

function toMessage(o: Json, factory: MessageFactory): BaseMessage | undefined {
  const content = o.content;
  // Python validation requires `content`; a typed dict without it stays a dict.
  if (typeof content !== "string" && !Array.isArray(content)) return undefined;
  return factory(o, {
    content: content as MessageContent,
    name: str(o.name),
    id: str(o.id),
    additional_kwargs: dict(o.additional_kwargs),
    response_metadata: dict(o.response_metadata),
  });
}

function toDocument(pageContent: string, o: Json): Document | undefined {
  const metadata = o.metadata ?? {};
  if (!isPlainObject(metadata)) return undefined;
  return new Document({ pageContent, metadata, id: str(o.id) });
}

function toChatPromptValue(messages: unknown): ChatPromptValue | undefined {
  if (!Array.isArray(messages) || !messages.every((m) => m instanceof BaseMessage)) return undefined;
  return new ChatPromptValue(messages as BaseMessage[]);
}

// `{"lc":1,"type":"constructor","id":[…,"ClassName"],"kwargs":{…}}`: LangChain.js's own JSON.
function fromLcConstructor(o: Json): unknown {
  const kwargs = o.kwargs;
  const className: unknown = Array.isArray(o.id) ? o.id[o.id.length - 1] : undefined;
  if (typeof className !== "string" || !isPlainObject(kwargs)) return undefined;
  const message = MESSAGE_TAGS.get(className);
  if (message !== undefined) return toMessage(kwargs, message);
  if (className === "StringPromptValue" && typeof kwargs.value === "string") return new StringPromptValue(kwargs.value);
  if (className === "ChatPromptValue") return toChatPromptValue(kwargs.messages);
  return undefined;
}

// Optional fields that are malformed are treated as absent rather than failing the revival.
const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);
const dict = (v: unknown): Json | undefined => (isPlainObject(v) ? v : undefined);
const dicts = (v: unknown): Json[] | undefined => (Array.isArray(v) ? v.filter(isPlainObject) : undefined);

function aiFields(o: Json, base: BaseMessageFields): AIMessageFields {
  return merged(base, {
    tool_calls: dicts(o.tool_calls) as AIMessageFields["tool_calls"],
    invalid_tool_calls: dicts(o.invalid_tool_calls) as AIMessageFields["invalid_tool_calls"],
    usage_metadata: dict(o.usage_metadata) as UsageMetadata | undefined,
  });
}

function toolFields(o: Json, base: BaseMessageFields): ToolMessageFields | undefined {
  if (typeof o.tool_call_id !== "string") return undefined;
  const status: ToolMessageFields["status"] = o.status === "error" ? "error" : "success";
  return merged(base, { tool_call_id: o.tool_call_id, status, artifact: o.artifact ?? undefined });
}

const human: MessageFactory = (_o, b) => new HumanMessage(b);
const system: MessageFactory = (_o, b) => new SystemMessage(b);
const ai: MessageFactory = (o, b) => new AIMessage(aiFields(o, b));
const chat: MessageFactory = (o, b) => (typeof o.role === "string" ? new ChatMessage(merged(b, { role: o.role })) : undefined);
const tool: MessageFactory = (o, b) => {
  const f = toolFields(o, b);
  return f && new ToolMessage(f);
};

// A Map, not an object literal, so that a `type` such as "constructor" never hits Object.prototype.
const MESSAGE_TAGS: ReadonlyMap<string, MessageFactory> = new Map<string, MessageFactory>([
  ["human", human],
  ["HumanMessage", human],
  ["ai", ai],
  ["AIMessage", ai],
  ["system", system],
  ["SystemMessage", system],
  ["chat", chat],
  ["generic", chat],
  ["ChatMessage", chat],
  ["tool", tool],
  ["ToolMessage", tool],
  ["HumanMessageChunk", (_o, b) => new HumanMessageChunk(b)],
  ["SystemMessageChunk", (_o, b) => new SystemMessageChunk(b)],
  ["AIMessageChunk", (o, b) => new AIMessageChunk(assignOwn(aiFields(o, b), { tool_call_chunks: dicts(o.tool_call_chunks) as ToolCallChunk[] | undefined }))],
  ["ChatMessageChunk", (o, b) => (typeof o.role === "string" ? new ChatMessageChunk(merged(b, { role: o.role })) : undefined)],
  [
    "ToolMessageChunk",
    (o, b) => {
      const f = toolFields(o, b);
      return f && new ToolMessageChunk(f);
    },
  ],
]);
