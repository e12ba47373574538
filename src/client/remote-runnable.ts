/**
 * `RemoteRunnable`: a runnable served by chainserve or Python LangServe, called over HTTP.
 * It is a chainserve `Runnable`, so it composes (`pipe`, `withRetry`, a step in a local
 * sequence) and shows up as a normal run in a local `streamLog` / `streamEvents`; called
 * directly, `streamLog` and `streamEvents` return the server's own log and events.
 */
import { ensureConfig, type RunnableConfig } from "../core/config.js";
import { ChainserveError } from "../core/errors.js";
import { Runnable, type BatchOptions } from "../core/runnable.js";
import type { RunFilters } from "../core/tracing/filters.js";
import type { RunLog, RunLogPatch } from "../core/tracing/run-log.js";
import type { StreamLogOptions } from "../core/tracing/stream-log.js";
import type { EventFilters, StreamEvent, StreamEventsOptions } from "../core/tracing/stream-events.js";
import { fromLangServe } from "../serde/lc-json.js";
import { protocolError } from "./errors.js";
import { RemoteHttp, type StreamState } from "./http.js";
import { accumulateLogs } from "../core/tracing/run-log.js";
import { reviveEvent, revivePatch } from "./revive.js";
import type { JsonSchema, RemoteInput, RemoteOutput, RemoteRunnableOptions, Unset } from "./types.js";
import { batchBody, invokeBody, streamEventsBody, streamLogBody } from "./wire.js";

const DEFAULT_TIMEOUT = 60_000;

function checkMs(name: string, value: number | undefined): number {
  if (value === undefined) return DEFAULT_TIMEOUT;
  if (typeof value !== "number" || Number.isNaN(value) || value < 0) {
    throw new ChainserveError("INVALID_OPTIONS", `RemoteRunnable: ${name} must be a number of ms >= 0 (0 disables it)`);
  }
  return value;
}

/**
 * A remote runnable. Type it with the server chain's type (type-only import) or explicitly.
 * @example
 * import type { chat } from "../chains/chat.js";
 * const remote = new RemoteRunnable<typeof chat>({ url: "http://localhost:8000/chat" });
 * const message = await remote.invoke({ topic: "bears" });
 * for await (const chunk of await remote.stream({ topic: "bears" })) console.log(chunk.content);
 */
export class RemoteRunnable<A = unknown, B = Unset> extends Runnable<RemoteInput<A, B>, RemoteOutput<A, B>> {
  /** The base URL, as given. */
  readonly url: string;
  private readonly http: RemoteHttp;

  constructor(options: RemoteRunnableOptions) {
    super();
    if (typeof options?.url !== "string" || options.url === "") {
      throw new ChainserveError("INVALID_OPTIONS", "RemoteRunnable: `url` must be a non-empty string");
    }
    this.url = options.url;
    this.http = new RemoteHttp({
      url: options.url,
      headers: options.headers,
      timeout: checkMs("timeout", options.timeout),
      streamIdleTimeout: checkMs("streamIdleTimeout", options.streamIdleTimeout),
      fetch: options.fetch,
    });
  }

  protected override defaultName(): string {
    return "RemoteRunnable";
  }

  /** POST `/invoke`; the output is revived (messages, documents, prompt values). */
  override invoke(input: RemoteInput<A, B>, options?: Partial<RunnableConfig>): Promise<RemoteOutput<A, B>> {
    const config = ensureConfig(options);
    const body = invokeBody(input, config);
    return this._callWithConfig(
      async (_input: RemoteInput<A, B>, inner: RunnableConfig) => {
        const reply = await this.http.json("invoke", body, inner.signal);
        return fromLangServe(outputOf(reply, this.http.endpoint("invoke"))) as RemoteOutput<A, B>;
      },
      input,
      config,
    );
  }

  /**
   * POST `/batch`, one request for all inputs (configs sent as a list). LangServe fails a
   * whole batch when one item fails, so `returnExceptions: true` sends one `/invoke` per
   * input instead (at most `maxConcurrency` at a time) and places each failure at its index —
   * no item runs twice.
   */
  override batch(inputs: RemoteInput<A, B>[], options?: Partial<RunnableConfig> | Partial<RunnableConfig>[], batchOptions?: BatchOptions & { returnExceptions?: false }): Promise<RemoteOutput<A, B>[]>;
  override batch(inputs: RemoteInput<A, B>[], options: Partial<RunnableConfig> | Partial<RunnableConfig>[] | undefined, batchOptions: BatchOptions & { returnExceptions: true }): Promise<(RemoteOutput<A, B> | Error)[]>;
  override batch(inputs: RemoteInput<A, B>[], options?: Partial<RunnableConfig> | Partial<RunnableConfig>[], batchOptions?: BatchOptions): Promise<(RemoteOutput<A, B> | Error)[]>;
  override async batch(
    inputs: RemoteInput<A, B>[],
    options?: Partial<RunnableConfig> | Partial<RunnableConfig>[],
    batchOptions?: BatchOptions,
  ): Promise<(RemoteOutput<A, B> | Error)[]> {
    if (inputs.length === 0) return [];
    const configs = this.batchConfigs(inputs, options);
    if (batchOptions?.returnExceptions === true) return super.batch(inputs, configs, batchOptions);
    const signals = [...new Set(configs.map((c) => c.signal).filter((s) => s !== undefined))];
    const signal = signals.length <= 1 ? signals[0] : AbortSignal.any(signals);
    const url = this.http.endpoint("batch");
    const output = outputOf(await this.http.json("batch", batchBody(inputs, configs), signal), url);
    if (!Array.isArray(output) || output.length !== inputs.length) {
      throw protocolError(`The reply of ${url} does not hold one output per input`, url);
    }
    return output.map((item) => fromLangServe(item) as RemoteOutput<A, B>);
  }

