/**
 * `/assign`: LangServe's documentation example (reference-chains.md),
 * `RunnableParallel({ extra: RunnablePassthrough.assign({ mult }), modified })`.
 */
import { z } from "zod";
import { RunnableParallel, RunnablePassthrough } from "../src/index.js";

/**
 * Input of `/assign`. Loose, because `RunnablePassthrough.assign` forwards every input key
 * into `extra`; only `num` is required.
 */
export const assignInput = z.looseObject({ num: z.number() });

/** The input type of {@link assign}. */
export type AssignInput = z.infer<typeof assignInput>;

/** Output of `/assign`: the input plus `mult` under `extra`, and `num + 1` as `modified`. */
export const assignOutput = z.object({
  extra: z.looseObject({ num: z.number(), mult: z.number() }),
  modified: z.number(),
});

/**
 * The assign chain.
 * @example
 * await assign.invoke({ num: 1 }); // { extra: { num: 1, mult: 3 }, modified: 2 }
 */
export const assign = RunnableParallel.from({
  extra: RunnablePassthrough.assign({ mult: (x: AssignInput) => x.num * 3 }),
  modified: (x: AssignInput) => x.num + 1,
}).withTypes({ input: assignInput, output: assignOutput });
