/**
 * The driver behind streamLog and streamEvents: runs the runnable's stream in the
 * background with a listener attached, and hands the consumer whatever the listener
 * produced as soon as it exists (an async queue), not when the next output chunk arrives.
 */
import { copyConfig, isSignalRaced, RUN_CONTEXT, SIGNAL_RACED, throwIfAborted, type RunnableConfig } from "../config.js";
import type { Runnable } from "../runnable.js";
import { AsyncQueue } from "../utils/async-queue.js";
import { isObserving, TeeListener } from "./observer.js";
import type { Run, RunListener } from "./run.js";
import { copied } from "../utils/objects.js";

/** A run listener that also sees the root stream as the consumer of `stream()` would. */
export interface StreamTracer extends RunListener {
  /** One chunk of the root output reached the consumer side. */
  onOutput(chunk: unknown): void;
  /** The root stream finished without error. */
  onFinish(): void;
}

/** What a tracer is built with. */
export interface TracerContext<T> {
  /** Hand one item to the consumer. */
  emit(item: T): void;
  /**
   * A stand-in root run, for a runnable that streams without opening a run of its own
   * (a custom runnable that skips the tracing hooks): keeps "the first item describes the
   * root" true.
   */
  detachedRoot(): Run;
}

/**
 * Drive `runnable._streamIterator(input, traced)` in the background and yield what the
 * tracer emits. A failure of the stream is thrown after everything emitted before it.
 * When the consumer stops early (`return()`), the run is aborted through its signal and
 * the runnable's iterator is closed. A config whose signal is marked raced (`SIGNAL_RACED`)
 * belongs to a caller that aborts that signal itself when it stops early: only the iterator
 * is closed then.
 */
export function driveTraced<T>(
  runnable: Runnable,
  input: unknown,
  config: RunnableConfig,
  createTracer: (context: TracerContext<T>) => StreamTracer,
): BufferedAsyncGenerator<T> {
  const queue = new AsyncQueue<T>();
  return Object.assign(drive(runnable, input, config, createTracer, queue), { takeBuffered: (): T[] => queue.drain() });
}

/**
 * An async generator whose items may already be waiting: `takeBuffered()` returns them at
 * once, in order, and the iteration goes on after them. A consumer that turns items into
 * bytes (the server) takes a whole burst per turn instead of one promise round trip per item.
 */
export interface BufferedAsyncGenerator<T> extends AsyncGenerator<T> {
  takeBuffered(): T[];
}

/** True when `iterator` offers {@link BufferedAsyncGenerator.takeBuffered}. */
export function isBuffered<T>(iterator: AsyncIterator<T>): iterator is BufferedAsyncGenerator<T> {
  return typeof (iterator as Partial<BufferedAsyncGenerator<T>>).takeBuffered === "function";
}

async function* drive<T>(
  runnable: Runnable,
  input: unknown,
  config: RunnableConfig,
  createTracer: (context: TracerContext<T>) => StreamTracer,
  queue: AsyncQueue<T>,
): AsyncGenerator<T> {
  // A caller that marks its signal as raced (the server) stops the run itself when it stops
  // reading; otherwise the run gets a signal of its own that fires when the consumer leaves.
  const raced = isSignalRaced(config);
  const controller = raced ? undefined : new AbortController();
  const tracer = createTracer({
    emit: (item) => queue.push(item),
    detachedRoot: () => detachedRoot(runnable, input, config),
  });
  const outer = config[RUN_CONTEXT]?.listener;
  const listener = outer !== undefined && isObserving(outer) ? new TeeListener(tracer, outer) : tracer;
  const context = { listener, parent: undefined, tag: undefined };
  let traced: RunnableConfig;
  if (controller === undefined) {
    // Copied key by key: a deferred signal stays unmade until the run reads it.
    traced = copyConfig(config);
    traced[RUN_CONTEXT] = context;
  } else {
    const outer = config.signal;
    const signal = outer === undefined ? controller.signal : AbortSignal.any([outer, controller.signal]);
    traced = copied(config);
    traced.signal = signal;
    traced[RUN_CONTEXT] = context;
    // Only a caller's own signal needs racing (its abort must end the stream at once); ours fires
    // when nobody is reading any more, so no layer of the run has to race it chunk by chunk.
    if (outer === undefined) traced[SIGNAL_RACED] = signal;
  }
  let iterator: AsyncGenerator<unknown> | undefined;
  let stopped = false;

  const pump = async (): Promise<void> => {
    try {
      iterator = runnable._streamIterator(input, traced) as AsyncGenerator<unknown>;
      for await (const chunk of iterator) {
        if (stopped) return;
        tracer.onOutput(chunk);
        // The run's signal fired (the client left): pull no further chunk while the consumer
        // has yet to notice (a disconnect storm counted one pull per run after the abort).
        throwIfAborted(traced);
      }
      if (stopped) return;
      tracer.onFinish();
      queue.close();
    } catch (error) {
      queue.fail(error);
    }
  };
  void pump();

  try {
    yield* queue;
  } finally {
    // The queue is only closed by the pump when it is done; otherwise the consumer left early.
    if (!queue.done) {
      stopped = true;
      queue.close();
      controller?.abort(new DOMException("The stream consumer stopped reading", "AbortError"));
      // A pending next() keeps the generator busy and its return() queues behind it: don't wait.
      iterator?.return(undefined).catch(() => undefined);
    }
  }
}

function detachedRoot(runnable: Runnable, input: unknown, config: RunnableConfig): Run {
  return {
    id: config.runId ?? crypto.randomUUID(),
    name: config.runName ?? runnable.getName(),
    runType: "chain",
    tags: config.tags ?? [],
    metadata: config.metadata ?? {},
    parent: undefined,
    parentIds: [],
    startTime: Date.now(),
    input,
    inputKnown: true,
  };
}
