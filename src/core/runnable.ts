/**
 * The Runnable contract: `invoke` is the one abstract method; `batch`, `stream`,
 * `transform`, `streamLog` and `streamEvents` are derived. Composition methods return new
 * objects and never mutate. Tracing hooks (`_callWithConfig`, `_streamWithConfig`,
 * `_transformWithConfig`) cost nothing when no listener is attached to the config.
 */
// Type-only: the core must not pull zod into bundles that never declare schemas (the
// browser client); declared schemas bring their own zod and its `toJSONSchema` method.
import type { z } from "zod";
import {
  childConfig,
  copyConfig,
  copyWithoutRunKeys,
  ensureConfig,
  RUN_CONTEXT,
  SIGNAL_RACED,
  type RunnableConfig,
} from "./config.js";
import { concat } from "./concat.js";
import { registry, need, type ConfigurableFieldSpec, type RetryOptions } from "./registry.js";
import { createRun, type Run, type RunContext, type RunType } from "./tracing/run.js";
import { abortable } from "./utils/abortable.js";
import { deferredIterator, mapLimit } from "./utils/iter.js";
import { raceSignal } from "./utils/signal.js";
// Type-only: the tracers register themselves (src/core/index.ts loads them), so bundles that
// never trace locally, such as the browser client, leave them out.
import type { StreamLogOptions, RunLogPatch, RunLog } from "./tracing/stream-log.js";
import type { StreamEvent, StreamEventsOptions, EventFilters } from "./tracing/stream-events.js";
import { assignOwn, copied } from "./utils/objects.js";
import type { LangChainOutput, LangChainRunnableLike } from "./langchain/detect.js";
import {
  asGenerator,
  invokeLater,
  racedChildConfig,
  resume,
  tapInput,
  tracedIterator,
  unracedSignal,
} from "./runnable-internals.js";

/** Anything `pipe`, `RunnableSequence.from` and parallel maps accept as a step. */
export type RunnableLike<I = any, O = any> =
  | Runnable<I, O>
  | LangChainRunnableLike<I, O>
  | ((input: I, config: RunnableConfig) => O | Promise<O> | AsyncIterable<O> | Iterable<O> | Runnable<I, O>)
  | { [key: string]: RunnableLike<I, unknown> };

/** Options of `batch`. */
export interface BatchOptions {
  /** Place each failure's error at its index instead of rejecting the whole batch. */
  returnExceptions?: boolean;
  /** Most calls in flight; a `maxConcurrency` in the config wins. */
  maxConcurrency?: number;
}

/**
 * Whether a value is a chainserve Runnable (by brand, so copies of the package interoperate).
 * LangChain.js runnables carry the same `lc_runnable` brand but are `Serializable`, with an
 * `lc_namespace`: they are not chainserve runnables (see `fromLangChain`).
 */
export function isRunnable(value: unknown): value is Runnable {
  return (
    typeof value === "object" &&
    value !== null &&
    (value as { lc_runnable?: unknown }).lc_runnable === true &&
    !Array.isArray((value as { lc_namespace?: unknown }).lc_namespace)
  );
}

/**
 * Base class of every runnable.
 * @example
 * class Upper extends Runnable<string, string> {
 *   invoke(input: string, config?: RunnableConfig) {
 *     return this._callWithConfig((s: string) => s.toUpperCase(), input, config);
 *   }
 * }
 */
export abstract class Runnable<RunInput = any, RunOutput = any, CallOptions extends RunnableConfig = RunnableConfig> {
  /** Brand checked by {@link isRunnable}. */
  readonly lc_runnable = true;
  /** Name given by the user; the default name is the class's. */
  name?: string;
  /** Declared input schema (zod), used for validation, `/input_schema` and types. */
  inputSchema?: z.ZodType;
  /** Declared output schema (zod). */
  outputSchema?: z.ZodType;

  /** Turn one input into one output. */
  abstract invoke(input: RunInput, options?: CallOptions): Promise<RunOutput>;

  /** Default run name when neither `runName` nor `name` is set (Python LangChain's names). */
  protected defaultName(): string {
    return this.constructor.name;
  }

