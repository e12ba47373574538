/** Turns model output (messages or message chunks) into plain text. */
import type { RunnableConfig } from "../config.js";
import { ChainserveError } from "../errors.js";
import { BaseMessage } from "../messages/base.js";
import { Runnable } from "../runnable.js";
import { mapIterator } from "../utils/iter.js";
import type { RunType } from "../tracing/run.js";
import { parserInputJsonSchema } from "../schemas/message-schemas.js";

/**
 * Extracts the text of a message (string content, or its text blocks joined); a string
 * passes through. Streams chunk by chunk: each model chunk becomes its text as soon as it
 * arrives, so an empty first model chunk becomes `""` (as in LangChain).
 * @example
 * const chain = prompt.pipe(model).pipe(new StrOutputParser());
 * for await (const text of await chain.stream({ topic: "bears" })) process.stdout.write(text);
 */
export class StrOutputParser extends Runnable<string | BaseMessage, string> {
  protected override defaultName(): string {
    return "StrOutputParser";
  }

  protected override runType(): RunType {
    return "parser";
  }

  /** Declared schema, else a string or a message. */
  override getInputJsonSchema(): Record<string, unknown> {
    return this.inputSchema !== undefined ? super.getInputJsonSchema() : parserInputJsonSchema(this.getName("Input"));
  }

  /** Declared schema, else what the parser returns. */
  override getOutputJsonSchema(): Record<string, unknown> {
    return this.outputSchema !== undefined ? super.getOutputJsonSchema() : { title: this.getName("Output"), type: "string" };
  }

  /**
   * The text of one model output.
   * @throws ChainserveError `BAD_REQUEST` for anything that is neither a string nor a message.
   */
  parse(input: string | BaseMessage): string {
    if (typeof input === "string") return input;
    if (input instanceof BaseMessage) return input.text;
    throw new ChainserveError("BAD_REQUEST", `StrOutputParser expects a string or a message, got ${input === null ? "null" : typeof input}`);
  }

  override invoke(input: string | BaseMessage, options?: RunnableConfig): Promise<string> {
    return this._callWithConfig(this.parse, input, options);
  }

  override transform(inputs: AsyncIterable<string | BaseMessage>, options?: RunnableConfig): AsyncGenerator<string> {
    return this._transformWithConfig(this.parseEach, inputs, options);
  }

  // Each chunk mapped as it passes: one `then` per token rather than a generator layer.
  private parseEach(inputs: AsyncIterable<string | BaseMessage>): AsyncGenerator<string> {
    return mapIterator(inputs[Symbol.asyncIterator](), (input: string | BaseMessage) => this.parse(input));
  }
}
