import { childConfig, type RunnableConfig } from "../config.js";
import { registry } from "../registry.js";
import { coerceToRunnable, Runnable, type RunnableLike, collectSpecs, type ConfigurableSpec } from "../runnable.js";
import { mapIterator, singleton, tee } from "../utils/iter.js";
import { mapInputJsonSchema, mapOutputJsonSchema } from "../schemas/object-schema.js";

/**
 * Runs every branch on the same input, concurrently. `invoke` returns an object with one
 * key per branch in declaration order; streaming yields `{ key: chunk }` as each branch
 * produces chunks.
 * @example
 * RunnableParallel.from({ extra: RunnablePassthrough.assign({ mult: (x) => x.num * 3 }), modified: (x) => x.num + 1 })
 */
export class RunnableMap<RunInput = any, RunOutput extends Record<string, any> = Record<string, any>> extends Runnable<RunInput, RunOutput> {
  /** The branches, by output key. */
  readonly steps: Record<string, Runnable>;
  private readonly keys: string[];
  private readonly tags: string[];

  constructor(fields: { steps: Record<string, RunnableLike> }) {
    super();
    this.steps = {};
    for (const [key, value] of Object.entries(fields.steps)) this.steps[key] = coerceToRunnable(value);
    this.keys = Object.keys(this.steps);
    this.tags = this.keys.map((key) => `map:key:${key}`);
  }

  /** Build from an object of runnables, functions or nested objects. */
  static from<I = any, O extends Record<string, any> = Record<string, any>>(steps: Record<string, RunnableLike<I>>): RunnableMap<I, O> {
    return new this<I, O>({ steps });
  }

  protected override defaultName(): string {
    return `RunnableParallel<${this.keys.join(",")}>`;
  }

  /** Declared schema, else the branches' object inputs merged (else the first branch input that says something). */
  override getInputJsonSchema(): Record<string, unknown> {
    return this.inputSchema !== undefined ? super.getInputJsonSchema() : mapInputJsonSchema(Object.values(this.steps), this.getName("Input"));
  }

  /** Declared schema, else an object with one property per branch: that branch's output schema. */
  override getOutputJsonSchema(): Record<string, unknown> {
    return this.outputSchema !== undefined ? super.getOutputJsonSchema() : mapOutputJsonSchema(this.steps, this.getName("Output"));
  }

  /** Configurable fields of the steps (so `/config_schema` and the server's config validation see them). */
  override getConfigurableSpecs(): ConfigurableSpec[] {
    return collectSpecs(Object.values(this.steps));
  }

  override invoke(input: RunInput, options?: RunnableConfig): Promise<RunOutput> {
    return this._callWithConfig(this.invokeBranches, input, options);
  }

  private async invokeBranches(input: RunInput, config: RunnableConfig): Promise<RunOutput> {
    const outputs = await Promise.all(
      this.keys.map((key, i) => (this.steps[key] as Runnable).invoke(input, childConfig(config, this.tags[i]))),
    );
    const result: Record<string, unknown> = {};
    this.keys.forEach((key, i) => {
      result[key] = outputs[i];
    });
    return result as RunOutput;
  }

  override _streamIterator(input: RunInput, options?: RunnableConfig): AsyncGenerator<RunOutput> {
    return this._streamWithConfig((value: RunInput, config: RunnableConfig) => this.merge(singleton(value), config), input, options);
  }

  override transform(inputs: AsyncIterable<RunInput>, options?: RunnableConfig): AsyncGenerator<RunOutput> {
    return this._transformWithConfig((values: AsyncIterable<RunInput>, config: RunnableConfig) => this.merge(values, config), inputs, options);
  }

