/** A chat prompt: message templates rendered into a {@link ChatPromptValue}. */
import type { RunnableConfig } from "../config.js";
import { ChainserveError } from "../errors.js";
import { AIMessage } from "../messages/ai.js";
import { BaseMessage, type ContentBlock, type MessageContent } from "../messages/base.js";
import { HumanMessage } from "../messages/human.js";
import { SystemMessage } from "../messages/system.js";
import { ChatPromptValue } from "../prompt-values.js";
import { Runnable } from "../runnable.js";
import type { RunType } from "../tracing/run.js";
import { MessagesPlaceholder } from "./messages-placeholder.js";
import {
  formatParts,
  parseFString,
  promptInputJsonSchema,
  promptInputSchema,
  resolvePromptInput,
  templateVariables,
  type FStringInput,
  type PromptVariable,
  type TemplatePart,
} from "./template.js";
import { merged } from "../utils/objects.js";

/**
 * What `fromMessages` accepts per entry: a `[role, template]` pair (`human`/`user`,
 * `ai`/`assistant`, `system`, or `placeholder` with `"{name}"`), a template string (a
 * human message), a fixed message (used as is, never formatted), a
 * {@link MessagesPlaceholder}, or another chat prompt (its entries are inlined).
 */
export type MessageTemplateLike =
  | readonly [role: string, template: MessageContent]
  | string
  | BaseMessage
  | MessagesPlaceholder
  | ChatPromptTemplate<any>;

type Role = "human" | "ai" | "system";
type BlockTemplate = { block: ContentBlock; text?: TemplatePart[]; url?: TemplatePart[] };

/** One compiled entry of a chat prompt. */
type Entry =
  | { readonly kind: "message"; readonly message: BaseMessage }
  | { readonly kind: "text"; readonly role: Role; readonly parts: TemplatePart[] }
  | { readonly kind: "blocks"; readonly role: Role; readonly blocks: BlockTemplate[] }
  | { readonly kind: "placeholder"; readonly placeholder: MessagesPlaceholder };

const ROLES: Record<string, Role> = { human: "human", user: "human", ai: "ai", assistant: "ai", system: "system" };

/**
 * Renders a list of messages from its input variables. Buffers a streamed input (the
 * default `transform`) and emits one ChatPromptValue; its run type is `prompt`.
 * @example
 * const prompt = ChatPromptTemplate.fromMessages([
 *   ["system", "You answer in {language}."],
 *   new MessagesPlaceholder("history"),
 *   ["human", "{question}"],
 * ]);
 * await prompt.invoke({ language: "French", history: [], question: "Hi?" });
 * @example
 * ChatPromptTemplate.fromTemplate("tell me a joke about {topic}").pipe(model);
 */
export class ChatPromptTemplate<RunInput extends Record<string, any> = Record<string, unknown>> extends Runnable<RunInput, ChatPromptValue> {
  /** The compiled entries, in order. */
  private readonly entries: readonly Entry[];
  /** Every variable: template variables and placeholders, sorted by name. */
  private readonly variables: PromptVariable[];

  constructor(fields: { messages: readonly MessageTemplateLike[] }) {
    super();
    this.entries = fields.messages.flatMap(compileEntry);
    this.variables = collectVariables(this.entries);
    this.inputSchema = promptInputSchema(this.variables);
  }

  /** A prompt of one human message rendered from `template`; the variables become the input type. */
  static fromTemplate<T extends string, I extends Record<string, any> = FStringInput<T>>(template: T): ChatPromptTemplate<I> {
    return new ChatPromptTemplate<I>({ messages: [["human", template]] });
  }

  /** A prompt from message templates (see {@link MessageTemplateLike}). */
  static fromMessages<I extends Record<string, any> = Record<string, unknown>>(messages: readonly MessageTemplateLike[]): ChatPromptTemplate<I> {
    return new ChatPromptTemplate<I>({ messages });
  }

  /** Names of the required variables, sorted (Python's `input_variables`). */
  get inputVariables(): string[] {
    return this.variables.filter((v) => !v.optional).map((v) => v.name);
  }

  protected override defaultName(): string {
    return "ChatPromptTemplate";
  }

  protected override runType(): RunType {
    return "prompt";
  }

  /** `{"title":"PromptInput",…}`, as LangServe prints a prompt's input schema. */
  override getInputJsonSchema(): Record<string, unknown> {
    return promptInputJsonSchema(this.variables);
  }

