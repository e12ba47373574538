/**
 * Values across the LangChain.js boundary. Outputs of a LangChain.js runnable (its messages,
 * chunks, documents, prompt values) become chainserve's, so that serde, tracing and
 * concatenation see one kind of value; inputs going in become LangChain.js's own classes,
 * loaded from `@langchain/core` only once a LangChain.js runnable is called.
 */
import { Document } from "../documents/document.js";
import { AIMessage, AIMessageChunk } from "../messages/ai.js";
import { BaseMessage, type BaseMessageFields } from "../messages/base.js";
import { ChatMessage, ChatMessageChunk } from "../messages/chat.js";
import { HumanMessage, HumanMessageChunk } from "../messages/human.js";
import { SystemMessage, SystemMessageChunk } from "../messages/system.js";
import { ToolMessage, ToolMessageChunk } from "../messages/tool.js";
import { ChatPromptValue, StringPromptValue } from "../prompt-values.js";

/** A LangChain.js message as read here (the fields both libraries name alike). */
interface LcMessage {
  _getType(): string;
  content: unknown;
  name?: string;
  id?: string | null;
  additional_kwargs?: Record<string, unknown>;
  response_metadata?: Record<string, unknown>;
  tool_calls?: unknown[];
  invalid_tool_calls?: unknown[];
  tool_call_chunks?: unknown[];
  usage_metadata?: unknown;
  tool_call_id?: string;
  status?: string;
  artifact?: unknown;
  role?: string;
  concat?: unknown;
}

function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

function isLcMessage(value: object): value is LcMessage {
  return typeof (value as { _getType?: unknown })._getType === "function" && "content" in value;
}

const LC_RUN_ID = /^(?:lc_run--|run-(?!-))([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})(-\d+)?$/i;

/**
 * A model message's id as Python writes it, `run--<run id>` (`-<n>` for an invoked reply),
 * so that it names the run of the events it appears in: LangChain.js writes `run-<run id>`
 * (0.3, and 1.x when streaming under callbacks) or `lc_run--<run id>` (1.x).
 */
export function pythonMessageId(id: string | undefined | null): string | undefined {
  if (id === undefined || id === null) return undefined;
  const match = LC_RUN_ID.exec(id);
  return match === null ? id : `run--${match[1] ?? ""}${match[2] ?? ""}`;
}

function baseFields(m: LcMessage): BaseMessageFields {
  return {
    content: m.content as BaseMessageFields["content"],
    name: m.name ?? undefined,
    id: pythonMessageId(m.id),
    additional_kwargs: m.additional_kwargs,
    response_metadata: m.response_metadata,
  };
}

/**
 * Whether a LangChain.js message is a chunk, by its class's `lc_name()` (what LangChain.js
 * serializes it as): `instanceof` cannot tell across copies of `@langchain/core`, and in
 * 1.x every message has a `concat` method.
 */
function isLcChunk(m: LcMessage): boolean {
  const ctor = (m as { constructor?: { lc_name?: () => unknown; name?: unknown } }).constructor;
  const name = typeof ctor?.lc_name === "function" ? ctor.lc_name() : ctor?.name;
  if (typeof name === "string" && name !== "") return name.endsWith("Chunk");
  return typeof m.concat === "function";
}

/** A LangChain.js message or chunk as the chainserve message of the same type. */
export function messageFromLangChain(m: LcMessage): BaseMessage {
  const chunk = isLcChunk(m);
  const fields = baseFields(m);
  const type = m._getType();
  switch (type) {
    case "ai": {
      const ai = fields as ConstructorParameters<typeof AIMessageChunk>[0] & object;
      if (m.tool_calls !== undefined) Object.assign(ai, { tool_calls: m.tool_calls });
      if (m.invalid_tool_calls !== undefined) Object.assign(ai, { invalid_tool_calls: m.invalid_tool_calls });
      if (m.usage_metadata !== undefined && m.usage_metadata !== null) Object.assign(ai, { usage_metadata: m.usage_metadata });
      if (chunk && m.tool_call_chunks !== undefined) Object.assign(ai, { tool_call_chunks: m.tool_call_chunks });
      return chunk ? new AIMessageChunk(ai) : new AIMessage(ai);
    }
    case "human":
      return chunk ? new HumanMessageChunk(fields) : new HumanMessage(fields);
    case "system":
      return chunk ? new SystemMessageChunk(fields) : new SystemMessage(fields);
    case "tool": {
      const tool = Object.assign(fields, {
        tool_call_id: m.tool_call_id ?? "",
        status: m.status === "error" ? ("error" as const) : ("success" as const),
        artifact: m.artifact,
      });
      return chunk ? new ToolMessageChunk(tool) : new ToolMessage(tool);
    }
    default: {
      const role = type === "generic" ? (m.role ?? "generic") : type;
      const generic = Object.assign(fields, { role });
      return chunk ? new ChatMessageChunk(generic) : new ChatMessage(generic);
    }
  }
}

/**
 * A value LangChain.js produced, as chainserve values: messages, chunks, documents and
 * prompt values converted; arrays and plain objects converted deeply; anything else kept.
 */