  /**
   * Stream the output: resolves once the first chunk arrived (a non-2xx reply rejects here),
   * later failures are thrown by the iterator. Stopping the iteration at any point, the first
   * chunk included, closes the connection.
   */
  override async stream(input: RemoteInput<A, B>, options?: Partial<RunnableConfig>): Promise<AsyncGenerator<RemoteOutput<A, B>>> {
    const generator = this._streamIterator(input, ensureConfig(options));
    const first = await generator.next();
    return resumeClosing(first, generator);
  }

  /** The streaming behind `stream()`: POST `/stream`, each `data` event revived and yielded. */
  override _streamIterator(input: RemoteInput<A, B>, options?: Partial<RunnableConfig>): AsyncGenerator<RemoteOutput<A, B>> {
    const config = ensureConfig(options);
    const body = invokeBody(input, config);
    return this._streamWithConfig(
      (_input: RemoteInput<A, B>, inner: RunnableConfig) => revivedStream(this.http, body, inner.signal) as AsyncGenerator<RemoteOutput<A, B>>,
      input,
      config,
    );
  }

  /**
   * POST `/stream_log`: the server's run log as RunLogPatch objects, or with `diff: false`
   * as RunLogs, each with its own copy of the accumulated state.
   */
  override streamLog(input: RemoteInput<A, B>, options?: Partial<RunnableConfig>, streamOptions?: StreamLogOptions & { diff?: true }): AsyncGenerator<RunLogPatch>;
  override streamLog(input: RemoteInput<A, B>, options: Partial<RunnableConfig> | undefined, streamOptions: StreamLogOptions & { diff: false }): AsyncGenerator<RunLog>;
  override streamLog(input: RemoteInput<A, B>, options?: Partial<RunnableConfig>, streamOptions?: StreamLogOptions): AsyncGenerator<RunLogPatch | RunLog>;
  override streamLog(input: RemoteInput<A, B>, options?: Partial<RunnableConfig>, streamOptions?: StreamLogOptions): AsyncGenerator<RunLogPatch | RunLog> {
    const config = ensureConfig(options);
    const patches = this.remote("stream_log", streamLogBody(input, config, streamOptions), config.signal, revivePatch);
    return streamOptions?.diff === false ? accumulateLogs(patches) : patches;
  }

  /** POST `/stream_events`: the server's v2 events, revived, `parent_ids` kept. */
  override streamEvents(input: RemoteInput<A, B>, options: Partial<RunnableConfig> & StreamEventsOptions, filters?: EventFilters): AsyncGenerator<StreamEvent> {
    const { version, ...rest } = options;
    if (version !== "v2" && version !== "v1") throw new Error('Only versions "v1" and "v2" of the schema are currently supported.');
    const config = ensureConfig(rest as RunnableConfig);
    return this.remote("stream_events", streamEventsBody(input, config, filters as RunFilters | undefined), config.signal, (payload, _url, state) =>
      reviveEvent(payload, state),
    );
  }

  private async *remote<T>(
    name: "stream_log" | "stream_events",
    body: unknown,
    signal: AbortSignal | undefined,
    revive: (payload: unknown, url: string, state: StreamState) => T,
  ): AsyncGenerator<T> {
    const state: StreamState = {};
    const url = this.http.endpoint(name);
    for await (const payload of this.http.sse(name, body, signal, state)) yield revive(payload, url, state);
  }

  /**
   * GET `/input_schema`: the JSON Schema of the remote input. (Not named `inputSchema()`:
   * that name is the Runnable's zod schema property.)
   */
  fetchInputSchema(options?: { signal?: AbortSignal }): Promise<JsonSchema> {
    return this.http.json("input_schema", undefined, options?.signal) as Promise<JsonSchema>;
  }

  /** GET `/output_schema`: the JSON Schema of the remote output. */
  fetchOutputSchema(options?: { signal?: AbortSignal }): Promise<JsonSchema> {
    return this.http.json("output_schema", undefined, options?.signal) as Promise<JsonSchema>;
  }

  /** GET `/config_schema`: the JSON Schema of the config keys the server accepts. */
  fetchConfigSchema(options?: { signal?: AbortSignal }): Promise<JsonSchema> {
    return this.http.json("config_schema", undefined, options?.signal) as Promise<JsonSchema>;
  }
}

/** `/stream`'s data events, revived. (At module level: see the lint rule on generators.) */
async function* revivedStream(http: RemoteHttp, body: unknown, signal: AbortSignal | undefined): AsyncGenerator<unknown> {
  for await (const data of http.sse("stream", body, signal, {})) yield fromLangServe(data);
}

/**
 * Yields `first`, then the rest of `rest`. Unlike a bare `yield*` after a first `yield`, a
 * consumer that stops right after the first chunk still closes `rest` (and so the request).
 */
async function* resumeClosing<T>(first: IteratorResult<T>, rest: AsyncGenerator<T>): AsyncGenerator<T> {
  try {
    if (first.done === true) return;
    yield first.value;
    yield* rest;
  } finally {
    await rest.return(undefined);
  }
}

/** `output` of an invoke/batch reply (LangServe and chainserve: `{output, metadata}`). */
function outputOf(reply: unknown, url: string): unknown {
  if (typeof reply !== "object" || reply === null || !("output" in reply)) {
    throw protocolError(`The reply of ${url} has no "output"`, url);
  }
  return (reply as { output: unknown }).output;
}
