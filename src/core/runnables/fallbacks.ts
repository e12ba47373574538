import { childConfig, type RunnableConfig } from "../config.js";
import { registry } from "../registry.js";
import { Runnable, type BatchOptions, collectSpecs, type ConfigurableSpec } from "../runnable.js";

/**
 * Tries the primary, then each fallback in order; returns the first success, or throws the
 * primary's error when all fail. Streams fall back only if no chunk was produced yet.
 */
export class RunnableWithFallbacks<RunInput = any, RunOutput = any> extends Runnable<RunInput, RunOutput> {
  /** The runnable tried first. */
  readonly runnable: Runnable<RunInput, RunOutput>;
  /** Tried in order after the primary fails. */
  readonly fallbacks: Runnable<RunInput, RunOutput>[];

  constructor(fields: { runnable: Runnable<RunInput, RunOutput>; fallbacks: Runnable<RunInput, RunOutput>[] }) {
    super();
    this.runnable = fields.runnable;
    this.fallbacks = fields.fallbacks;
    this.inputSchema = this.runnable.inputSchema;
    this.outputSchema = this.runnable.outputSchema;
  }

  protected override defaultName(): string {
    return "RunnableWithFallbacks";
  }

  /** Configurable fields of the steps (so `/config_schema` and the server's config validation see them). */
  /** The wrapped runnable's schema (inferred ones included) unless other types were declared. */
  override getInputJsonSchema(): Record<string, unknown> {
    return this.inputSchema === this.runnable.inputSchema ? this.runnable.getInputJsonSchema() : super.getInputJsonSchema();
  }

  /** The wrapped runnable's output schema unless other types were declared. */
  override getOutputJsonSchema(): Record<string, unknown> {
    return this.outputSchema === this.runnable.outputSchema ? this.runnable.getOutputJsonSchema() : super.getOutputJsonSchema();
  }

  override getConfigurableSpecs(): ConfigurableSpec[] {
    return collectSpecs(this.all);
  }

  private get all(): Runnable<RunInput, RunOutput>[] {
    return [this.runnable, ...this.fallbacks];
  }

  override invoke(input: RunInput, options?: RunnableConfig): Promise<RunOutput> {
    return this._callWithConfig(this.fallbackInvoke, input, options);
  }

  private async fallbackInvoke(input: RunInput, config: RunnableConfig): Promise<RunOutput> {
    let firstError: unknown;
    for (const runnable of this.all) {
      try {
        return await runnable.invoke(input, childConfig(config));
      } catch (error) {
        if (config.signal?.aborted === true) throw error;
        firstError ??= error;
      }
    }
    throw firstError;
  }

  override async batch(inputs: RunInput[], options?: RunnableConfig | RunnableConfig[], batchOptions?: BatchOptions): Promise<any[]> {
    if (batchOptions?.returnExceptions === true) throw new Error("returnExceptions is not supported by withFallbacks batch.");
    let firstError: unknown;
    for (const runnable of this.all) {
      try {
        return await runnable.batch(inputs, options, batchOptions);
      } catch (error) {
        firstError ??= error;
      }
    }
    throw firstError;
  }

  override _streamIterator(input: RunInput, options?: RunnableConfig): AsyncGenerator<RunOutput> {
    return this._streamWithConfig(this.fallbackStream, input, options);
  }

  private async *fallbackStream(input: RunInput, config: RunnableConfig): AsyncGenerator<RunOutput> {
    let firstError: unknown;
    for (const runnable of this.all) {
      const stream = runnable._streamIterator(input, childConfig(config));
      let first: IteratorResult<RunOutput>;
      try {
        first = await stream.next();
      } catch (error) {
        if (config.signal?.aborted === true) throw error;
        firstError ??= error;
        continue;
      }
      if (first.done === true) return;
      yield first.value;
      yield* stream;
      return;
    }
    throw firstError;
  }
}

registry.fallbacks = (primary, fallbacks) => new RunnableWithFallbacks({ runnable: primary, fallbacks });
