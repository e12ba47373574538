/**
 * A LangChain.js callback handler that reports the runs of one LangChain.js call to
 * chainserve's tracers (streamLog, streamEvents), as runs under the chainserve run that
 * made the call. chainserve's tracers then write the Python wire: parent ids, Python's
 * run-log form, chainserve's values. It is a plain object shaped like LangChain.js's
 * `BaseCallbackHandler`, so `@langchain/core` need not be imported to make one.
 */
import { concat } from "../concat.js";
import { createRun, type Run, type RunContext, type RunType } from "../tracing/run.js";
import { copied, merged } from "../utils/objects.js";
import { fromLangChainValue } from "./convert.js";

const RUN_TYPES: ReadonlySet<string> = new Set(["chain", "prompt", "llm", "chat_model", "parser", "retriever", "tool"]);

const SILENT_TYPES: ReadonlySet<RunType> = new Set<RunType>(["prompt", "retriever", "tool"]);

function chainRunType(runType: string | undefined): RunType {
  return runType !== undefined && RUN_TYPES.has(runType) ? (runType as RunType) : "chain";
}

/** LangChain.js wraps a non-dict input or output as `{input: x}` / `{output: x}`; undo that. */
function unwrap(values: unknown, key: string): unknown {
  if (typeof values !== "object" || values === null || Array.isArray(values)) return values;
  const keys = Object.keys(values);
  return keys.length === 1 && keys[0] === key ? (values as Record<string, unknown>)[key] : values;
}

/** What the adapter tells the bridge about the call's own (root) run. */
interface RootState {
  run: Run | undefined;
  /** The input the adapter passed, when it was known at start. */
  input: unknown;
  inputKnown: boolean;
  /** The root's chunks are reported by the adapter (stream mode), not by LangChain.js. */
  selfReported: boolean;
  output: unknown;
  seenOutput: boolean;
  ended: boolean;
}

/** One LangChain.js call's bridge into chainserve tracing (see the module doc). */
export class CallbackBridge {
  // LangChain.js hands a run's output stream to `tapOutputIterable` only for a handler of
  // this name (its own streamEvents tracer); chainserve needs those chunks for the same reason.
  readonly name = "event_stream_tracer";
  // Await each callback where it is made: events keep the order in which runs happen.
  readonly awaitHandlers = true;
  // Chat models invoked under this handler stream internally, so their tokens are reported.
  readonly lc_prefer_streaming = true;
  readonly raiseError = false;
  readonly ignoreLLM = false;
  readonly ignoreChain = false;
  // LangChain.js reports tools through its agent callbacks: this flag gates handleToolStart too.
  readonly ignoreAgent = false;
  readonly ignoreRetriever = false;
  readonly ignoreCustomEvent = false;
  readonly ignoreRetry = true;

  private readonly runs = new Map<string, Run>();
  private readonly root: RootState;

  constructor(
    private readonly ctx: RunContext,
    input: unknown,
    inputKnown: boolean,
    selfReported: boolean,
  ) {
    this.root = { run: undefined, input, inputKnown, selfReported, output: undefined, seenOutput: false, ended: false };
  }

  /** LangChain.js copies handlers into child managers; one bridge serves the whole call. */
  copy(): this {
    return this;
  }

  /** The root run's id, once LangChain.js started it. */
  get rootId(): string | undefined {
    return this.root.run?.id;
  }

  private start(runId: string, parentRunId: string | undefined, runType: RunType, name: string, tags: string[] | undefined, metadata: Record<string, unknown> | undefined, input: unknown, inputKnown: boolean): void {
    const parent = parentRunId === undefined ? undefined : this.runs.get(parentRunId);
    const isRoot = parent === undefined && this.root.run === undefined;
    const ctx: RunContext = isRoot ? this.ctx : { listener: this.ctx.listener, parent: parent ?? this.ctx.parent, tag: undefined };
    const rootInput = isRoot && (runType === "chain" || runType === "prompt" || runType === "parser");
    const run = createRun(ctx, {
      name,
      runType,
      tags: tags ?? [],
      metadata: withoutLangChainKeys(metadata),
      runId,
      input: rootInput ? this.root.input : input,
      inputKnown: rootInput ? this.root.inputKnown : inputKnown,
    });
    this.runs.set(runId, run);
    if (isRoot) this.root.run = run;
  }

