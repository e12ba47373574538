/**
 * `LangChainRunnable`: one LangChain.js runnable (a prompt, chat model, parser, retriever,
 * tool, lambda, or anything that `fromLangChain` does not rebuild natively) running as a
 * chainserve runnable. Inputs go in as LangChain.js values, outputs come out as chainserve's;
 * `config.signal` reaches the LangChain.js call; when the call is traced, a
 * {@link CallbackBridge} reports its runs to chainserve's tracers as runs of this call.
 */
import { concat } from "../concat.js";
import { BaseMessage } from "../messages/base.js";
import { ensureConfig, RUN_CONTEXT, type RunnableConfig } from "../config.js";
import { Runnable, type ConfigurableSpec } from "../runnable.js";
import type { RunType } from "../tracing/run.js";
import { CallbackBridge } from "./bridge.js";
import { fromLangChainValue, loadLangChainClasses, toLangChainValue, type LangChainClasses } from "./convert.js";
import { checkModelInput, fromLangChainError } from "./errors.js";
import { langChainInputSchema, langChainKindInputSchema, langChainOutputSchema, langChainRunType } from "./schemas.js";

/** What the adapter calls on a LangChain.js runnable (0.3.x and 1.x share it). */
export interface LangChainCallable {
  lc_namespace: string[];
  invoke(input: unknown, options?: Record<string, unknown>): Promise<unknown>;
  stream(input: unknown, options?: Record<string, unknown>): Promise<AsyncIterable<unknown>>;
  transform?(inputs: AsyncIterable<unknown>, options?: Record<string, unknown>): AsyncIterable<unknown>;
  getName(suffix?: string): string;
}

const BUFFERED_TYPES: ReadonlySet<RunType> = new Set<RunType>(["prompt", "chat_model", "llm", "retriever", "tool"]);

/** Chain classes that add up their whole input before they run, in LangChain.js as in chainserve (runnable-semantics A.7). */
const BUFFERED_CLASSES: ReadonlySet<string> = new Set(["RunnableLambda"]);

function buffersInput(langchain: LangChainCallable, kind: RunType): boolean {
  if (typeof langchain.transform !== "function" || BUFFERED_TYPES.has(kind)) return true;
  const ctor = langchain.constructor as { lc_name?: () => string; name: string };
  return BUFFERED_CLASSES.has(typeof ctor.lc_name === "function" ? ctor.lc_name() : ctor.name);
}

/** The LangChain.js call config for a chainserve config (plus the bridge when traced). */
function langChainConfig(config: RunnableConfig, bridge: CallbackBridge | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = { tags: config.tags ?? [], metadata: config.metadata ?? {} };
  if (config.runName !== undefined) out.runName = config.runName;
  if (config.runId !== undefined) out.runId = config.runId;
  if (config.configurable !== undefined) out.configurable = config.configurable;
  if (config.maxConcurrency !== undefined) out.maxConcurrency = config.maxConcurrency;
  if (config.recursionLimit !== undefined) out.recursionLimit = config.recursionLimit;
  const signal = config.signal;
  if (signal !== undefined) out.signal = signal;
  if (bridge !== undefined) out.callbacks = [bridge];
  return out;
}

/**
 * A LangChain.js runnable as a chainserve runnable (see the module doc). Made by
 * `fromLangChain`, which rebuilds LangChain.js's composition classes natively and wraps
 * everything else in this.
 */
export class LangChainRunnable<RunInput = any, RunOutput = any> extends Runnable<RunInput, RunOutput> {
  /** The wrapped LangChain.js runnable. */
  readonly langchain: LangChainCallable;
  private readonly kind: RunType;
  private readonly classes: Partial<LangChainClasses> | undefined;

  /** `classes`: the chain's own `@langchain/core` modules, when not the ones `import()` finds. */
  constructor(langchain: LangChainCallable, classes?: Partial<LangChainClasses>) {
    super();
    this.langchain = langchain;
    this.classes = classes;
    this.kind = langChainRunType(langchain);
    const schema = langChainInputSchema(langchain);
    if (schema !== undefined) this.inputSchema = schema.zod;
  }

  protected override defaultName(): string {
    return this.langchain.getName();
  }

  protected override runType(): RunType {
    return this.kind;
  }

  override getInputJsonSchema(): Record<string, unknown> {
    return langChainInputSchema(this.langchain)?.json ?? langChainKindInputSchema(this.langchain, this.getName()) ?? super.getInputJsonSchema();
  }

  override getOutputJsonSchema(): Record<string, unknown> {
    return langChainOutputSchema(this.langchain, this.getName()) ?? super.getOutputJsonSchema();
  }

  override getConfigurableSpecs(): ConfigurableSpec[] {
    return [];
  }

