/**
 * `fromLangChain`: a LangChain.js runnable as a chainserve runnable. LangChain.js's own
 * composition classes (sequence, parallel map, assign, passthrough, pick, a binding that
 * only sets config) are rebuilt as chainserve's, so a composed chain runs on chainserve's
 * composition with Python's semantics and run names, and its tracing shows every step;
 * every other runnable (prompts, models, parsers, retrievers, tools, lambdas, subclasses)
 * is wrapped whole in a {@link LangChainRunnable}.
 *
 * Rebuilt at the call: a LangChain.js chain changed afterwards is not seen.
 */
import type { RunnableConfig } from "../config.js";
import { registry } from "../registry.js";
import { Runnable } from "../runnable.js";
import { RunnableAssign } from "../runnables/assign.js";
import { RunnableMap, RunnableParallel } from "../runnables/parallel.js";
import { RunnablePassthrough } from "../runnables/passthrough.js";
import { RunnablePick } from "../runnables/pick.js";
import { RunnableSequence } from "../runnables/sequence.js";
import { isLangChainRunnable, type LangChainInput, type LangChainOutput, type LangChainRunnableLike } from "./detect.js";
import type { LangChainClasses } from "./convert.js";
import { LangChainRunnable, type LangChainCallable } from "./leaf.js";

/**
 * Options of {@link fromLangChain}: the `@langchain/core` modules the chain was built with,
 * for when `import("@langchain/core/…")` from chainserve resolves another copy (an alias
 * such as `lc03`, a second install in a monorepo). Inputs going into the chain (messages,
 * prompt values) are built with these classes, so the chain's `instanceof` checks hold.
 */
export interface FromLangChainOptions {
  /** The chain's `@langchain/core/messages` module. @default the one `import()` finds */
  messages?: Record<string, unknown>;
  /** The chain's `@langchain/core/prompt_values` module. @default the one `import()` finds */
  promptValues?: Record<string, unknown>;
}

interface LcComposite {
  name?: string;
  steps?: unknown;
  mapper?: { steps?: Record<string, unknown> };
  func?: unknown;
  keys?: string | string[];
  bound?: unknown;
  config?: Record<string, unknown>;
  kwargs?: Record<string, unknown>;
  configFactories?: unknown[];
}

const BINDABLE_CONFIG_KEYS: ReadonlySet<string> = new Set(["runName", "tags", "metadata", "configurable", "recursionLimit", "maxConcurrency"]);

function className(value: object): string {
  const ctor = value.constructor as { lc_name?: () => string; name: string };
  return typeof ctor.lc_name === "function" ? ctor.lc_name() : ctor.name;
}

function mapSteps(steps: Record<string, unknown>, classes: Partial<LangChainClasses> | undefined): Record<string, Runnable> {
  const out: Record<string, Runnable> = {};
  for (const key of Object.keys(steps)) out[key] = convert(steps[key], classes);
  return out;
}

/** A binding that only sets config keys chainserve's `withConfig` understands. */
function configOnly(binding: LcComposite): RunnableConfig | undefined {
  if (binding.kwargs !== undefined && Object.keys(binding.kwargs).length > 0) return undefined;
  if (binding.configFactories !== undefined && binding.configFactories.length > 0) return undefined;
  const config = binding.config ?? {};
  for (const key of Object.keys(config)) {
    if (!BINDABLE_CONFIG_KEYS.has(key)) return undefined;
  }
  return config as RunnableConfig;
}

function named<R extends Runnable>(runnable: R, name: string | undefined): R {
  if (name !== undefined) runnable.name = name;
  return runnable;
}

function convert(value: unknown, classes: Partial<LangChainClasses> | undefined): Runnable {
  if (!isLangChainRunnable(value)) return registry.coerce === undefined ? (value as Runnable) : registry.coerce(value as never);
  const lc = value as unknown as LcComposite;
  switch (className(value)) {
    case "RunnableSequence":
      if (Array.isArray(lc.steps) && lc.steps.length > 0) {
        const steps = (lc.steps as unknown[]).map((step) => convert(step, classes)) as [Runnable, ...Runnable[]];
        return named(steps.length === 1 ? RunnableSequence.from([steps[0]]) : RunnableSequence.from(steps), lc.name);
      }
      break;
    case "RunnableMap":
    case "RunnableParallel":
      if (typeof lc.steps === "object" && lc.steps !== null) return named(new RunnableParallel({ steps: mapSteps(lc.steps as Record<string, unknown>, classes) }), lc.name);
      break;
    case "RunnableAssign":
      if (lc.mapper?.steps !== undefined) return named(new RunnableAssign({ mapper: new RunnableMap({ steps: mapSteps(lc.mapper.steps, classes) }) }), lc.name);
      break;
    case "RunnablePassthrough":
      if (lc.func === undefined) return named(new RunnablePassthrough(), lc.name);
      break;
    case "RunnablePick":
      if (lc.keys !== undefined) return named(new RunnablePick(lc.keys), lc.name);
      break;
    case "RunnableBinding": {
      const config = configOnly(lc);
      if (config !== undefined && isLangChainRunnable(lc.bound)) return convert(lc.bound, classes).withConfig(config);
      break;
    }
    default:
      break;
  }
  return new LangChainRunnable(value as unknown as LangChainCallable, classes);
}

/**
 * A LangChain.js (`@langchain/core` 0.3.x or 1.x) runnable as a chainserve runnable, with
 * its input and output types (LangChain.js messages and documents become chainserve's).
 * `pipe`, `RunnableSequence.from`, parallel maps and `addRoutes` call it on any
 * LangChain.js runnable they are given; call it yourself to name the conversion, or to
 * pass the chain's own `@langchain/core` modules ({@link FromLangChainOptions}).
 * @example
 * import { ChatPromptTemplate } from "@langchain/core/prompts";
 * const chain = fromLangChain(ChatPromptTemplate.fromTemplate("tell me about {topic}").pipe(model));
 * await addRoutes(app, chain, { path: "/chat" });
 */
export function fromLangChain<R extends LangChainRunnableLike>(runnable: R, options?: FromLangChainOptions): Runnable<LangChainInput<R>, LangChainOutput<R>> {
  if (!isLangChainRunnable(runnable)) throw new TypeError("fromLangChain expects a LangChain.js runnable (@langchain/core 0.3.x or 1.x).");
  const classes = options?.messages === undefined && options?.promptValues === undefined ? undefined : options;
  return convert(runnable, classes) as Runnable<LangChainInput<R>, LangChainOutput<R>>;
}

registry.langchain = (value) => convert(value, undefined);
