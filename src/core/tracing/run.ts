/**
 * Runs and run listeners: how streamLog and streamEvents observe a call. When no listener
 * is attached to a config, runnables skip all of this (no run objects, no ids).
 */
import { merged } from "../utils/objects.js";

/** Kinds of run, as reported in stream_log entries and stream_events names. */
export type RunType = "chain" | "prompt" | "llm" | "chat_model" | "parser" | "retriever" | "tool";

/** One run of one runnable within a traced call. */
export interface Run {
  /** Run id (uuid). */
  readonly id: string;
  /** Run name: `runName` or the runnable's name. */
  readonly name: string;
  /** Run type. */
  readonly runType: RunType;
  /** Structural tag (if any) first, then the inherited tags. */
  readonly tags: string[];
  /** Inherited metadata plus what the runnable adds (e.g. `ls_provider`). */
  readonly metadata: Record<string, unknown>;
  /** The enclosing run, undefined for the root. */
  readonly parent: Run | undefined;
  /** Ids of all ancestors, root first. */
  readonly parentIds: string[];
  /** Start time (ms since epoch). */
  readonly startTime: number;
  /** The input, when known at start; streamed runs learn it at the end. */
  input: unknown;
  /** Whether `input` was known when the run started. */
  inputKnown: boolean;
}

/**
 * Receives the life of every run in a traced call. Callbacks are synchronous and must not
 * throw: they run inside the runnables' hot paths.
 */
export interface RunListener {
  /** A run started. */
  onStart(run: Run): void;
  /** A run produced an output chunk (for llm/chat_model runs: a token). */
  onChunk(run: Run, chunk: unknown): void;
  /** A run finished; `input` is the known or accumulated input. */
  onEnd(run: Run, output: unknown): void;
  /** A run failed. */
  onError(run: Run, error: unknown): void;
  /** A runnable dispatched a custom event. */
  onCustomEvent(run: Run | undefined, name: string, data: unknown): void;
}

/** The tracing state carried on a config (under `RUN_CONTEXT`). */
export interface RunContext {
  /** Who listens. */
  readonly listener: RunListener;
  /** The run that will be the parent of the next run started with this config. */
  readonly parent: Run | undefined;
  /** Structural tag for the next run started with this config. */
  readonly tag: string | undefined;
}

/** Options for {@link createRun}. */
export interface CreateRunOptions {
  /** Run name. */
  name: string;
  /** Run type. */
  runType: RunType;
  /** Inherited tags from the config. */
  tags: string[];
  /** Inherited metadata from the config. */
  metadata: Record<string, unknown>;
  /** Extra metadata from the runnable (e.g. `ls_provider`). */
  extraMetadata?: Record<string, unknown> | undefined;
  /** Run id to use (root runs: the caller's runId). */
  runId?: string | undefined;
  /** The input, when known. */
  input?: unknown;
  /** Whether the input is known at start. */
  inputKnown: boolean;
}

/** Create a run under the context's parent and report its start. */
export function createRun(ctx: RunContext, options: CreateRunOptions): Run {
  const parent = ctx.parent;
  const run: Run = {
    id: options.runId ?? crypto.randomUUID(),
    name: options.name,
    runType: options.runType,
    tags: ctx.tag === undefined ? options.tags : [ctx.tag, ...options.tags.filter((t) => t !== ctx.tag)],
    metadata: options.extraMetadata === undefined ? options.metadata : merged(options.metadata, options.extraMetadata),
    parent,
    parentIds: parent === undefined ? [] : [...parent.parentIds, parent.id],
    startTime: Date.now(),
    input: options.input,
    inputKnown: options.inputKnown,
  };
  ctx.listener.onStart(run);
  return run;
}
