/**
 * The client's HTTP layer: endpoint URLs, headers, JSON calls under a total timeout, and SSE
 * streams under an idle timeout, with the protocol's event names interpreted
 * (langserve-protocol.md §4): `data` is yielded, `metadata` gives the run id, `error` throws,
 * `end` finishes. Revival into chainserve objects is the caller's business.
 */
import { SSE_EVENTS } from "../serde/sse.js";
import { CallGuard } from "./call-guard.js";
import { errorFromResponse, errorFromStreamEvent, protocolError } from "./errors.js";
import { readSse } from "../serde/sse-parse.js";
import { resolveTransport, type HttpResponse } from "./transport.js";

/** Headers for every request: an object, or a function called per request (fresh auth tokens). */
export type HeadersOption = Record<string, string> | (() => Record<string, string> | Promise<Record<string, string>>);

/** What {@link RemoteHttp} needs from the client options. */
export interface RemoteHttpOptions {
  url: string;
  headers: HeadersOption | undefined;
  timeout: number;
  streamIdleTimeout: number;
  fetch: typeof fetch | undefined;
}

/** Per-stream facts learnt while reading, for error reports. */
export interface StreamState {
  /** The server-side run id, once known. */
  runId?: string | undefined;
}

type Endpoint = "invoke" | "batch" | "stream" | "stream_log" | "stream_events" | "input_schema" | "output_schema" | "config_schema";

/**
 * Talks to one mounted runnable.
 * @example
 * const http = new RemoteHttp({ url, headers: undefined, timeout: 60_000, streamIdleTimeout: 60_000, fetch: undefined });
 * const reply = await http.json("invoke", { input: 1, config: {}, kwargs: {} }, undefined);
 * for await (const chunk of http.sse("stream", { input: 1 }, signal, {})) console.log(chunk);
 */
export class RemoteHttp {
  private readonly base: string;
  private readonly search: string;

  constructor(private readonly options: RemoteHttpOptions) {
    // Endpoints go before any query string (the LangChain.js client appended after it, B.1);
    // relative URLs are kept relative so browser pages can use "/chat".
    const query = options.url.indexOf("?");
    this.base = (query === -1 ? options.url : options.url.slice(0, query)).replace(/\/+$/, "");
    this.search = query === -1 ? "" : options.url.slice(query);
  }

  /** The URL of an endpoint. */
  endpoint(name: Endpoint): string {
    return `${this.base}/${name}${this.search}`;
  }

  private async headers(accept: string, json: boolean): Promise<Record<string, string>> {
    const own = typeof this.options.headers === "function" ? await this.options.headers() : this.options.headers;
    const out: Record<string, string> = { accept };
    if (json) out["content-type"] = "application/json";
    // The caller's headers win, whatever their case.
    if (own !== undefined) for (const [key, value] of Object.entries(own)) out[key.toLowerCase()] = value;
    return out;
  }

  /** POST `body` (or GET without one) and return the parsed JSON reply, under the total timeout. */
  async json(name: Endpoint, body: unknown, signal: AbortSignal | undefined): Promise<unknown> {
    const url = this.endpoint(name);
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const guard = new CallGuard(signal, this.options.timeout, false);
    try {
      const transport = await resolveTransport(this.options.fetch);
      const response = await transport.send({
        method: payload === undefined ? "GET" : "POST",
        url,
        headers: await this.headers("application/json", payload !== undefined),
        body: payload,
        signal: guard.signal,
      });
      const text = await response.text();
      if (response.status < 200 || response.status > 299) throw errorFromResponse(response.status, text, url, undefined, response.header("retry-after"));
      try {
        return JSON.parse(text) as unknown;
      } catch (error) {
        throw protocolError(`The reply of ${url} is not JSON`, url, undefined, error);
      }
    } catch (error) {
      throw guard.settle(error, url);
    } finally {
      guard.dispose();
    }
  }

  /**
   * POST `body` and yield each `data` payload, parsed, as it arrives. A non-2xx reply throws
   * before the first payload; an `error` event throws after the payloads before it; a body that
   * ends without `end` or `error` is a truncated stream and throws too. Stopping the
   * iteration closes the connection, so the server sees the client go.
   */
  async *sse(name: Endpoint, body: unknown, signal: AbortSignal | undefined, state: StreamState): AsyncGenerator<unknown> {
    const url = this.endpoint(name);
    const payload = JSON.stringify(body);
    const guard = new CallGuard(signal, this.options.streamIdleTimeout, true);
    let response: HttpResponse | undefined;
    let ended = false;
    try {
      const transport = await resolveTransport(this.options.fetch);
      response = await transport.send({ method: "POST", url, headers: await this.headers("text/event-stream", true), body: payload, signal: guard.signal });
      guard.touch();
      if (response.status < 200 || response.status > 299) {
        throw errorFromResponse(response.status, await response.text(), url, undefined, response.header("retry-after"));
      }
      const type = response.header("content-type");
      if (type !== undefined && !type.toLowerCase().includes("text/event-stream")) {
        throw protocolError(`${url} answered ${type}, not an event stream`, url);
      }
      for await (const message of readSse(response.body(), guard.touch)) {
        switch (message.event) {
          case SSE_EVENTS.DATA:
          case "message":
            yield parseData(message.data, url, state.runId);
            break;
          case SSE_EVENTS.METADATA:
            state.runId ??= runIdOf(message.data);
            break;
          case SSE_EVENTS.ERROR:
            throw errorFromStreamEvent(message.data, url, state.runId);
          case SSE_EVENTS.END:
            ended = true;
            return;
          default:
          // Unknown event names are skipped (as the Python client does), so servers can add some.
        }
      }
      throw protocolError(`The stream from ${url} ended without an "end" event`, url, state.runId);
    } catch (error) {
      throw guard.settle(error, url, state.runId);
    } finally {
      guard.dispose();
      if (ended) response?.release();
      else response?.cancel();
    }
  }
}

function parseData(data: string, url: string, runId: string | undefined): unknown {
  try {
    return JSON.parse(data) as unknown;
  } catch (error) {
    throw protocolError(`An event from ${url} is not JSON`, url, runId, error);
  }
}

function runIdOf(data: string): string | undefined {
  try {
    const value = (JSON.parse(data) as { run_id?: unknown } | null)?.run_id;
    return typeof value === "string" ? value : undefined;
  } catch {
    return undefined;
  }
}
