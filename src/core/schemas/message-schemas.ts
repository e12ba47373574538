/**
 * JSON Schemas a component infers from what it is when no zod schema is declared (LangServe's
 * `get_input_schema` / `get_output_schema`): the message union of chat models, the prompt
 * values they accept, what parsers read, documents. Built once per mount, never per request.
 */

/** A JSON Schema object. */
export type JsonSchema = Record<string, unknown>;

const refTo = (name: string): JsonSchema => ({ $ref: `#/$defs/${name}` });
const nullable = (schema: JsonSchema): JsonSchema => ({ anyOf: [schema, { type: "null" }], default: null });
const anyObject: JsonSchema = { type: "object", additionalProperties: true };

const content: JsonSchema = {
  anyOf: [{ type: "string" }, { type: "array", items: { anyOf: [{ type: "string" }, anyObject] } }],
  title: "Content",
};

function message(type: string, title: string, extra: Record<string, JsonSchema> = {}, required: string[] = []): JsonSchema {
  return {
    title,
    type: "object",
    additionalProperties: true,
    properties: {
      content,
      additional_kwargs: { ...anyObject, title: "Additional Kwargs" },
      response_metadata: { ...anyObject, title: "Response Metadata" },
      type: { const: type, default: type, type: "string", title: "Type" },
      name: { ...nullable({ type: "string" }), title: "Name" },
      id: { ...nullable({ type: "string" }), title: "Id" },
      ...extra,
    },
    required: ["content", ...required],
  };
}

const toolCall: JsonSchema = {
  title: "ToolCall",
  type: "object",
  properties: { name: { type: "string" }, args: anyObject, id: nullable({ type: "string" }), type: { const: "tool_call", type: "string" } },
  required: ["name", "args", "id"],
};
const invalidToolCall: JsonSchema = {
  title: "InvalidToolCall",
  type: "object",
  properties: { name: nullable({ type: "string" }), args: nullable({ type: "string" }), id: nullable({ type: "string" }), error: nullable({ type: "string" }) },
  required: ["name", "args", "id", "error"],
};
const usage: JsonSchema = {
  title: "UsageMetadata",
  type: "object",
  properties: { input_tokens: { type: "integer" }, output_tokens: { type: "integer" }, total_tokens: { type: "integer" } },
  required: ["input_tokens", "output_tokens", "total_tokens"],
};
const aiExtra: Record<string, JsonSchema> = {
  example: { default: false, type: "boolean", title: "Example" },
  tool_calls: { default: [], type: "array", items: refTo("ToolCall"), title: "Tool Calls" },
  invalid_tool_calls: { default: [], type: "array", items: refTo("InvalidToolCall"), title: "Invalid Tool Calls" },
  usage_metadata: nullable(refTo("UsageMetadata")),
};
const toolExtra: Record<string, JsonSchema> = {
  tool_call_id: { type: "string", title: "Tool Call Id" },
  artifact: { title: "Artifact" },
  status: { enum: ["success", "error"], default: "success", type: "string", title: "Status" },
};

const MESSAGES: [string, JsonSchema][] = [
  ["AIMessage", message("ai", "AIMessage", aiExtra)],
  ["HumanMessage", message("human", "HumanMessage", { example: aiExtra.example as JsonSchema })],
  ["ChatMessage", message("chat", "ChatMessage", { role: { type: "string", title: "Role" } }, ["role"])],
  ["SystemMessage", message("system", "SystemMessage")],
  ["ToolMessage", message("tool", "ToolMessage", toolExtra, ["tool_call_id"])],
  ["AIMessageChunk", message("AIMessageChunk", "AIMessageChunk", aiExtra)],
  ["HumanMessageChunk", message("HumanMessageChunk", "HumanMessageChunk")],
  ["ChatMessageChunk", message("ChatMessageChunk", "ChatMessageChunk", { role: { type: "string", title: "Role" } })],
  ["SystemMessageChunk", message("SystemMessageChunk", "SystemMessageChunk")],
  ["ToolMessageChunk", message("ToolMessageChunk", "ToolMessageChunk", toolExtra, ["tool_call_id"])],
];
const MESSAGE_DEFS: Record<string, JsonSchema> = { ...Object.fromEntries(MESSAGES), ToolCall: toolCall, InvalidToolCall: invalidToolCall, UsageMetadata: usage };
const MESSAGE_UNION: JsonSchema[] = MESSAGES.map(([name]) => refTo(name));

/**
 * A chat model's output: one of the message classes (LangServe's `oneOf` of `$defs`).
 * @example
 * messageJsonSchema("FakeChatModelOutput").oneOf.length; // 10
 */
export function messageJsonSchema(title: string): JsonSchema {
  return { title, oneOf: MESSAGE_UNION, $defs: { ...MESSAGE_DEFS } };
}

/** A chat model's input: a string, a prompt value, or a list of messages. */
export function promptValueJsonSchema(title: string): JsonSchema {
  return {
    title,
    anyOf: [
      { type: "string" },
      refTo("StringPromptValue"),
      refTo("ChatPromptValueConcrete"),
      { type: "array", items: { oneOf: MESSAGE_UNION } },
    ],
    $defs: {
      ...MESSAGE_DEFS,
      StringPromptValue: {
        title: "StringPromptValue",
        type: "object",
        properties: { text: { type: "string", title: "Text" }, type: { const: "StringPromptValue", default: "StringPromptValue", type: "string" } },
        required: ["text"],
      },
      ChatPromptValueConcrete: {
        title: "ChatPromptValueConcrete",
        type: "object",
        properties: {
          messages: { type: "array", items: { oneOf: MESSAGE_UNION }, title: "Messages" },
          type: { const: "ChatPromptValueConcrete", default: "ChatPromptValueConcrete", type: "string" },
        },
        required: ["messages"],
      },
    },
  };
}

/** An output parser's input: a string or a message. */
export function parserInputJsonSchema(title: string): JsonSchema {
  return { title, anyOf: [{ type: "string" }, { oneOf: MESSAGE_UNION }], $defs: { ...MESSAGE_DEFS } };
}

/** A retriever's output: a list of LangServe documents. */
export function documentListJsonSchema(title: string): JsonSchema {
  return {
    title,
    type: "array",
    items: refTo("Document"),
    $defs: {
      Document: {
        title: "Document",
        type: "object",
        properties: {
          id: { ...nullable({ type: "string" }), title: "Id" },
          metadata: { ...anyObject, title: "Metadata" },
          page_content: { type: "string", title: "Page Content" },
          type: { const: "Document", default: "Document", type: "string", title: "Type" },
        },
        required: ["page_content"],
      },
    },
  };
}