  private end(runId: string, output: unknown, input?: unknown): void {
    const run = this.runs.get(runId);
    if (run === undefined) return;
    if (run === this.root.run) return; // the adapter ends it with the value it returns
    this.runs.delete(runId);
    if (!run.inputKnown && input !== undefined) run.input = input;
    this.ctx.listener.onEnd(run, output);
  }

  private fail(runId: string, error: unknown): void {
    const run = this.runs.get(runId);
    if (run === undefined) return;
    this.runs.delete(runId);
    if (run === this.root.run) this.root.ended = true;
    this.ctx.listener.onError(run, error);
  }

  private chunk(run: Run, chunk: unknown): void {
    // As in Python, prompts, retrievers and tools report no stream events.
    if (!SILENT_TYPES.has(run.runType)) this.ctx.listener.onChunk(run, chunk);
    if (run !== this.root.run) return;
    this.root.output = this.root.seenOutput ? concat(this.root.output, chunk) : chunk;
    this.root.seenOutput = true;
  }

  /** The adapter saw the root produce `chunk` (already converted): report it before it goes on. */
  rootChunk(chunk: unknown): void {
    if (this.root.run !== undefined) this.chunk(this.root.run, chunk);
  }

  /** The adapter learned the root's accumulated input (a transformed stream). */
  rootInput(input: unknown): void {
    this.root.input = input;
    if (this.root.run !== undefined && !this.root.run.inputKnown) this.root.run.input = input;
  }

  /** The call returned `output`: end the root (with its streamed chunks added up, if any). */
  finishRoot(output: unknown): void {
    const run = this.root.run;
    if (run === undefined || this.root.ended) return;
    this.root.ended = true;
    this.runs.delete(run.id);
    if (!run.inputKnown) run.input = this.root.input;
    this.ctx.listener.onEnd(run, this.root.seenOutput ? this.root.output : output);
  }

  handleChainStart(
    serialized: { name?: string; id?: string[] } | undefined,
    inputs: unknown,
    runId: string,
    parentRunId?: string,
    tags?: string[],
    metadata?: Record<string, unknown>,
    runType?: string,
    runName?: string,
    extra?: Record<string, unknown>,
  ): void {
    const name = runName ?? serialized?.name ?? serialized?.id?.at(-1) ?? "Unnamed";
    const deferred = extra?.lc_defers_inputs === true || isDeferredInput(inputs);
    this.start(runId, parentRunId, chainRunType(runType), name, tags, metadata, deferred ? undefined : fromLangChainValue(unwrap(inputs, "input")), !deferred);
  }

  handleChainEnd(outputs: unknown, runId: string, _parentRunId?: string, _tags?: string[], kwargs?: { inputs?: unknown }): void {
    const input = kwargs?.inputs === undefined ? undefined : fromLangChainValue(unwrap(kwargs.inputs, "input"));
    this.end(runId, fromLangChainValue(unwrap(outputs, "output")), input);
  }

  handleChainError(error: unknown, runId: string): void {
    this.fail(runId, error);
  }

  handleChatModelStart(llm: { id?: string[] } | undefined, messages: unknown[][], runId: string, parentRunId?: string, _extra?: unknown, tags?: string[], metadata?: Record<string, unknown>, runName?: string): void {
    const input = fromLangChainValue(messages[0] ?? []);
    this.start(runId, parentRunId, "chat_model", runName ?? llm?.id?.at(-1) ?? "ChatModel", tags, metadata, input, true);
  }

  handleLLMStart(llm: { id?: string[] } | undefined, prompts: string[], runId: string, parentRunId?: string, _extra?: unknown, tags?: string[], metadata?: Record<string, unknown>, runName?: string): void {
    this.start(runId, parentRunId, "llm", runName ?? llm?.id?.at(-1) ?? "LLM", tags, metadata, prompts.length === 1 ? prompts[0] : prompts, true);
  }