export function fromLangChainValue(value: unknown): unknown {
  if (typeof value !== "object" || value === null) return value;
  if (Array.isArray(value)) return value.map(fromLangChainValue);
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value)) out[key] = fromLangChainValue((value as Record<string, unknown>)[key]);
    return out;
  }
  if (value instanceof BaseMessage || value instanceof Document || value instanceof ChatPromptValue || value instanceof StringPromptValue) {
    return value;
  }
  if (isLcMessage(value)) return messageFromLangChain(value);
  const candidate = value as { pageContent?: unknown; metadata?: unknown; id?: unknown; toChatMessages?: unknown; messages?: unknown; value?: unknown };
  if (typeof candidate.pageContent === "string") {
    return new Document({
      pageContent: candidate.pageContent,
      metadata: (candidate.metadata ?? {}) as Record<string, unknown>,
      id: typeof candidate.id === "string" ? candidate.id : undefined,
    });
  }
  if (typeof candidate.toChatMessages === "function") {
    if (Array.isArray(candidate.messages)) return new ChatPromptValue(candidate.messages.map((m) => fromLangChainValue(m) as BaseMessage));
    if (typeof candidate.value === "string") return new StringPromptValue(candidate.value);
  }
  return value;
}

/** The `@langchain/core` classes the adapter builds inputs with. */
export interface LangChainClasses {
  /** `@langchain/core/messages`. */
  messages: Record<string, unknown>;
  /** `@langchain/core/prompt_values`. */
  promptValues: Record<string, unknown>;
}

type Ctor = new (fields: unknown) => unknown;

const CLASS_OF: Record<string, string> = {
  human: "HumanMessage",
  ai: "AIMessage",
  system: "SystemMessage",
  tool: "ToolMessage",
  generic: "ChatMessage",
};

function messageToLangChain(m: BaseMessage, lc: LangChainClasses | undefined): unknown {
  const type = m.getType();
  const fields: Record<string, unknown> = { content: m.content, additional_kwargs: m.additional_kwargs, response_metadata: m.response_metadata };
  if (m.name !== undefined) fields.name = m.name;
  if (m.id !== undefined) fields.id = m.id;
  if (m instanceof AIMessage || m instanceof AIMessageChunk) {
    fields.tool_calls = m.tool_calls;
    fields.invalid_tool_calls = m.invalid_tool_calls;
    if (m.usage_metadata !== undefined) fields.usage_metadata = m.usage_metadata;
    if (m instanceof AIMessageChunk) fields.tool_call_chunks = m.tool_call_chunks;
  } else if (m instanceof ToolMessage || m instanceof ToolMessageChunk) {
    fields.tool_call_id = m.tool_call_id;
    fields.status = m.status;
    if (m.artifact !== undefined) fields.artifact = m.artifact;
  } else if (m instanceof ChatMessage || m instanceof ChatMessageChunk) {
    fields.role = m.role;
  }
  const name = CLASS_OF[type];
  const chunk = m.constructor.name.endsWith("Chunk");
  const ctor = name === undefined || lc === undefined ? undefined : (lc.messages[chunk ? `${name}Chunk` : name] as Ctor | undefined);
  // Without @langchain/core's classes, a message dict: LangChain.js's coercion accepts it.
  if (ctor === undefined) return Object.assign(fields, { type: type === "generic" ? "generic" : type });
  return new ctor(fields);
}

/**
 * A chainserve value going into a LangChain.js runnable: messages and prompt values as
 * LangChain.js's classes (`lc`), containers deeply; documents stay (LangChain.js reads
 * `pageContent` / `metadata` by shape), anything else is kept.
 */
export function toLangChainValue(value: unknown, lc: LangChainClasses | undefined): unknown {
  if (typeof value !== "object" || value === null) return value;
  if (Array.isArray(value)) return value.map((item) => toLangChainValue(item, lc));
  if (value instanceof BaseMessage) return messageToLangChain(value, lc);
  if (value instanceof ChatPromptValue) {
    const messages = value.messages.map((m) => messageToLangChain(m, lc));
    const ctor = lc?.promptValues.ChatPromptValue as Ctor | undefined;
    return ctor === undefined ? messages : new ctor(messages);
  }
  if (value instanceof StringPromptValue) {
    const ctor = lc?.promptValues.StringPromptValue as Ctor | undefined;
    return ctor === undefined ? value.value : new ctor(value.value);
  }
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value)) out[key] = toLangChainValue((value as Record<string, unknown>)[key], lc);
    return out;
  }
  return value;
}

let loading: Promise<LangChainClasses | undefined> | undefined;

/**
 * `@langchain/core`'s message and prompt-value classes, imported on first use (undefined
 * when the package is not installed: inputs then go in as message dicts).
 */
export function loadLangChainClasses(): Promise<LangChainClasses | undefined> {
  loading ??= Promise.all([import("@langchain/core/messages"), import("@langchain/core/prompt_values")]).then(
    ([messages, promptValues]) => ({ messages: messages as Record<string, unknown>, promptValues: promptValues as Record<string, unknown> }),
    () => undefined,
  );
  return loading;
}