  override async invoke(input: RunInput, options?: RunnableConfig): Promise<RunOutput> {
    const config = ensureConfig(options);
    checkModelInput(this.kind, input);
    const lc = await this.langChainClasses();
    const bridge = this.bridgeFor(config, input, true, false);
    let output: RunOutput;
    try {
      output = fromLangChainValue(await this.langchain.invoke(toLangChainValue(input, lc), langChainConfig(config, bridge))) as RunOutput;
    } catch (error) {
      throw fromLangChainError(error);
    }
    if (this.kind === "chat_model") giveId(output, `run--${bridge?.rootId ?? config.runId ?? crypto.randomUUID()}-0`);
    bridge?.finishRoot(output);
    return output;
  }

  override async *_streamIterator(input: RunInput, options?: RunnableConfig): AsyncGenerator<RunOutput> {
    const config = ensureConfig(options);
    checkModelInput(this.kind, input);
    const lc = await this.langChainClasses();
    const bridge = this.bridgeFor(config, input, true, true);
    let stream: AsyncIterable<unknown>;
    try {
      stream = await this.langchain.stream(toLangChainValue(input, lc), langChainConfig(config, bridge));
    } catch (error) {
      throw fromLangChainError(error);
    }
    yield* this.convertStream(stream, bridge);
  }

  override transform(inputs: AsyncIterable<RunInput>, options?: RunnableConfig): AsyncGenerator<RunOutput> {
    // Components that need their whole input (prompts, models, retrievers, tools, lambdas)
    // take it buffered, as chainserve's own do, so their runs start with a known input.
    if (buffersInput(this.langchain, this.kind)) return super.transform(inputs, options);
    return this.transformLangChain(inputs, ensureConfig(options));
  }

  private async *transformLangChain(inputs: AsyncIterable<RunInput>, config: RunnableConfig): AsyncGenerator<RunOutput> {
    const lc = await this.langChainClasses();
    const bridge = this.bridgeFor(config, undefined, false, true);
    const stream = (this.langchain.transform as NonNullable<LangChainCallable["transform"]>)(convertInputs(inputs, lc, bridge), langChainConfig(config, bridge));
    yield* this.convertStream(stream, bridge);
  }

  private async *convertStream(stream: AsyncIterable<unknown>, bridge: CallbackBridge | undefined): AsyncGenerator<RunOutput> {
    let output: unknown;
    let seen = false;
    let id: string | undefined;
    const iterator = stream[Symbol.asyncIterator]();
    try {
      for (;;) {
        let next: IteratorResult<unknown>;
        try {
          next = await iterator.next();
        } catch (error) {
          throw fromLangChainError(error);
        }
        if (next.done === true) break;
        const value = fromLangChainValue(next.value);
        if (this.kind === "chat_model") giveId(value, (id ??= `run--${bridge?.rootId ?? crypto.randomUUID()}`));
        bridge?.rootChunk(value);
        if (bridge !== undefined) {
          output = seen ? concat(output, value) : value;
          seen = true;
        }
        yield value as RunOutput;
      }
    } finally {
      // An early exit (the consumer stopped, the client left) closes LangChain.js's stream too.
      await iterator.return?.();
    }
    bridge?.finishRoot(output);
  }

  /** The classes inputs are built with: the ones given, the rest imported. */
  private async langChainClasses(): Promise<LangChainClasses | undefined> {
    const given = this.classes;
    if (given?.messages !== undefined && given.promptValues !== undefined) return given as LangChainClasses;
    const loaded = await loadLangChainClasses();
    if (given === undefined) return loaded;
    return { messages: given.messages ?? loaded?.messages ?? {}, promptValues: given.promptValues ?? loaded?.promptValues ?? {} };
  }

  private bridgeFor(config: RunnableConfig, input: unknown, inputKnown: boolean, selfReported: boolean): CallbackBridge | undefined {
    const ctx = config[RUN_CONTEXT];
    return ctx === undefined ? undefined : new CallbackBridge(ctx, input, inputKnown, selfReported);
  }
}

/**
 * Python's chat models give every message an id (`run--<run id>`, `-0` for an invoked
 * reply); LangChain.js's only when traced. Chunks of one call share one id.
 */
function giveId(value: unknown, id: string): void {
  if (value instanceof BaseMessage && value.id === undefined) value.id = id;
}

async function* convertInputs(inputs: AsyncIterable<unknown>, lc: LangChainClasses | undefined, bridge: CallbackBridge | undefined): AsyncGenerator<unknown> {
  let input: unknown;
  let seen = false;
  for await (const chunk of inputs) {
    if (bridge !== undefined) {
      input = seen ? concat(input, chunk) : chunk;
      seen = true;
      bridge.rootInput(input);
    }
    yield toLangChainValue(chunk, lc);
  }
}
