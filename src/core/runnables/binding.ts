import { mergeConfigs, type RunnableConfig } from "../config.js";
import { registry } from "../registry.js";
import { Runnable, type BatchOptions, type ConfigurableSpec } from "../runnable.js";

/**
 * A runnable with a config bound under every call's config (`withConfig`). It has no run
 * of its own: the bound runnable's run carries the merged config.
 */
export class RunnableBinding<RunInput = any, RunOutput = any> extends Runnable<RunInput, RunOutput> {
  /** The wrapped runnable. */
  readonly bound: Runnable<RunInput, RunOutput>;
  /** The bound config. */
  readonly config: RunnableConfig;

  constructor(fields: { bound: Runnable<RunInput, RunOutput>; config: RunnableConfig }) {
    super();
    this.bound = fields.bound;
    this.config = fields.config;
    this.inputSchema = this.bound.inputSchema;
    this.outputSchema = this.bound.outputSchema;
  }

  override getName(suffix?: string): string {
    return this.name === undefined ? this.bound.getName(suffix) : super.getName(suffix);
  }

  /** The wrapped runnable's schema (inferred ones included) unless other types were declared. */
  override getInputJsonSchema(): Record<string, unknown> {
    return this.inputSchema === this.bound.inputSchema ? this.bound.getInputJsonSchema() : super.getInputJsonSchema();
  }

  /** The wrapped runnable's output schema unless other types were declared. */
  override getOutputJsonSchema(): Record<string, unknown> {
    return this.outputSchema === this.bound.outputSchema ? this.bound.getOutputJsonSchema() : super.getOutputJsonSchema();
  }

  override getConfigurableSpecs(): ConfigurableSpec[] {
    return this.bound.getConfigurableSpecs();
  }

  private merged(options?: RunnableConfig): RunnableConfig {
    return options === undefined ? this.config : mergeConfigs(this.config, options);
  }

  override invoke(input: RunInput, options?: RunnableConfig): Promise<RunOutput> {
    return this.bound.invoke(input, this.merged(options));
  }

  override batch(inputs: RunInput[], options?: RunnableConfig | RunnableConfig[], batchOptions?: BatchOptions): Promise<any[]> {
    const configs = Array.isArray(options) ? options.map((o) => this.merged(o)) : this.merged(options);
    return this.bound.batch(inputs, configs, batchOptions);
  }

  override _streamIterator(input: RunInput, options?: RunnableConfig): AsyncGenerator<RunOutput> {
    return this.bound._streamIterator(input, this.merged(options));
  }

  override transform(inputs: AsyncIterable<RunInput>, options?: RunnableConfig): AsyncGenerator<RunOutput> {
    return this.bound.transform(inputs, this.merged(options));
  }
}

registry.binding = (bound, config) => new RunnableBinding({ bound, config });
