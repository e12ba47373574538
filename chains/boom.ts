/**
 * `/boom`: a test fixture that always throws `Error("boom")` (reference-chains.md), for
 * the 500 / SSE `error` paths.
 */
import { RunnableLambda } from "../src/index.js";

/**
 * The failing chain.
 * @example
 * await boom.invoke(1); // rejects with Error("boom")
 */
export const boom = RunnableLambda.from((_input: unknown): unknown => {
  throw new Error("boom");
});
