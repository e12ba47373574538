/**
 * RunnableConfig: what travels with every call. Normalisation, merging and the
 * child-config rules follow LangChain's runnable protocol (Python where it differs).
 */
import type { RunContext } from "./tracing/run.js";

/** Key of the internal tracing context on a config; absent when nobody listens. */
export const RUN_CONTEXT: unique symbol = Symbol.for("chainserve.runContext");
/** Marks a config that went through {@link ensureConfig}, so nested calls skip it. */
const NORMALISED: unique symbol = Symbol.for("chainserve.normalised");
/** Marks a config whose signal an enclosing call already races against. */
export const SIGNAL_RACED: unique symbol = Symbol.for("chainserve.signalRaced");

/** Default `recursionLimit`, as in LangChain. */
export const DEFAULT_RECURSION_LIMIT = 25;

/**
 * Options every runnable call accepts. Treat a config you receive as read-only: children
 * share it where nothing changes, which keeps untraced calls allocation-free.
 */
export interface RunnableConfig {
  /** Tags for this run and all its descendants. */
  tags?: string[];
  /** Metadata for this run and all its descendants. */
  metadata?: Record<string, unknown>;
  /** Name of this run only (children do not inherit it). */
  runName?: string;
  /** Id of this run only (children do not inherit it). */
  runId?: string;
  /** Values for configurable fields and alternatives. */
  configurable?: Record<string, unknown>;
  /** Most calls in flight at once in `batch` and parallel maps. @default unlimited */
  maxConcurrency?: number;
  /** How deep runnables returned by lambdas may nest. @default 25 */
  recursionLimit?: number;
  /** Aborts the run and everything under it. */
  signal?: AbortSignal;
  /** Milliseconds before the run is aborted with a TimeoutError. */
  timeout?: number;
  /** @internal tracing context; set by streamLog/streamEvents. */
  [RUN_CONTEXT]?: RunContext;
  /** @internal */
  [NORMALISED]?: true;
  /** @internal */
  [SIGNAL_RACED]?: AbortSignal;
}

/** Keys that belong to the config; everything else a caller passes is a call option. */
export const CONFIG_KEYS = [
  "tags",
  "metadata",
  "runName",
  "runId",
  "configurable",
  "maxConcurrency",
  "recursionLimit",
  "signal",
  "timeout",
] as const;

function combineSignals(a: AbortSignal | undefined, b: AbortSignal | undefined): AbortSignal | undefined {
  if (a === undefined || a === b) return b;
  if (b === undefined) return a;
  return AbortSignal.any([a, b]);
}

/**
 * Normalise a config: defaults (`tags: []`, `metadata: {}`, `recursionLimit: 25`),
 * `timeout` turned into a combined abort signal, and primitive `configurable` values
 * copied into `metadata` (as Python LangChain does, so tracing shows them).
 * A config that is already normalised is returned as is.
 */
export function ensureConfig<C extends RunnableConfig>(config?: C): C & Required<Pick<RunnableConfig, "tags" | "metadata" | "recursionLimit">> {
  if (config !== undefined && config[NORMALISED] === true) {
    return config as C & Required<Pick<RunnableConfig, "tags" | "metadata" | "recursionLimit">>;
  }
  const out: RunnableConfig = { tags: [], metadata: {}, recursionLimit: DEFAULT_RECURSION_LIMIT };
  if (config !== undefined) {
    for (const key of Object.keys(config)) {
      const value = (config as Record<string, unknown>)[key];
      if (value !== undefined) (out as Record<string, unknown>)[key] = value;
    }
    const ctx = config[RUN_CONTEXT];
    if (ctx !== undefined) out[RUN_CONTEXT] = ctx;
    const raced = config[SIGNAL_RACED];
    if (raced !== undefined) out[SIGNAL_RACED] = raced;
    if (out.timeout !== undefined) {
      if (!(out.timeout > 0) || !Number.isFinite(out.timeout)) throw new RangeError("Timeout must be a positive number");
      out.signal = combineSignals(out.signal, AbortSignal.timeout(out.timeout));
      delete out.timeout;
    }
    const configurable = out.configurable;
    if (configurable !== undefined) {
      let metadata = out.metadata as Record<string, unknown>;
      for (const key of Object.keys(configurable)) {
        const value = configurable[key];
        if (key.startsWith("__") || key in metadata) continue;
        if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") {
          if (metadata === config.metadata) metadata = { ...metadata };
          metadata[key] = value;
        }
      }
      out.metadata = metadata;
    }
  }
  out[NORMALISED] = true;
  return out as C & Required<Pick<RunnableConfig, "tags" | "metadata" | "recursionLimit">>;
}

