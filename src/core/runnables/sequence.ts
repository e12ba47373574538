import { childConfig, RUN_CONTEXT, throwIfAborted, type RunnableConfig } from "../config.js";
import { registry } from "../registry.js";
import { coerceToRunnable, Runnable, toError, type BatchOptions, type RunnableLike, collectSpecs, type ConfigurableSpec } from "../runnable.js";
import { singleton } from "../utils/iter.js";

/**
 * Steps run one after another, each fed the previous output. Streams through every
 * step's `transform`, so output streams from the last step that produces a stream.
 * @example
 * const chain = RunnableSequence.from([prompt, model, new StrOutputParser()]);
 */
export class RunnableSequence<RunInput = any, RunOutput = any> extends Runnable<RunInput, RunOutput> {
  /** The steps, flattened. */
  readonly steps: Runnable[];
  private readonly stepTags: string[];

  constructor(fields: { steps: Runnable[]; name?: string }) {
    super();
    if (fields.steps.length < 2) throw new Error("RunnableSequence must have at least 2 steps.");
    this.steps = fields.steps;
    this.stepTags = this.steps.map((_, i) => `seq:step:${i + 1}`);
    if (fields.name !== undefined) this.name = fields.name;
    this.inputSchema = this.steps[0]?.inputSchema;
    this.outputSchema = this.steps[this.steps.length - 1]?.outputSchema;
  }

  /** Build from steps (functions and plain objects are coerced; nested unnamed sequences flatten). */
  static from<I = any, O = any>(steps: [RunnableLike<I>, ...RunnableLike[]], name?: string): RunnableSequence<I, O> {
    const flat: Runnable[] = [];
    for (const step of steps) {
      const runnable = coerceToRunnable(step);
      if (runnable instanceof RunnableSequence && runnable.name === undefined) flat.push(...runnable.steps);
      else flat.push(runnable);
    }
    return new RunnableSequence<I, O>(name === undefined ? { steps: flat } : { steps: flat, name });
  }

  protected override defaultName(): string {
    return "RunnableSequence";
  }

  /** Configurable fields of the steps (so `/config_schema` and the server's config validation see them). */
  override getConfigurableSpecs(): ConfigurableSpec[] {
    return collectSpecs(this.steps);
  }

  /** The first step's input schema (as LangChain reports a sequence's input). */
  override getInputJsonSchema(): Record<string, unknown> {
    return this.inputSchema === (this.steps[0] as Runnable).inputSchema ? (this.steps[0] as Runnable).getInputJsonSchema() : super.getInputJsonSchema();
  }

  /** The last step's output schema. */
  override getOutputJsonSchema(): Record<string, unknown> {
    const last = this.steps[this.steps.length - 1] as Runnable;
    return this.outputSchema === last.outputSchema ? last.getOutputJsonSchema() : super.getOutputJsonSchema();
  }

  override invoke(input: RunInput, options?: RunnableConfig): Promise<RunOutput> {
    return this._callWithConfig(this.invokeSteps, input, options);
  }

  private async invokeSteps(input: RunInput, config: RunnableConfig): Promise<RunOutput> {
    let value: unknown = input;
    const steps = this.steps;
    for (let i = 0; i < steps.length; i++) {
      throwIfAborted(config);
      value = await (steps[i] as Runnable).invoke(value, childConfig(config, this.stepTags[i]));
    }
    return value as RunOutput;
  }

  override _streamIterator(input: RunInput, options?: RunnableConfig): AsyncGenerator<RunOutput> {
    return this._streamWithConfig((value: RunInput, config: RunnableConfig) => this.chain(singleton(value), config), input, options);
  }

  override transform(inputs: AsyncIterable<RunInput>, options?: RunnableConfig): AsyncGenerator<RunOutput> {
    return this._transformWithConfig((values: AsyncIterable<RunInput>, config: RunnableConfig) => this.chain(values, config), inputs, options);
  }

  private chain(inputs: AsyncIterable<unknown>, config: RunnableConfig): AsyncIterable<RunOutput> {
    let stream: AsyncIterable<unknown> = inputs;
    for (let i = 0; i < this.steps.length; i++) {
      stream = (this.steps[i] as Runnable).transform(stream, childConfig(config, this.stepTags[i]));
    }
    return stream as AsyncIterable<RunOutput>;
  }

  /**
   * Step-wise batch (each step batched over all inputs). With `returnExceptions`, an item
   * that failed skips the later steps and its error is returned in place (Python semantics).
   */
  override async batch(
    inputs: RunInput[],
    options?: Partial<RunnableConfig> | Partial<RunnableConfig>[],
    batchOptions?: BatchOptions,
  ): Promise<any[]> {
    const configs = this.batchConfigs(inputs, options);
    // Traced or named calls need one sequence run per input: invoke each.
    if (configs.some((c) => c.runName !== undefined || c.runId !== undefined || c[RUN_CONTEXT] !== undefined)) {
      return super.batch(inputs, configs, batchOptions);
    }
    const returnExceptions = batchOptions?.returnExceptions === true;
    const values: unknown[] = [...inputs];
    const failed: (Error | undefined)[] = new Array<Error | undefined>(inputs.length);
    for (let s = 0; s < this.steps.length; s++) {
      const live: number[] = [];
      for (let i = 0; i < inputs.length; i++) if (failed[i] === undefined) live.push(i);
      if (live.length === 0) break;
      const step = this.steps[s] as Runnable;
      const tag = this.stepTags[s];
      const results = await step.batch(
        live.map((i) => values[i]),
        live.map((i) => childConfig(configs[i] as RunnableConfig, tag)),
        { returnExceptions, maxConcurrency: batchOptions?.maxConcurrency },
      );
      live.forEach((i, k) => {
        const result = results[k];
        if (returnExceptions && result instanceof Error) failed[i] = toError(result);
        else values[i] = result;
      });
    }
    return values.map((value, i) => failed[i] ?? value);
  }
}

registry.sequence = (steps) => RunnableSequence.from(steps as [Runnable, ...Runnable[]]);
