/**
 * Types of parallel maps and assigns, inferred from their steps: `RunnableParallel.from({ a, b })`
 * is a `Runnable<A & B inputs, { a: A; b: B }>`, `RunnablePassthrough.assign({ k })` adds `k`
 * to its input type. Types only: nothing here exists at runtime.
 */
import type { LangChainOutput, LangChainRunnableLike } from "../langchain/detect.js";
import type { Runnable } from "../runnable.js";

type IsAny<T> = 0 extends 1 & T ? true : false;
/** `any` inputs (a passthrough, an untyped lambda) say nothing: they drop out of the intersection. */
type Known<T> = IsAny<T> extends true ? unknown : T;

/** `{ a } & { b }` shown as `{ a; b }`. */
export type Simplify<T> = T extends object ? { [K in keyof T]: T[K] } : T;

/** What a lambda's return value makes its output (a returned runnable is invoked, a stream is one chunk type). */
type LambdaOutput<R> =
  R extends Runnable<any, infer O, any> ? O : R extends AsyncIterable<infer C> ? C : R extends PromiseLike<infer P> ? (P extends Runnable<any, infer O, any> ? O : P) : R;

/** The input type of one step of a map (a runnable, a LangChain.js runnable, a function; a nested map is not followed). */
export type StepInput<S> = S extends Runnable<infer I, any, any>
  ? I
  : S extends LangChainRunnableLike<infer I, any>
    ? I
    : S extends (input: infer I, ...rest: any[]) => unknown
      ? I
      : unknown;

/** The output type of one step of a map. */
export type StepOutput<S> = S extends Runnable<any, infer O, any>
  ? O
  : S extends LangChainRunnableLike
    ? LangChainOutput<S>
    : S extends (...args: any[]) => infer R
      ? LambdaOutput<R>
      : S extends Record<string, unknown>
        ? Record<string, unknown>
        : unknown;

/**
 * The input of a map: every step gets the same input, so it is the intersection of what the
 * steps take (through function parameters, so a step's own union input is not distributed).
 */
export type MapInput<S> = { [K in keyof S]: (input: Known<StepInput<S[K]>>) => void }[keyof S] extends (input: infer I) => void ? Simplify<I> : unknown;

/** The output of a map: one key per step, that step's output. */
export type MapOutput<S> = { [K in keyof S]: StepOutput<S[K]> };

/** The output of `RunnablePassthrough.assign(S)` over input `I`: the input plus the new keys. */
export type AssignOutput<I, S> = Simplify<(unknown extends I ? Record<string, unknown> : Omit<I, keyof S>) & MapOutput<S>>;
