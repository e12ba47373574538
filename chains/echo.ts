/**
 * `/echo`: returns its input unchanged — any JSON in, the same JSON out
 * (reference-chains.md). No input schema: LangServe's lambda declares none either.
 */
import { RunnableLambda } from "../src/index.js";

/**
 * The echo chain.
 * @example
 * await echo.invoke({ a: 1 }); // { a: 1 }
 */
export const echo = RunnableLambda.from((input: unknown) => input);
