/** The result of a tool call, sent back to the model. */
import { BaseMessage, BaseMessageChunk, type BaseMessageFields, type MessageContent, type MessageType } from "./base.js";
import { assignOwn } from "../utils/objects.js";

/** Object-form constructor fields of {@link ToolMessage}. */
export interface ToolMessageFields extends BaseMessageFields {
  /** Id of the tool call this message answers. */
  tool_call_id: string;
  /** Whether the tool succeeded. @default "success" */
  status?: "success" | "error" | undefined;
  /** Full tool output kept for code, not sent to the model. */
  artifact?: unknown;
}

function toToolFields(fields: MessageContent | ToolMessageFields, toolCallId: string | undefined): ToolMessageFields {
  if (typeof fields !== "string" && !Array.isArray(fields)) return fields as ToolMessageFields;
  // LangChain.js also accepts `new ToolMessage(content, toolCallId)`.
  if (toolCallId === undefined) throw new TypeError("ToolMessage needs a tool_call_id");
  return { content: fields, tool_call_id: toolCallId };
}

/**
 * A tool's answer to one tool call.
 * @example
 * new ToolMessage({ content: "42", tool_call_id: "call_1" });
 */
export class ToolMessage extends BaseMessage {
  /** Id of the tool call this message answers. */
  tool_call_id: string;
  /** Whether the tool succeeded. */
  status: "success" | "error";
  /** Full tool output kept for code, not sent to the model. */
  artifact?: unknown;

  constructor(fields: MessageContent | ToolMessageFields, toolCallId?: string) {
    const f = toToolFields(fields, toolCallId);
    super(f);
    this.tool_call_id = f.tool_call_id;
    this.status = f.status ?? "success";
    this.artifact = f.artifact;
  }

  /** Always `"tool"`. */
  getType(): MessageType {
    return "tool";
  }

  /** Always `"tool"`. */
  get wireType(): string {
    return "tool";
  }
}

/** A streamed piece of a {@link ToolMessage}. */
export class ToolMessageChunk extends BaseMessageChunk {
  /** Id of the tool call this message answers. */
  tool_call_id: string;
  /** Whether the tool succeeded. */
  status: "success" | "error";
  /** Full tool output kept for code, not sent to the model. */
  artifact?: unknown;

  constructor(fields: MessageContent | ToolMessageFields, toolCallId?: string) {
    const f = toToolFields(fields, toolCallId);
    super(f);
    this.tool_call_id = f.tool_call_id;
    this.status = f.status ?? "success";
    this.artifact = f.artifact;
  }

  /** Always `"tool"`. */
  getType(): MessageType {
    return "tool";
  }

  /** Always `"ToolMessageChunk"`. */
  get wireType(): string {
    return "ToolMessageChunk";
  }

  /**
   * A new chunk holding this one followed by `other`. The first chunk's `tool_call_id` and
   * `artifact` are kept; an `"error"` status on either side wins, since one failed piece fails the call.
   */
  concat(other: BaseMessage): ToolMessageChunk {
    const o = other instanceof ToolMessageChunk || other instanceof ToolMessage ? other : undefined;
    return new ToolMessageChunk(
      assignOwn(this.mergeBaseFields(other), {
        tool_call_id: this.tool_call_id || (o?.tool_call_id ?? ""),
        status: this.status === "error" || o?.status === "error" ? ("error" as const) : ("success" as const),
        artifact: this.artifact ?? o?.artifact,
      }),
    );
  }
}