  /**
   * The rendered messages.
   * @throws ChainserveError `BAD_REQUEST` when variables are missing or a placeholder value is not a message list.
   */
  formatMessages(values: RunInput): BaseMessage[] {
    const resolved = resolvePromptInput(this.getName(), values, this.variables);
    const out: BaseMessage[] = [];
    for (const entry of this.entries) {
      switch (entry.kind) {
        case "message":
          out.push(entry.message);
          break;
        case "text":
          out.push(createMessage(entry.role, formatParts(entry.parts, resolved)));
          break;
        case "blocks":
          out.push(createMessage(entry.role, entry.blocks.map((b) => formatBlock(b, resolved))));
          break;
        case "placeholder":
          out.push(...entry.placeholder.formatMessages(resolved));
          break;
      }
    }
    return out;
  }

  /** The rendered messages as a prompt value. */
  formatPromptValue(values: RunInput): ChatPromptValue {
    return new ChatPromptValue(this.formatMessages(values));
  }

  /** The rendered messages as a `Role: text` transcript. */
  format(values: RunInput): string {
    return this.formatPromptValue(values).toString();
  }

  override invoke(input: RunInput, options?: RunnableConfig): Promise<ChatPromptValue> {
    return this._callWithConfig(this.formatPromptValue, input, options);
  }
}

function compileEntry(like: MessageTemplateLike): Entry[] {
  if (like instanceof ChatPromptTemplate) return [...(like as unknown as { entries: Entry[] }).entries];
  if (like instanceof MessagesPlaceholder) return [{ kind: "placeholder", placeholder: like }];
  if (like instanceof BaseMessage) return [{ kind: "message", message: like }];
  if (typeof like === "string") return [{ kind: "text", role: "human", parts: parseFString(like) }];
  if (Array.isArray(like) && like.length === 2) {
    const [role, content] = like as readonly [unknown, unknown];
    if (role === "placeholder") return [{ kind: "placeholder", placeholder: placeholderFrom(content) }];
    const mapped = typeof role === "string" ? ROLES[role] : undefined;
    if (mapped === undefined) {
      throw new ChainserveError(
        "INVALID_OPTIONS",
        `Unexpected message type: ${String(role)}. Use one of 'human', 'user', 'ai', 'assistant', 'system' or 'placeholder'.`,
      );
    }
    if (typeof content === "string") return [{ kind: "text", role: mapped, parts: parseFString(content) }];
    if (Array.isArray(content)) return [{ kind: "blocks", role: mapped, blocks: content.map(compileBlock) }];
  }
  throw new ChainserveError("INVALID_OPTIONS", "Expected a [role, template] pair, a template string, a message, a MessagesPlaceholder or a ChatPromptTemplate");
}

// Python accepts only "{name}" here and makes the placeholder optional.
function placeholderFrom(content: unknown): MessagesPlaceholder {
  const match = typeof content === "string" ? /^\{(\w+)\}$/.exec(content) : null;
  if (match === null) throw new ChainserveError("INVALID_OPTIONS", `A ["placeholder", …] entry needs "{variable_name}", got ${JSON.stringify(content)}`);
  return new MessagesPlaceholder({ variableName: match[1] as string, optional: true });
}

// Text blocks and image URLs are templated (multimodal prompts); other blocks pass through.
function compileBlock(item: unknown): BlockTemplate {
  if (typeof item === "string") return { block: { type: "text", text: item }, text: parseFString(item) };
  const block = item as ContentBlock;
  if (block.type === "text" && typeof block.text === "string") return { block, text: parseFString(block.text) };
  if (block.type === "image_url") {
    const url = typeof block.image_url === "string" ? block.image_url : (block.image_url as { url?: unknown } | undefined)?.url;
    if (typeof url === "string") return { block, url: parseFString(url) };
  }
  return { block };
}

function formatBlock(template: BlockTemplate, values: Record<string, unknown>): ContentBlock {
  if (template.text !== undefined) return merged(template.block, { text: formatParts(template.text, values) });
  if (template.url !== undefined) {
    const url = formatParts(template.url, values);
    const original = template.block.image_url;
    return merged(template.block, { image_url: typeof original === "string" ? url : merged(original as object, { url }) });
  }
  return template.block;
}

function createMessage(role: Role, content: MessageContent): BaseMessage {
  switch (role) {
    case "human":
      return new HumanMessage(content);
    case "ai":
      return new AIMessage(content);
    case "system":
      return new SystemMessage(content);
  }
}

function collectVariables(entries: readonly Entry[]): PromptVariable[] {
  const byName = new Map<string, PromptVariable>();
  const addText = (parts: TemplatePart[]): void => {
    for (const name of templateVariables(parts)) byName.set(name, { name, kind: "string", optional: false });
  };
  for (const entry of entries) {
    if (entry.kind === "text") addText(entry.parts);
    else if (entry.kind === "blocks") {
      for (const b of entry.blocks) addText(b.text ?? b.url ?? []);
    } else if (entry.kind === "placeholder") {
      const { variableName, optional } = entry.placeholder;
      if (!byName.has(variableName)) byName.set(variableName, { name: variableName, kind: "messages", optional });
    }
  }
  return [...byName.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