  /** The run name: `name` if set, else the default name. */
  getName(suffix?: string): string {
    const name = this.name ?? this.defaultName();
    return suffix === undefined ? name : `${name}${suffix}`;
  }

  /** The run type reported to tracers. */
  protected runType(): RunType {
    return "chain";
  }

  /** Extra metadata for this runnable's runs (e.g. `ls_provider`). */
  protected tracingMetadata(): Record<string, unknown> | undefined {
    return undefined;
  }

  /** JSON Schema of the input: the declared zod schema, else "anything". */
  getInputJsonSchema(): Record<string, unknown> {
    return jsonSchemaOf(this.inputSchema, `${this.getName()}Input`);
  }

  /** JSON Schema of the output: the declared zod schema, else "anything". */
  getOutputJsonSchema(): Record<string, unknown> {
    return jsonSchemaOf(this.outputSchema, `${this.getName()}Output`);
  }

  /** Configurable fields this runnable exposes (see `configurableFields`). */
  getConfigurableSpecs(): ConfigurableSpec[] {
    return [];
  }

  // ---------------------------------------------------------------- batch / stream

  /**
   * Invoke over many inputs, results in input order. `options` is one config for all
   * or one per input (same length). With `returnExceptions`, failures are placed at
   * their index instead of rejecting.
   */
  batch(inputs: RunInput[], options?: Partial<CallOptions> | Partial<CallOptions>[], batchOptions?: BatchOptions & { returnExceptions?: false }): Promise<RunOutput[]>;
  batch(inputs: RunInput[], options: Partial<CallOptions> | Partial<CallOptions>[] | undefined, batchOptions: BatchOptions & { returnExceptions: true }): Promise<(RunOutput | Error)[]>;
  batch(inputs: RunInput[], options?: Partial<CallOptions> | Partial<CallOptions>[], batchOptions?: BatchOptions): Promise<(RunOutput | Error)[]>;
  async batch(
    inputs: RunInput[],
    options?: Partial<CallOptions> | Partial<CallOptions>[],
    batchOptions?: BatchOptions,
  ): Promise<(RunOutput | Error)[]> {
    const configs = this.batchConfigs(inputs, options);
    const limit = configs[0]?.maxConcurrency ?? batchOptions?.maxConcurrency;
    if (batchOptions?.returnExceptions === true) {
      return mapLimit(inputs, limit, (input, i) =>
        this.invoke(input, configs[i]).catch((error: unknown) => toError(error)),
      );
    }
    return mapLimit(inputs, limit, (input, i) => this.invoke(input, configs[i]));
  }

  /** One config per input (validates the length of a config list; a runId only goes to the first). */
  protected batchConfigs(inputs: unknown[], options?: Partial<CallOptions> | Partial<CallOptions>[]): CallOptions[] {
    if (Array.isArray(options)) {
      if (options.length !== inputs.length) {
        throw new Error(
          `Passed "options" must be an array with the same length as the inputs, but got ${options.length} options for ${inputs.length} inputs`,
        );
      }
      return options.map((o) => ensureConfig(o as CallOptions));
    }
    const base = ensureConfig(options as CallOptions | undefined);
    if (base.runId === undefined || inputs.length <= 1) return inputs.map(() => base);
    const rest = copied(base);
    delete rest.runId;
    return inputs.map((_, i) => (i === 0 ? base : rest));
  }

  /**
   * Stream the output. Resolves once the first chunk exists (an error before it rejects
   * here; a later one is thrown by the iterator).
   */
  async stream(input: RunInput, options?: Partial<CallOptions>): Promise<AsyncGenerator<RunOutput>> {
    const generator = this._streamIterator(input, ensureConfig(options as CallOptions | undefined));
    const first = await generator.next();
    return resume(first, generator);
  }

  /**
   * The streaming implementation behind `stream`. Default: one chunk, the `invoke` result.
   * Subclasses that really stream override it, usually through `_streamWithConfig`.
   */
  async *_streamIterator(input: RunInput, options?: CallOptions): AsyncGenerator<RunOutput> {
    yield await this.invoke(input, options);
  }

