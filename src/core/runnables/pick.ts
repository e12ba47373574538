import type { RunnableConfig } from "../config.js";
import { registry } from "../registry.js";
import { Runnable } from "../runnable.js";
import { singleton } from "../utils/iter.js";

/**
 * Picks keys from an object: one key gives its value; a list gives an object of the keys
 * present (or undefined if none is). Streaming picks each chunk and drops empty picks.
 */
export class RunnablePick<RunInput extends Record<string, any> = Record<string, any>, RunOutput = any> extends Runnable<RunInput, RunOutput> {
  /** The key or keys to pick. */
  readonly keys: string | string[];

  constructor(keys: string | string[] | { keys: string | string[] }) {
    super();
    this.keys = typeof keys === "object" && !Array.isArray(keys) ? keys.keys : keys;
  }

  protected override defaultName(): string {
    return `RunnablePick<${typeof this.keys === "string" ? this.keys : this.keys.join(",")}>`;
  }

  private pickFrom(input: RunInput): RunOutput {
    if (typeof input !== "object" || input === null) {
      throw new TypeError(`RunnablePick can only pick from objects, got ${input === null ? "null" : typeof input}`);
    }
    if (typeof this.keys === "string") return input[this.keys] as RunOutput;
    let out: Record<string, unknown> | undefined;
    for (const key of this.keys) {
      const value = input[key];
      if (value !== undefined) (out ??= {})[key] = value;
    }
    return out as RunOutput;
  }

  override invoke(input: RunInput, options?: RunnableConfig): Promise<RunOutput> {
    return this._callWithConfig((value: RunInput) => this.pickFrom(value), input, options);
  }

  override _streamIterator(input: RunInput, options?: RunnableConfig): AsyncGenerator<RunOutput> {
    return this._streamWithConfig((value: RunInput) => this.pickStream(singleton(value)), input, options);
  }

  override transform(inputs: AsyncIterable<RunInput>, options?: RunnableConfig): AsyncGenerator<RunOutput> {
    return this._transformWithConfig((values: AsyncIterable<RunInput>) => this.pickStream(values), inputs, options);
  }

  private async *pickStream(inputs: AsyncIterable<RunInput>): AsyncGenerator<RunOutput> {
    for await (const chunk of inputs) {
      const picked = this.pickFrom(chunk);
      if (picked !== undefined) yield picked;
    }
  }
}

registry.pick = (keys) => new RunnablePick(keys);
