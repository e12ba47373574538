import type { RunnableConfig } from "../config.js";
import { concat } from "../concat.js";
import { Runnable, type RunnableLike } from "../runnable.js";
import { singleton } from "../utils/iter.js";
import { RunnableAssign } from "./assign.js";
import { RunnableMap } from "./parallel.js";
import type { AssignOutput, MapInput } from "./map-types.js";

/** Optional side effect of a passthrough, called with the (accumulated) input. */
export type PassthroughFunc<T> = (input: T, config: RunnableConfig) => unknown;

/**
 * Returns its input unchanged (streams input chunks through as they arrive).
 * `RunnablePassthrough.assign({...})` adds keys computed from the input.
 * @example
 * RunnableParallel.from({ context: retriever, question: new RunnablePassthrough() })
 */
export class RunnablePassthrough<T = any> extends Runnable<T, T> {
  private readonly func: PassthroughFunc<T> | undefined;

  constructor(fields: { func?: PassthroughFunc<T> } = {}) {
    super();
    this.func = fields.func;
  }

  /** `RunnableAssign` over a parallel map of `mapping`: the input object plus the new keys. */
  static assign<S extends Record<string, RunnableLike>>(mapping: S): RunnableAssign<MapInput<S>, AssignOutput<MapInput<S>, S>>;
  static assign<I extends Record<string, any>>(mapping: Record<string, RunnableLike<I>>): RunnableAssign<I>;
  static assign(mapping: Record<string, RunnableLike>): RunnableAssign {
    return new RunnableAssign({ mapper: new RunnableMap({ steps: mapping }) });
  }

  protected override defaultName(): string {
    return "RunnablePassthrough";
  }

  override invoke(input: T, options?: RunnableConfig): Promise<T> {
    return this._callWithConfig(this.passInvoke, input, options);
  }

  private async passInvoke(input: T, config: RunnableConfig): Promise<T> {
    if (this.func !== undefined) await this.func(input, config);
    return input;
  }

  override _streamIterator(input: T, options?: RunnableConfig): AsyncGenerator<T> {
    return this._streamWithConfig((value: T, config: RunnableConfig) => this.pass(singleton(value), config), input, options);
  }

  override transform(inputs: AsyncIterable<T>, options?: RunnableConfig): AsyncGenerator<T> {
    return this._transformWithConfig((values: AsyncIterable<T>, config: RunnableConfig) => this.pass(values, config), inputs, options);
  }

  private pass(inputs: AsyncIterable<T>, config: RunnableConfig): AsyncIterable<T> {
    // Nothing to call at the end: the input stream itself is the output.
    if (this.func === undefined) return inputs;
    return this.passThenCall(inputs, config);
  }

  private async *passThenCall(inputs: AsyncIterable<T>, config: RunnableConfig): AsyncGenerator<T> {
    let acc: unknown;
    let seen = false;
    for await (const chunk of inputs) {
      acc = seen ? concat(acc, chunk) : chunk;
      seen = true;
      yield chunk;
    }
    await (this.func as PassthroughFunc<T>)(acc as T, config);
  }
}