  /**
   * Streaming input to streaming output, as sequences chain their steps. Default: buffer
   * the whole input by `+`-concatenation, then stream the output for it.
   */
  transform(inputs: AsyncIterable<RunInput>, options?: CallOptions): AsyncGenerator<RunOutput> {
    // Deferred rather than `yield*`: the output stream is handed through without a layer.
    return deferredIterator(async () => {
      let final: RunInput | undefined;
      let seen = false;
      for await (const chunk of inputs) {
        final = seen ? (concat(final, chunk) as RunInput) : chunk;
        seen = true;
      }
      return this._streamIterator(final as RunInput, options);
    });
  }

  /**
   * Stream the run log as JSON-patch operations (LangServe's stream_log form): first
   * `replace ""` with the root state, then one patch per event. With `diff: false`,
   * yields the accumulated states instead.
   */
  streamLog(input: RunInput, options?: Partial<CallOptions>, streamOptions?: StreamLogOptions & { diff?: true }): AsyncGenerator<RunLogPatch>;
  streamLog(input: RunInput, options: Partial<CallOptions> | undefined, streamOptions: StreamLogOptions & { diff: false }): AsyncGenerator<RunLog>;
  streamLog(input: RunInput, options?: Partial<CallOptions>, streamOptions?: StreamLogOptions): AsyncGenerator<RunLogPatch | RunLog>;
  streamLog(input: RunInput, options?: Partial<CallOptions>, streamOptions?: StreamLogOptions): AsyncGenerator<RunLogPatch | RunLog> {
    return need("streamLog")(this, input, ensureConfig(options as CallOptions | undefined), streamOptions ?? {});
  }

  /** Stream v2 events for this run and every run under it (filters as in streamLog). */
  streamEvents(input: RunInput, options: Partial<CallOptions> & StreamEventsOptions, filters?: EventFilters): AsyncGenerator<StreamEvent> {
    const version = options.version;
    if (version !== "v2" && version !== "v1") {
      throw new Error('Only versions "v1" and "v2" of the schema are currently supported.');
    }
    const config = copyConfig(options as unknown as CallOptions, VERSION_KEY);
    return need("streamEvents")(this, input, ensureConfig(config), filters ?? {});
  }

  // ---------------------------------------------------------------- composition

  /**
   * `this` then `next`, as a sequence (sequences flatten). A LangChain.js runnable is
   * converted (`fromLangChain`); its input is not checked against this output, since values
   * are converted between the libraries at run time.
   */
  pipe<R extends LangChainRunnableLike>(next: R): Runnable<RunInput, LangChainOutput<R>>;
  pipe<NewOutput>(next: RunnableLike<RunOutput, NewOutput>): Runnable<RunInput, Exclude<NewOutput, Runnable | Promise<unknown>>>;
  pipe<NewOutput>(next: RunnableLike<RunOutput, NewOutput>): Runnable<RunInput, Exclude<NewOutput, Runnable | Promise<unknown>>> {
    return need("sequence")([this, need("coerce")(next)]);
  }

  /** The same runnable with `config` merged under every call's config. */
  withConfig(config: Partial<CallOptions>): Runnable<RunInput, RunOutput, CallOptions> {
    return need("binding")(this, config as RunnableConfig);
  }

  /** Retry `invoke` (and `batch` items) on failure; streams are not retried (as in LangChain). */
  withRetry(options: RetryOptions = {}): Runnable<RunInput, RunOutput, CallOptions> {
    return need("retry")(this, options);
  }

  /** Try `fallbacks` in order when this runnable fails. */
  withFallbacks(fallbacks: Runnable<RunInput, RunOutput>[] | { fallbacks: Runnable<RunInput, RunOutput>[] }): Runnable<RunInput, RunOutput, CallOptions> {
    return need("fallbacks")(this, Array.isArray(fallbacks) ? fallbacks : fallbacks.fallbacks);
  }

  /** Pipe into `RunnablePassthrough.assign(mapping)`. */
  assign(mapping: Record<string, RunnableLike>): Runnable<RunInput, Record<string, unknown>> {
    return this.pipe(need("assign")(mapping));
  }

  /** Pipe into `RunnablePick(keys)`. */
  pick(keys: string | string[]): Runnable<RunInput, any> {
    return this.pipe(need("pick")(keys));
  }

