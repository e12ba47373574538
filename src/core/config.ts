/**
 * RunnableConfig: what travels with every call. Normalisation, merging and the
 * child-config rules follow LangChain's runnable protocol (Python where it differs).
 */
import type { RunContext } from "./tracing/run.js";
import { copied, merged } from "./utils/objects.js";

/** Key of the internal tracing context on a config; absent when nobody listens. */
export const RUN_CONTEXT: unique symbol = Symbol.for("chainserve.runContext");
/** Marks a config that went through {@link ensureConfig}, so nested calls skip it. */
const NORMALISED: unique symbol = Symbol.for("chainserve.normalised");
/** Marks a config whose signal an enclosing call already races against. */
export const SIGNAL_RACED: unique symbol = Symbol.for("chainserve.signalRaced");

/** Key of a config's {@link DeferredSignal}. */
const DEFERRED: unique symbol = Symbol.for("chainserve.deferredSignal");

/**
 * An abort signal made on first read. A server hands every run a signal that fires when the
 * client goes away, and most runs never look at it; Node 20 takes ~2.5 µs to build an
 * AbortSignal, a tenth of what an `/invoke` costs (issue #5). A config carrying one reads like
 * any other (`config.signal` is a real AbortSignal, created then), while the core asks
 * `aborted` without creating it.
 */
export interface DeferredSignal {
  /** The signal; created on first read. */
  readonly signal: AbortSignal;
  /** Whether {@link signal} was read (so the signal exists). */
  readonly created: boolean;
  /** Whether the signal fired, or would have: answered without creating it. */
  readonly aborted: boolean;
  /** Why it fired (undefined while it has not). */
  readonly reason: unknown;
}

function readDeferred(this: RunnableConfig): AbortSignal | undefined {
  return this[DEFERRED]?.signal;
}

function writeSignal(this: RunnableConfig, value: AbortSignal | undefined): void {
  // Assigning a signal replaces the deferred one: a plain property from then on.
  Object.defineProperty(this, "signal", { value, writable: true, enumerable: true, configurable: true });
  this[DEFERRED] = undefined;
}

// One descriptor for every config: the accessor pair is shared, so V8 shares the object shapes.
const SIGNAL_ACCESSOR: PropertyDescriptor = { get: readDeferred, set: writeSignal, enumerable: true, configurable: true };

/**
 * Give `config` a `signal` made by `source` on first read (see {@link DeferredSignal}).
 * {@link copyConfig} and {@link childConfig} pass it on without creating it; anything that
 * reads it (a spread copy, `Object.assign`, a run that looks) creates it.
 * @example
 * const config = withDeferredSignal(ensureConfig(), requestSignal);
 */
export function withDeferredSignal<C extends RunnableConfig>(config: C, source: DeferredSignal): C {
  config[DEFERRED] = source;
  Object.defineProperty(config, "signal", SIGNAL_ACCESSOR);
  return config;
}

/**
 * The deferred signal of `config` while nobody has read it. Until then every object that
 * carries the marker still has the accessor: copying the signal any other way reads it.
 */
function pendingSignal(config: RunnableConfig): DeferredSignal | undefined {
  const deferred = config[DEFERRED];
  return deferred === undefined || deferred.created ? undefined : deferred;
}

/**
 * True when an enclosing call races `config`'s signal already, so this call must not: checked
 * without creating a deferred signal.
 */
