import { childConfig, type RunnableConfig } from "../config.js";
import { coerceToRunnable, Runnable, type RunnableLike, collectSpecs, type ConfigurableSpec } from "../runnable.js";

/** A `[condition, runnable]` pair of a branch. */
export type BranchLike<I, O> = [RunnableLike<I, unknown>, RunnableLike<I, O>];

/**
 * Runs the first branch whose condition is truthy, else the default. The chosen branch's
 * output is returned even when falsy (Python semantics).
 * @example
 * RunnableBranch.from([[(x) => x.topic === "a", chainA], [(x) => x.topic === "b", chainB], fallbackChain])
 */
export class RunnableBranch<RunInput = any, RunOutput = any> extends Runnable<RunInput, RunOutput> {
  /** Conditions with their runnables, in order. */
  readonly branches: [Runnable<RunInput, unknown>, Runnable<RunInput, RunOutput>][];
  /** Runs when no condition holds. */
  readonly default: Runnable<RunInput, RunOutput>;

  constructor(fields: { branches: [Runnable<RunInput, unknown>, Runnable<RunInput, RunOutput>][]; default: Runnable<RunInput, RunOutput> }) {
    super();
    this.branches = fields.branches;
    this.default = fields.default;
  }

  /** Build from `[[cond, runnable], ..., default]` (at least the default). */
  static from<I = any, O = any>(branches: [...BranchLike<I, O>[], RunnableLike<I, O>]): RunnableBranch<I, O> {
    if (branches.length < 1) throw new Error("RunnableBranch requires at least a default branch");
    const pairs = branches.slice(0, -1) as BranchLike<I, O>[];
    for (const pair of pairs) {
      if (!Array.isArray(pair) || pair.length !== 2) throw new TypeError("RunnableBranch branches must be [condition, runnable] pairs");
    }
    return new RunnableBranch<I, O>({
      branches: pairs.map(([cond, run]) => [coerceToRunnable(cond), coerceToRunnable(run)]),
      default: coerceToRunnable(branches[branches.length - 1] as RunnableLike<I, O>),
    });
  }

  protected override defaultName(): string {
    return "RunnableBranch";
  }

  /** Configurable fields of the steps (so `/config_schema` and the server's config validation see them). */
  override getConfigurableSpecs(): ConfigurableSpec[] {
    return collectSpecs([...this.branches.flat(), this.default]);
  }

  private async choose(input: RunInput, config: RunnableConfig): Promise<[Runnable<RunInput, RunOutput>, string]> {
    for (let i = 0; i < this.branches.length; i++) {
      const [condition, runnable] = this.branches[i] as [Runnable<RunInput, unknown>, Runnable<RunInput, RunOutput>];
      if (await condition.invoke(input, childConfig(config, `condition:${i + 1}`))) return [runnable, `branch:${i + 1}`];
    }
    return [this.default, "branch:default"];
  }

  override invoke(input: RunInput, options?: RunnableConfig): Promise<RunOutput> {
    return this._callWithConfig(async (value: RunInput, config: RunnableConfig) => {
      const [runnable, tag] = await this.choose(value, config);
      return runnable.invoke(value, childConfig(config, tag));
    }, input, options);
  }

  override _streamIterator(input: RunInput, options?: RunnableConfig): AsyncGenerator<RunOutput> {
    return this._streamWithConfig(this.branchStream, input, options);
  }

  private async *branchStream(input: RunInput, config: RunnableConfig): AsyncGenerator<RunOutput> {
    const [runnable, tag] = await this.choose(input, config);
    yield* runnable._streamIterator(input, childConfig(config, tag));
  }
}