  /** Declare input/output zod schemas (for validation, JSON Schema and types). */
  withTypes<I extends z.ZodType, O extends z.ZodType>(types: { input?: I; output?: O }): Runnable<z.infer<I>, z.infer<O>, CallOptions> {
    const copy = need("binding")(this, {}) as Runnable<z.infer<I>, z.infer<O>, CallOptions>;
    if (types.input !== undefined) copy.inputSchema = types.input;
    if (types.output !== undefined) copy.outputSchema = types.output;
    return copy;
  }

  /** Let callers override fields of this runnable per call via `config.configurable[spec.id]`. */
  configurableFields(fields: Record<string, ConfigurableFieldSpec>): Runnable<RunInput, RunOutput, CallOptions> {
    return need("configurableFields")(this, fields);
  }

  /** Let callers choose another runnable per call via `config.configurable[which.id]`. */
  configurableAlternatives(options: {
    which: ConfigurableFieldSpec;
    defaultKey?: string;
    alternatives: Record<string, Runnable<RunInput, RunOutput>>;
  }): Runnable<RunInput, RunOutput, CallOptions> {
    return need("configurableAlternatives")(this, options);
  }

  // ---------------------------------------------------------------- tracing hooks

  /**
   * Run `fn` as this runnable's run: opens a run when traced, races the config's signal,
   * and hands `fn` the child config (no runName/runId; attached to this run when traced).
   */
  protected async _callWithConfig<I, O>(
    fn: (input: I, config: CallOptions) => O | Promise<O>,
    input: I,
    options?: Partial<CallOptions>,
  ): Promise<O> {
    const config = ensureConfig(options as CallOptions | undefined);
    const ctx = config[RUN_CONTEXT];
    if (ctx === undefined) {
      const signal = unracedSignal(config);
      if (signal === undefined) return fn.call(this, input, childConfig(config));
      return raceSignal(invokeLater(fn, this, input, racedChildConfig(config, signal)), signal);
    }
    const run = this.startRun(ctx, config, input, true);
    const signal = unracedSignal(config);
    const inner = this.innerConfig(config, ctx, run, signal);
    try {
      const output = await raceSignal(invokeLater(fn, this, input, inner), signal);
      ctx.listener.onEnd(run, output);
      return output;
    } catch (error) {
      ctx.listener.onError(run, error);
      throw error;
    }
  }

  /**
   * Stream `generate(input)` as this runnable's run: with tracing, every chunk is reported
   * (before it is yielded, so events bubble inside-out) and accumulated for the run's end.
   */
  protected _streamWithConfig<I, O>(
    generate: (input: I, config: CallOptions) => AsyncIterable<O>,
    input: I,
    options?: Partial<CallOptions>,
  ): AsyncGenerator<O> {
    const config = ensureConfig(options as CallOptions | undefined);
    // Untraced and nothing to race: hand out the source itself. Every async-generator layer
    // costs promise jobs per chunk, and a streamed chain stacks several of these.
    if (config[RUN_CONTEXT] === undefined && unracedSignal(config) === undefined) {
      return asGenerator(generate.call(this, input, childConfig(config)));
    }
    return this.streamWithConfigSlow(generate, input, config);
  }

  private streamWithConfigSlow<I, O>(
    generate: (input: I, config: CallOptions) => AsyncIterable<O>,
    input: I,
    config: CallOptions,
  ): AsyncGenerator<O> {
    return this.runStream(generate, input, config, (ctx) => ({ run: this.startRun(ctx, config, input, true), source: input }));
  }

  /**
   * Transform a stream as this runnable's run. With tracing, the run starts when the first
   * input chunk arrives (its input is unknown at start and reported, accumulated, at end).
   */
  protected _transformWithConfig<I, O>(
    generate: (inputs: AsyncIterable<I>, config: CallOptions) => AsyncIterable<O>,
    inputs: AsyncIterable<I>,
    options?: Partial<CallOptions>,
  ): AsyncGenerator<O> {
    const config = ensureConfig(options as CallOptions | undefined);
    if (config[RUN_CONTEXT] === undefined && unracedSignal(config) === undefined) {
      return asGenerator(generate.call(this, inputs, childConfig(config)));
    }
    return this.transformWithConfigSlow(generate, inputs, config);
  }

