/**
 * The iterator and signal plumbing behind `Runnable`'s tracing hooks: hand-written
 * iterators instead of generator layers (each layer costs promise jobs per chunk), and the
 * rules for which call races a config's signal.
 */
import { childConfig, isSignalRaced, SIGNAL_RACED, type RunnableConfig } from "./config.js";
import { concat } from "./concat.js";
import type { Run, RunContext } from "./tracing/run.js";
import { concatIterators, singleton } from "./utils/iter.js";
import { copied } from "./utils/objects.js";

/** An async iterable as an AsyncGenerator: itself when it already is one, else wrapped. */
export function asGenerator<T>(source: AsyncIterable<T>): AsyncGenerator<T> {
  const candidate = source as Partial<AsyncGenerator<T>>;
  if (typeof candidate.next === "function" && typeof candidate.return === "function" && typeof candidate.throw === "function") {
    return source as AsyncGenerator<T>;
  }
  return wrapIterable(source);
}

/** A module-level generator: one made per call would cost a map per call (see TeeCopy in iter.ts). */
async function* wrapIterable<T>(source: AsyncIterable<T>): AsyncGenerator<T> {
  yield* source;
}

/**
 * The config's signal, unless an enclosing call already races it (then undefined, and a
 * deferred signal is not created).
 */
export function unracedSignal(config: RunnableConfig): AbortSignal | undefined {
  return isSignalRaced(config) ? undefined : config.signal;
}

/** The child config of a call that races `signal` itself: marked so that no call under it races it again. */
export function racedChildConfig<C extends RunnableConfig>(config: C, signal: AbortSignal): C {
  const child = childConfig(config);
  // childConfig may hand back `config` itself, which belongs to the caller.
  const raced = child === config ? copied(child) : child;
  raced[SIGNAL_RACED] = signal;
  return raced;
}

export function invokeLater<I, O, C>(fn: (input: I, config: C) => O | Promise<O>, self: unknown, input: I, config: C): Promise<O> {
  try {
    return Promise.resolve(fn.call(self, input, config));
  } catch (error) {
    return Promise.reject(error);
  }
}

// The stream after its first result: that result, then `rest`'s calls handed straight through
// (a generator with `yield*` here was a layer per chunk on every `stream()`). Stopping early
// closes `rest`.
export function resume<T>(first: IteratorResult<T>, rest: AsyncGenerator<T>): AsyncGenerator<T> {
  // Done already: `rest` is finished and answers every call as such.
  if (first.done === true) return rest;
  return concatIterators(singleton(first.value), rest);
}

/**
 * `source` as `run`'s output: every chunk is reported (before it is handed on, so events
 * bubble inside-out) and accumulated; the end reports the accumulated output, a failure
 * the error. A consumer that stops early reports neither (as a generator's loop would not).
 */
export function tracedIterator<O>(run: Run, ctx: RunContext, source: AsyncIterable<O>): AsyncIterator<O> {
  const iterator = source[Symbol.asyncIterator]();
  let output: unknown;
  let seen = false;
  let settled = false;
  const onResult = (result: IteratorResult<O>): IteratorResult<O> => {
    if (settled) return result;
    if (result.done === true) {
      settled = true;
      ctx.listener.onEnd(run, output);
      return result;
    }
    const chunk = result.value;
    ctx.listener.onChunk(run, chunk);
    output = seen ? concat(output, chunk) : chunk;
    seen = true;
    return result;
  };
  const onError = (error: unknown): never => {
    if (!settled) {
      settled = true;
      ctx.listener.onError(run, error);
    }
    throw error;
  };
  return {
    next: () => (settled ? Promise.resolve({ done: true, value: undefined as O }) : iterator.next().then(onResult, onError)),
    return: (value?: unknown) => {
      settled = true;
      if (typeof iterator.return === "function") return iterator.return(value as O);
      return Promise.resolve({ done: true, value: value as O });
    },
  };
}

export async function* tapInput<I>(first: IteratorResult<I>, iterator: AsyncIterator<I>, run: Run): AsyncGenerator<I> {
  if (first.done === true) return;
  let input: unknown = first.value;
  run.input = input;
  yield first.value;
  while (true) {
    const next = await iterator.next();
    if (next.done === true) return;
    input = concat(input, next.value);
    run.input = input;
    yield next.value;
  }
}