export function isSignalRaced(config: RunnableConfig): boolean {
  const raced = config[SIGNAL_RACED];
  if (raced === undefined) return false;
  const pending = pendingSignal(config);
  if (pending !== undefined) return raced === pending;
  const signal = config.signal;
  if (signal === undefined) return false;
  return raced === signal || ((raced as Partial<DeferredSignal>).created === true && (raced as DeferredSignal).signal === signal);
}

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
  /** @internal the signal (or deferred signal) an enclosing call races */
  [SIGNAL_RACED]?: AbortSignal | DeferredSignal;
  /** @internal */
  [DEFERRED]?: DeferredSignal;
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
    const deferred = pendingSignal(config);
    for (const key of Object.keys(config)) {
      if (deferred !== undefined && key === "signal") continue;
      const value = (config as Record<string, unknown>)[key];
      if (value !== undefined) (out as Record<string, unknown>)[key] = value;
    }
    const ctx = config[RUN_CONTEXT];
    if (ctx !== undefined) out[RUN_CONTEXT] = ctx;
    const raced = config[SIGNAL_RACED];
    if (raced !== undefined) out[SIGNAL_RACED] = raced;
    if (out.timeout !== undefined) {
      if (!(out.timeout > 0) || !Number.isFinite(out.timeout)) throw new RangeError("Timeout must be a positive number");
      out.signal = combineSignals(deferred?.signal ?? out.signal, AbortSignal.timeout(out.timeout));
      delete out.timeout;
    } else if (deferred !== undefined) {
      withDeferredSignal(out, deferred);
    }
    const configurable = out.configurable;
    if (configurable !== undefined) {
      let metadata = out.metadata as Record<string, unknown>;
      for (const key of Object.keys(configurable)) {
        const value = configurable[key];
        if (key.startsWith("__") || key in metadata) continue;
        if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") {
          if (metadata === config.metadata) metadata = copied(metadata);
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
  // A deferred signal stays deferred while it is the only signal; a second one combines them.
  let deferred: DeferredSignal | undefined;
  for (const config of configs) {
    if (config === undefined) continue;
    const ownDeferred = pendingSignal(config);
    for (const key of Object.keys(config) as (keyof RunnableConfig & string)[]) {
      if (key === "signal" && ownDeferred !== undefined) {
        if (out.signal === undefined && (deferred === undefined || deferred === ownDeferred)) deferred = ownDeferred;
        else out.signal = combineSignals(out.signal as AbortSignal | undefined, ownDeferred.signal);
        continue;
      }
      const value = (config as Record<string, unknown>)[key];
      if (value === undefined) continue;
      switch (key) {
        case "tags":
          out.tags = unionTags(out.tags as string[] | undefined, value as string[]);
          break;
        case "metadata":
        case "configurable":
          out[key] = out[key] === undefined ? value : merged(out[key] as object, value as object);
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
    // Still true if the merged signal is the one marked (isSignalRaced compares).
    const raced = config[SIGNAL_RACED];
    if (raced !== undefined) out[SIGNAL_RACED] = raced;
  }
  if (deferred !== undefined) {
    if (out.signal === undefined) withDeferredSignal(out as C, deferred);
    else out.signal = combineSignals(out.signal as AbortSignal, deferred.signal);
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
  return copyConfig(config, RUN_KEYS);
}

const RUN_KEYS: readonly string[] = ["runName", "runId"];

/**
 * A shallow copy of `config` (its own keys and the internal markers) that keeps a deferred
 * signal deferred, unlike `{ ...config }` or a rest destructuring; without the `omit` keys.
 * @example
 * const config = copyConfig(options, ["version"]);
 */
export function copyConfig<C extends RunnableConfig>(config: C, omit: readonly string[] = []): C {
  const out: Record<string | symbol, unknown> = {};
  const deferred = pendingSignal(config);
  for (const key in config) {
    if (omit.length > 0 && omit.includes(key)) continue;
    if (deferred === undefined || key !== "signal") out[key] = (config as Record<string, unknown>)[key];
  }
  if (config[RUN_CONTEXT] !== undefined) out[RUN_CONTEXT] = config[RUN_CONTEXT];
  if (config[NORMALISED] !== undefined) out[NORMALISED] = config[NORMALISED];
  if (config[SIGNAL_RACED] !== undefined) out[SIGNAL_RACED] = config[SIGNAL_RACED];
  if (deferred !== undefined) withDeferredSignal(out as C, deferred);
  return out as C;
}

/** Throws the signal's reason when the config's signal has fired (a deferred one stays unmade). */
export function throwIfAborted(config: RunnableConfig): void {
  const deferred = pendingSignal(config);
  if (deferred !== undefined) {
    if (deferred.aborted) throw deferred.reason ?? new DOMException("This operation was aborted", "AbortError");
    return;
  }
  const signal = config.signal;
  if (signal !== undefined && signal.aborted) throw signal.reason ?? new DOMException("This operation was aborted", "AbortError");
}
