import { childConfig, RUN_CONTEXT, type RunnableConfig } from "../config.js";
import { registry, type RetryOptions } from "../registry.js";
import { Runnable, toError, type BatchOptions, type ConfigurableSpec } from "../runnable.js";
import { sleep } from "../utils/signal.js";
import { assignOwn } from "../utils/objects.js";

/** p-retry's defaults (factor 2 from 1 s, randomised), capped at 30 s. */
function defaultBackoff(attempt: number): number {
  return Math.min(1000 * 2 ** (attempt - 1), 30_000) * (1 + Math.random());
}

/**
 * Retries `invoke` (and failed `batch` items) up to `stopAfterAttempt` attempts in all.
 * Streams are not retried, as in LangChain. Attempts after the first get the child tag
 * `retry:attempt:N`; after the last attempt the last error is thrown.
 */
export class RunnableRetry<RunInput = any, RunOutput = any> extends Runnable<RunInput, RunOutput> {
  /** The runnable retried. */
  readonly bound: Runnable<RunInput, RunOutput>;
  private readonly attempts: number;
  private readonly onFailedAttempt: RetryOptions["onFailedAttempt"];
  private readonly backoff: (attempt: number) => number;

  constructor(fields: { bound: Runnable<RunInput, RunOutput> } & RetryOptions) {
    super();
    this.bound = fields.bound;
    this.attempts = Math.max(1, fields.stopAfterAttempt ?? 3);
    this.onFailedAttempt = fields.onFailedAttempt;
    this.backoff = fields.backoffMs ?? defaultBackoff;
    this.inputSchema = this.bound.inputSchema;
    this.outputSchema = this.bound.outputSchema;
  }

  override getName(suffix?: string): string {
    return this.name === undefined ? this.bound.getName(suffix) : super.getName(suffix);
  }

  /** The wrapped runnable's schema (inferred ones included) unless other types were declared. */
  override getInputJsonSchema(): Record<string, unknown> {
    return this.inputSchema === this.bound.inputSchema ? this.bound.getInputJsonSchema() : super.getInputJsonSchema();
  }

  /** The wrapped runnable's output schema unless other types were declared. */
  override getOutputJsonSchema(): Record<string, unknown> {
    return this.outputSchema === this.bound.outputSchema ? this.bound.getOutputJsonSchema() : super.getOutputJsonSchema();
  }

  override getConfigurableSpecs(): ConfigurableSpec[] {
    return this.bound.getConfigurableSpecs();
  }

  private attemptConfig(config: RunnableConfig, attempt: number): RunnableConfig {
    return childConfig(config, attempt > 1 && config[RUN_CONTEXT] !== undefined ? `retry:attempt:${attempt}` : undefined);
  }

  override invoke(input: RunInput, options?: RunnableConfig): Promise<RunOutput> {
    return this._callWithConfig(this.retryInvoke, input, options);
  }

  private async retryInvoke(input: RunInput, config: RunnableConfig): Promise<RunOutput> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.bound.invoke(input, this.attemptConfig(config, attempt));
      } catch (error) {
        if (config.signal?.aborted === true) throw error;
        await this.onFailedAttempt?.(error, input);
        if (attempt >= this.attempts) throw error;
        await sleep(this.backoff(attempt), config.signal);
      }
    }
  }

  override async batch(inputs: RunInput[], options?: RunnableConfig | RunnableConfig[], batchOptions?: BatchOptions): Promise<any[]> {
    const configs = this.batchConfigs(inputs, options);
    const results: unknown[] = new Array<unknown>(inputs.length);
    let pending = inputs.map((_, i) => i);
    for (let attempt = 1; pending.length > 0; attempt++) {
      const outcome = await this.bound.batch(
        pending.map((i) => inputs[i] as RunInput),
        pending.map((i) => this.attemptConfig(configs[i] as RunnableConfig, attempt)),
        { returnExceptions: true, maxConcurrency: batchOptions?.maxConcurrency },
      );
      const failed: number[] = [];
      for (let k = 0; k < pending.length; k++) {
        const i = pending[k] as number;
        const value = outcome[k];
        results[i] = value;
        if (value instanceof Error) {
          await this.onFailedAttempt?.(value, inputs[i]);
          failed.push(i);
        }
      }
      if (attempt >= this.attempts || failed.length === 0) break;
      pending = failed;
      await sleep(this.backoff(attempt), configs[0]?.signal);
    }
    if (batchOptions?.returnExceptions !== true) {
      const firstError = results.find((r) => r instanceof Error);
      if (firstError !== undefined) throw firstError;
    }
    return results.map((r) => (r instanceof Error ? toError(r) : r));
  }

  override _streamIterator(input: RunInput, options?: RunnableConfig): AsyncGenerator<RunOutput> {
    return this.bound._streamIterator(input, options);
  }

  override transform(inputs: AsyncIterable<RunInput>, options?: RunnableConfig): AsyncGenerator<RunOutput> {
    return this.bound.transform(inputs, options);
  }
}

registry.retry = (bound, options) => new RunnableRetry(assignOwn({ bound }, options));