  private transformWithConfigSlow<I, O>(
    generate: (inputs: AsyncIterable<I>, config: CallOptions) => AsyncIterable<O>,
    inputs: AsyncIterable<I>,
    config: CallOptions,
  ): AsyncGenerator<O> {
    return this.runStream(generate, inputs, config, async (ctx) => {
      const iterator = inputs[Symbol.asyncIterator]();
      const first = await iterator.next();
      const run = this.startRun(ctx, config, undefined, false);
      return { run, source: tapInput(first, iterator, run) };
    });
  }

  /**
   * `generate(source)` as this runnable's run, or racing the config's signal when untraced.
   * Not a generator: behind a deferred start (on the first next(), as a generator body would
   * run), a traced run's stream is one hand-written iterator (tracedIterator), one `then` per
   * chunk instead of two generator layers. `open` starts the run and says what `generate` reads.
   */
  private runStream<S, O>(
    generate: (source: S, config: CallOptions) => AsyncIterable<O>,
    source: S,
    config: CallOptions,
    open: (ctx: RunContext) => { run: Run; source: S } | Promise<{ run: Run; source: S }>,
  ): AsyncGenerator<O> {
    return deferredIterator(async () => {
      const ctx = config[RUN_CONTEXT];
      const signal = unracedSignal(config);
      if (ctx === undefined) {
        const inner = signal === undefined ? childConfig(config) : racedChildConfig(config, signal);
        return abortable(generate.call(this, source, inner), signal)[Symbol.asyncIterator]();
      }
      const opening = open(ctx);
      const opened = opening instanceof Promise ? await opening : opening;
      const inner = this.innerConfig(config, ctx, opened.run, signal);
      return tracedIterator(opened.run, ctx, abortable(generate.call(this, opened.source, inner), signal));
    });
  }

  private startRun(ctx: RunContext, config: CallOptions, input: unknown, inputKnown: boolean): Run {
    return createRun(ctx, {
      name: config.runName ?? this.getName(),
      runType: this.runType(),
      tags: config.tags ?? [],
      metadata: config.metadata ?? {},
      extraMetadata: this.tracingMetadata(),
      runId: config.runId,
      input,
      inputKnown,
    });
  }

  private innerConfig(config: CallOptions, ctx: RunContext, run: Run, racedSignal?: AbortSignal): CallOptions {
    const inner = copyWithoutRunKeys(config);
    inner[RUN_CONTEXT] = { listener: ctx.listener, parent: run, tag: undefined };
    if (racedSignal !== undefined) inner[SIGNAL_RACED] = racedSignal;
    return inner;
  }
}

/** A configurable field exposed by a runnable (for `/config_schema`). */
export interface ConfigurableSpec {
  /** Key under `config.configurable`. */
  id: string;
  /** Human name. */
  name?: string;
  /** Description. */
  description?: string;
  /** Default value. */
  default: unknown;
  /** Zod schema of the value. */
  schema: z.ZodType;
}

function jsonSchemaOf(schema: z.ZodType | undefined, title: string): Record<string, unknown> {
  if (schema === undefined) return { title };
  const json = schema.toJSONSchema({ unrepresentable: "any", io: "input" }) as Record<string, unknown>;
  delete json.$schema;
  return assignOwn({ title }, json);
}

const VERSION_KEY: readonly string[] = ["version"];

/** Wrap a non-Error throwable so `returnExceptions` always places an Error. */
export function toError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

/** Turn a function, runnable or object into a runnable (see RunnableLike). */
export function coerceToRunnable<I = any, O = any>(value: RunnableLike<I, O>): Runnable<I, O> {
  const coerce = registry.coerce;
  if (coerce === undefined) return need("coerce")(value);
  return coerce(value) as Runnable<I, O>;
}

/** The configurable specs of several runnables, first declaration of an id wins. */
export function collectSpecs(runnables: Iterable<Runnable>): ConfigurableSpec[] {
  const out: ConfigurableSpec[] = [];
  const seen = new Set<string>();
  for (const runnable of runnables) {
    for (const spec of runnable.getConfigurableSpecs()) {
      if (seen.has(spec.id)) continue;
      seen.add(spec.id);
      out.push(spec);
    }
  }
  return out;
}
