import { childConfig, copyConfig, DEFAULT_RECURSION_LIMIT, type RunnableConfig } from "../config.js";
import { concat } from "../concat.js";
import { ChainserveError } from "../errors.js";
import { registry } from "../registry.js";
import { isRunnable, Runnable } from "../runnable.js";

/** What a lambda's function may return: a value, a runnable to run next, or a stream. */
export type LambdaResult<O> = O | Promise<O> | Runnable<any, O> | Promise<Runnable<any, O>> | AsyncIterable<O> | Iterable<O>;

/** The function a {@link RunnableLambda} wraps. */
export type LambdaFunction<I, O> = (input: I, config: RunnableConfig) => LambdaResult<O>;

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof value === "object" && value !== null && typeof (value as AsyncIterable<unknown>)[Symbol.asyncIterator] === "function";
}

/** A sync iterator object such as a generator (arrays and strings are values, not streams). */
function isIteratorObject(value: unknown): value is Iterator<unknown> & Iterable<unknown> {
  return (
    typeof value === "object" && value !== null && !Array.isArray(value) &&
    typeof (value as Iterable<unknown>)[Symbol.iterator] === "function" && typeof (value as Iterator<unknown>).next === "function"
  );
}

/** Python semantics: each runnable returned by a lambda runs with `recursionLimit - 1`; at 0 it stops. */
function nextLevel(config: RunnableConfig): RunnableConfig {
  const limit = config.recursionLimit ?? DEFAULT_RECURSION_LIMIT;
  if (limit <= 0) throw new ChainserveError("RECURSION_LIMIT", "Recursion limit reached.");
  // copyConfig, not a plain copy: a deferred signal stays unmade (reading it builds it).
  const next = copyConfig(childConfig(config));
  next.recursionLimit = limit - 1;
  return next;
}

/**
 * Wraps a function (sync, async, generator or async generator) as a runnable. A returned
 * runnable is run with the same input; a returned stream is streamed (or, on invoke,
 * `+`-accumulated).
 * @example
 * const addOne = RunnableLambda.from((x: number) => x + 1);
 * await addOne.invoke(1); // 2
 */
export class RunnableLambda<RunInput = any, RunOutput = any> extends Runnable<RunInput, RunOutput> {
  /** The wrapped function. */
  readonly func: LambdaFunction<RunInput, RunOutput>;

  constructor(fields: { func: LambdaFunction<RunInput, RunOutput>; name?: string } | LambdaFunction<RunInput, RunOutput>) {
    super();
    if (typeof fields === "function") {
      this.func = fields;
    } else {
      this.func = fields.func;
      if (fields.name !== undefined) this.name = fields.name;
    }
  }

  /** Wrap `func`. Function names are not used as run names (use `withConfig({ runName })`). */
  static from<I, O>(func: LambdaFunction<I, O>): RunnableLambda<I, Exclude<O, Runnable>> {
    return new RunnableLambda<I, Exclude<O, Runnable>>(func as LambdaFunction<I, Exclude<O, Runnable>>);
  }

  protected override defaultName(): string {
    return "RunnableLambda";
  }

  override invoke(input: RunInput, options?: RunnableConfig): Promise<RunOutput> {
    return this._callWithConfig(this.invokeFunc, input, options);
  }

  private async invokeFunc(input: RunInput, config: RunnableConfig): Promise<RunOutput> {
    const result = await this.func(input, config);
    if (isRunnable(result)) return (await result.invoke(input, nextLevel(config))) as RunOutput;
    if (isAsyncIterable(result)) {
      let acc: unknown;
      let seen = false;
      for await (const chunk of result) {
        acc = seen ? concat(acc, chunk) : chunk;
        seen = true;
      }
      return acc as RunOutput;
    }
    if (isIteratorObject(result)) {
      let acc: unknown;
      let seen = false;
      for (const chunk of result) {
        acc = seen ? concat(acc, chunk) : chunk;
        seen = true;
      }
      return acc as RunOutput;
    }
    return result as RunOutput;
  }

  override _streamIterator(input: RunInput, options?: RunnableConfig): AsyncGenerator<RunOutput> {
    return this._streamWithConfig(this.streamFunc, input, options);
  }

  private async *streamFunc(input: RunInput, config: RunnableConfig): AsyncGenerator<RunOutput> {
    let result = this.func(input, config);
    if (!isAsyncIterable(result) && typeof (result as Promise<unknown> | undefined)?.then === "function") result = await result;
    if (isRunnable(result)) {
      yield* (result as Runnable<RunInput, RunOutput>)._streamIterator(input, nextLevel(config));
    } else if (isAsyncIterable(result)) {
      yield* result as AsyncIterable<RunOutput>;
    } else if (isIteratorObject(result)) {
      yield* result as Iterable<RunOutput>;
    } else {
      yield result as RunOutput;
    }
  }
}
registry.lambda = (fn) => new RunnableLambda(fn);
