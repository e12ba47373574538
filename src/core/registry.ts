/**
 * Late-bound constructors for the composition classes. `Runnable` methods such as
 * `pipe` and `withRetry` return subclasses that themselves extend `Runnable`; binding them
 * here at module load (by `src/core/index.ts`) keeps the import graph free of cycles.
 */
import type { Runnable, RunnableLike } from "./runnable.js";
import type { RunnableConfig } from "./config.js";
import type { RunLog, RunLogPatch, StreamLogOptions } from "./tracing/stream-log.js";
import type { EventFilters, StreamEvent } from "./tracing/stream-events.js";

/** Options of `Runnable.withRetry`. */
export interface RetryOptions {
  /** Total attempts, the first included. @default 3 */
  stopAfterAttempt?: number;
  /** Called after each failed attempt with the error and the input. */
  onFailedAttempt?: (error: unknown, input: unknown) => void | Promise<void>;
  /** Delay before retry N (ms); default exponential backoff with jitter from 1 s. */
  backoffMs?: (attempt: number) => number;
}

/** Options of `Runnable.withFallbacks`. */
export interface FallbackOptions {
  /** Runnables tried in order after the primary fails. */
  fallbacks: Runnable[];
}

/** The slots filled at load time. */
export interface Registry {
  coerce?: (value: RunnableLike) => Runnable<any, any, any>;
  /** A LangChain.js runnable as a chainserve one (src/core/langchain). */
  langchain?: (value: unknown) => Runnable<any, any, any>;
  lambda?: (fn: (input: any, config: RunnableConfig) => unknown) => Runnable<any, any, any>;
  sequence?: (steps: Runnable[]) => Runnable<any, any, any>;
  binding?: (bound: Runnable, config: RunnableConfig) => Runnable<any, any, any>;
  retry?: (bound: Runnable, options: RetryOptions) => Runnable<any, any, any>;
  fallbacks?: (primary: Runnable, fallbacks: Runnable[]) => Runnable<any, any, any>;
  assign?: (mapping: Record<string, RunnableLike>) => Runnable<any, any, any>;
  pick?: (keys: string | string[]) => Runnable<any, any, any>;
  streamLog?: (runnable: Runnable, input: unknown, config: RunnableConfig, options: StreamLogOptions) => AsyncGenerator<RunLogPatch | RunLog>;
  streamEvents?: (runnable: Runnable, input: unknown, config: RunnableConfig, filters: EventFilters) => AsyncGenerator<StreamEvent>;
  configurableFields?: (runnable: Runnable, fields: Record<string, ConfigurableFieldSpec>) => Runnable<any, any, any>;
  configurableAlternatives?: (
    runnable: Runnable,
    options: { which: ConfigurableFieldSpec; defaultKey?: string; alternatives: Record<string, Runnable> },
  ) => Runnable<any, any, any>;
}

/** A configurable field (see `Runnable.configurableFields`). */
export interface ConfigurableFieldSpec {
  /** Key under `config.configurable`. */
  id: string;
  /** Human name. */
  name?: string;
  /** Description. */
  description?: string;
  /** Zod schema of the value. */
  schema?: import("zod").ZodType;
}

/** The registry instance (filled by the modules that define the classes). */
export const registry: Registry = {};

/** Fetch a slot, with a clear error when the core entry point was bypassed. */
export function need<K extends keyof Registry>(key: K): NonNullable<Registry[K]> {
  const value = registry[key];
  if (value === undefined) {
    throw new Error(`chainserve: '${key}' is not registered; import runnables from the package entry point ("chainserve").`);
  }
  return value as NonNullable<Registry[K]>;
}