  /** Pull every branch concurrently (one pending `next()` each) and yield chunks in arrival order. */
  private merge(inputs: AsyncIterable<RunInput>, config: RunnableConfig): AsyncGenerator<RunOutput> {
    if (this.keys.length !== 1) return this.mergeBranches(inputs, config);
    // One branch (`RunnablePassthrough.assign({ answer })` is the common case): its stream is
    // the output, each chunk under its key; no copy of the input, no merge loop.
    const key = this.keys[0] as string;
    const branch = (this.steps[key] as Runnable).transform(inputs, childConfig(config, this.tags[0]));
    return mapIterator(branch, (chunk: unknown) => ({ [key]: chunk }) as RunOutput);
  }

  private async *mergeBranches(inputs: AsyncIterable<RunInput>, config: RunnableConfig): AsyncGenerator<RunOutput> {
    const copies = tee(inputs, this.keys.length);
    const iterators = this.keys.map((key, i) =>
      (this.steps[key] as Runnable).transform(copies[i] as AsyncIterable<RunInput>, childConfig(config, this.tags[i])),
    ) as AsyncGenerator<unknown>[];
    // Settled pulls queue up in arrival order and the loop sleeps on one promise while none
    // is there. (A Promise.race over the pending pulls per chunk attached a reaction to every
    // branch each time: a rag stream allocated ~100 kB per request, GC ~20% of its CPU.)
    type Pulled = { index: number; result: IteratorResult<unknown> | undefined; error: unknown };
    const ready: Pulled[] = [];
    let wake: (() => void) | undefined;
    const arrive = (pulled: Pulled): void => {
      ready.push(pulled);
      const resume = wake;
      wake = undefined;
      resume?.();
    };
    // One pair of reactions per branch, made once (not two closures per chunk).
    const reactions = iterators.map((_, index) => [
      (result: IteratorResult<unknown>) => arrive({ index, result, error: undefined }),
      (error: unknown) => arrive({ index, result: undefined, error }),
    ] as const);
    const pull = (index: number): void => {
      const [onResult, onError] = reactions[index] as (typeof reactions)[number];
      (iterators[index] as AsyncGenerator<unknown>).next().then(onResult, onError);
    };
    const finished: boolean[] = iterators.map(() => false);
    let running = iterators.length;
    iterators.forEach((_, i) => pull(i));
    try {
      while (running > 0) {
        if (ready.length === 0) {
          await new Promise<void>((resolve) => {
            wake = resolve;
          });
        }
        const { index, result, error } = ready.shift() as Pulled;
        if (result === undefined) {
          finished[index] = true;
          throw error;
        }
        if (result.done === true) {
          finished[index] = true;
          running--;
          continue;
        }
        // Re-arm only after the consumer took the chunk (Python's order): the branch does not
        // run ahead of the enclosing runs, so per-token events stay in order.
        yield { [this.keys[index] as string]: result.value } as RunOutput;
        pull(index);
      }
    } finally {
      iterators.forEach((iterator, index) => {
        if (!finished[index]) iterator.return(undefined).catch(() => undefined);
      });
    }
  }
}

/** Same as {@link RunnableMap} (LangChain's two names for one class). */
export class RunnableParallel<RunInput = any, RunOutput extends Record<string, any> = Record<string, any>> extends RunnableMap<RunInput, RunOutput> {}

registry.coerce = (value: RunnableLike): Runnable => {
  if (typeof value === "function") {
    const make = registry.lambda;
    if (make === undefined) throw new Error("chainserve: RunnableLambda is not registered");
    return make(value as (input: unknown) => unknown);
  }
  if (typeof value === "object" && value !== null && (value as { lc_runnable?: unknown }).lc_runnable === true) {
    // LangChain.js runnables carry the same brand; they enter through the LangChain.js adapter.
    if (!Array.isArray((value as { lc_namespace?: unknown }).lc_namespace)) return value as Runnable;
    const adapt = registry.langchain;
    if (adapt === undefined) throw new Error("chainserve: the LangChain.js adapter is not registered");
    return adapt(value);
  }
  if (typeof value === "object" && value !== null && !Array.isArray(value)) {
    return new RunnableMap({ steps: value as Record<string, RunnableLike> });
  }
  throw new TypeError("Expected a Runnable, function or object.");
};