  handleLLMNewToken(token: string, _idx: unknown, runId: string, _parentRunId?: string, _tags?: string[], fields?: { chunk?: { message?: unknown; text?: string } }): void {
    const run = this.runs.get(runId);
    if (run === undefined || (run === this.root.run && this.root.selfReported)) return;
    const message = fields?.chunk?.message;
    this.chunk(run, run.runType === "chat_model" && message !== undefined ? fromLangChainValue(message) : token);
  }

  handleLLMEnd(output: { generations?: { message?: unknown; text?: string }[][] }, runId: string): void {
    const run = this.runs.get(runId);
    if (run === undefined) return;
    const generation = output.generations?.[0]?.[0];
    const value = run.runType === "chat_model" ? fromLangChainValue(generation?.message) : (generation?.text ?? "");
    this.end(runId, value);
  }

  handleLLMError(error: unknown, runId: string): void {
    this.fail(runId, error);
  }

  handleRetrieverStart(retriever: { id?: string[] } | undefined, query: string, runId: string, parentRunId?: string, tags?: string[], metadata?: Record<string, unknown>, name?: string): void {
    const className = retriever?.id?.at(-1) ?? "Retriever";
    // Python's retrievers add `ls_retriever_name` (the class name less "Retriever", lower-cased); LangChain.js's do not.
    const withName = metadata !== undefined && "ls_retriever_name" in metadata ? metadata : merged(metadata, { ls_retriever_name: retrieverName(className) });
    this.start(runId, parentRunId, "retriever", name ?? className, tags, withName, query, true);
  }

  handleRetrieverEnd(documents: unknown, runId: string): void {
    this.end(runId, fromLangChainValue(documents));
  }

  handleRetrieverError(error: unknown, runId: string): void {
    this.fail(runId, error);
  }

  handleToolStart(tool: { id?: string[] } | undefined, input: string, runId: string, parentRunId?: string, tags?: string[], metadata?: Record<string, unknown>, runName?: string): void {
    this.start(runId, parentRunId, "tool", runName ?? tool?.id?.at(-1) ?? "Tool", tags, metadata, parseToolInput(input), true);
  }

  handleToolEnd(output: unknown, runId: string): void {
    this.end(runId, fromLangChainValue(output));
  }

  handleToolError(error: unknown, runId: string): void {
    this.fail(runId, error);
  }

  handleCustomEvent(eventName: string, data: unknown, runId: string): void {
    this.ctx.listener.onCustomEvent(this.runs.get(runId) ?? this.ctx.parent, eventName, data);
  }

  /** Called by LangChain.js with each streamed run's output: report every chunk as it passes. */
  async *tapOutputIterable<T>(runId: string, output: AsyncIterable<T>): AsyncGenerator<T> {
    const run = this.runs.get(runId);
    if (run === undefined || (run === this.root.run && this.root.selfReported)) {
      yield* output;
      return;
    }
    for await (const chunk of output) {
      this.chunk(run, fromLangChainValue(chunk));
      yield chunk;
    }
  }
}

function isDeferredInput(inputs: unknown): boolean {
  if (typeof inputs !== "object" || inputs === null) return false;
  const keys = Object.keys(inputs);
  return keys.length === 1 && keys[0] === "input" && (inputs as { input: unknown }).input === "";
}

/** Metadata without what LangChain.js adds for LangSmith only (`versions`), which Python never sends. */
function withoutLangChainKeys(metadata: Record<string, unknown> | undefined): Record<string, unknown> {
  if (metadata === undefined) return {};
  if (!("versions" in metadata)) return metadata;
  const rest = copied(metadata);
  delete rest.versions;
  return rest;
}

function retrieverName(className: string): string {
  const trimmed = className.startsWith("Retriever") ? className.slice(9) : className.endsWith("Retriever") ? className.slice(0, -9) : className;
  return trimmed.toLowerCase();
}

function parseToolInput(input: string): unknown {
  try {
    return JSON.parse(input) as unknown;
  } catch {
    return input;
  }
}