function unionTags(a: string[] | undefined, b: string[] | undefined): string[] | undefined {
  if (a === undefined || a.length === 0) return b;
  if (b === undefined || b.length === 0) return a;
  const out = [...a];
  for (const tag of b) if (!out.includes(tag)) out.push(tag);
  return out;
}

/**
 * Merge configs, later ones on top: `tags` union (order kept), `metadata` and
 * `configurable` shallow-merged, `signal`s combined, `timeout` the minimum, any other
 * key the later defined value.
 */
export function mergeConfigs<C extends RunnableConfig>(...configs: (C | RunnableConfig | undefined)[]): C {
  const out: Record<string | symbol, unknown> = {};
  for (const config of configs) {
    if (config === undefined) continue;
    for (const key of Object.keys(config) as (keyof RunnableConfig & string)[]) {
      const value = (config as Record<string, unknown>)[key];
      if (value === undefined) continue;
      switch (key) {
        case "tags":
          out.tags = unionTags(out.tags as string[] | undefined, value as string[]);
          break;
        case "metadata":
        case "configurable":
          out[key] = out[key] === undefined ? value : { ...(out[key] as object), ...(value as object) };
          break;
        case "signal":
          out.signal = combineSignals(out.signal as AbortSignal | undefined, value as AbortSignal);
          break;
        case "timeout":
          out.timeout = out.timeout === undefined ? value : Math.min(out.timeout as number, value as number);
          break;
        default:
          out[key] = value;
      }
    }
    const ctx = config[RUN_CONTEXT];
    if (ctx !== undefined) out[RUN_CONTEXT] = ctx;
  }
  return out as C;
}

/**
 * The config a runnable hands to a child. `runName` and `runId` apply to one run only and
 * are dropped; with tracing on, the child is attached to `parent` and gets the
 * structural `tag` (`seq:step:N`, `map:key:K`, ...). Without tracing and without a
 * run name/id, the same object is returned.
 */
export function childConfig<C extends RunnableConfig>(config: C, tag?: string): C {
  const ctx = config[RUN_CONTEXT];
  if (ctx === undefined) {
    if (config.runName === undefined && config.runId === undefined) return config;
    return copyWithoutRunKeys(config);
  }
  if (tag === ctx.tag && config.runName === undefined && config.runId === undefined) return config;
  const out = copyWithoutRunKeys(config);
  out[RUN_CONTEXT] = { listener: ctx.listener, parent: ctx.parent, tag };
  return out;
}

/**
 * A copy of `config` without `runName`/`runId` (they name one run only). Built key by key
 * rather than copied and `delete`d: a `delete` turns the object into a slow dictionary-mode
 * object for V8, and every child of a server run would inherit that.
 */
export function copyWithoutRunKeys<C extends RunnableConfig>(config: C): C {
  const out: Record<string | symbol, unknown> = {};
  for (const key in config) {
    if (key !== "runName" && key !== "runId") out[key] = (config as Record<string, unknown>)[key];
  }
  if (config[RUN_CONTEXT] !== undefined) out[RUN_CONTEXT] = config[RUN_CONTEXT];
  if (config[NORMALISED] !== undefined) out[NORMALISED] = config[NORMALISED];
  if (config[SIGNAL_RACED] !== undefined) out[SIGNAL_RACED] = config[SIGNAL_RACED];
  return out as C;
}

/** Throws the signal's reason when the config's signal has fired. */
export function throwIfAborted(config: RunnableConfig): void {
  const signal = config.signal;
  if (signal !== undefined && signal.aborted) throw signal.reason ?? new DOMException("This operation was aborted", "AbortError");
}
