/** Parses a model's JSON answer, and streams the object as it grows. */
import { markCumulative } from "../concat.js";
import type { RunnableConfig } from "../config.js";
import { ChainserveError } from "../errors.js";
import { BaseMessage } from "../messages/base.js";
import { Runnable } from "../runnable.js";
import type { RunType } from "../tracing/run.js";
import { deepEqual } from "../tracing/values.js";
import { parseJsonMarkdown } from "./partial-json.js";
import { parserInputJsonSchema } from "../schemas/message-schemas.js";

/**
 * Parses JSON from a model's text, also inside a ```` ```json ```` fence. Streaming yields
 * the whole partial value each time it changes (`{}`, `{a: 1}`, `{a: 1, b: []}`, …), as
 * LangChain's JsonOutputParser does; each chunk is a snapshot, not a delta.
 *
 * Like Python's parser, a truncated answer (`{"a": 1, "b": [1`) parses to what is there.
 * @example
 * const chain = prompt.pipe(model).pipe(new JsonOutputParser<{ name: string }>());
 * for await (const partial of await chain.stream({ q })) render(partial);
 */
export class JsonOutputParser<T = Record<string, any>> extends Runnable<string | BaseMessage, T> {
  protected override defaultName(): string {
    return "JsonOutputParser";
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
    return this.outputSchema !== undefined ? super.getOutputJsonSchema() : { title: this.getName("Output"), description: "Any JSON value parsed from the text." };
  }

  /**
   * Parse a complete answer.
   * @throws ChainserveError `INTERNAL` ("Invalid json output: …") when the text holds no JSON.
   */
  parse(input: string | BaseMessage): T {
    const text = textOf(input).trim();
    const value = parseJsonMarkdown(text, { partial: true });
    if (value === undefined) throw new ChainserveError("INTERNAL", `Invalid json output: ${text}`);
    return value as T;
  }

  override invoke(input: string | BaseMessage, options?: RunnableConfig): Promise<T> {
    return this._callWithConfig(this.parse, input, options);
  }

  override transform(inputs: AsyncIterable<string | BaseMessage>, options?: RunnableConfig): AsyncGenerator<T> {
    return this._transformWithConfig(this.parsePartials, inputs, options);
  }

  // Re-parses the accumulated text per chunk (as LangChain does); the parser is a single
  // pass, so the cost is linear in the text so far.
  private async *parsePartials(inputs: AsyncIterable<string | BaseMessage>): AsyncGenerator<T> {
    let text = "";
    let previous: unknown;
    for await (const input of inputs) {
      text += textOf(input);
      const parsed = parseJsonMarkdown(text.trim(), { partial: true });
      if (parsed === undefined || deepEqual(parsed, previous)) continue;
      previous = parsed;
      // Each chunk is the whole object so far: accumulating must replace, not merge.
      yield (typeof parsed === "object" && parsed !== null ? markCumulative(parsed) : parsed) as T;
    }
  }
}

function textOf(input: string | BaseMessage): string {
  if (typeof input === "string") return input;
  if (input instanceof BaseMessage) return input.text;
  throw new ChainserveError("BAD_REQUEST", `JsonOutputParser expects a string or a message, got ${input === null ? "null" : typeof input}`);
}
