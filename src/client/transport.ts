/**
 * The HTTP seam of the client: one small interface, two implementations. Node uses undici's
 * `request` with a keep-alive Agent (several times faster than `fetch` per call, see
 * bench/client.ts); browsers, Deno, workers, and any caller passing `fetch`, use `fetch`.
 *
 * undici is loaded with a dynamic import whose specifier is not a literal, so bundlers
 * targeting browsers never see it: the `chainserve/client` import graph stays free of Node
 * built-ins (test/client/import-graph.test.ts checks this).
 */
import { createFetchTransport } from "./transport-fetch.js";
import { createUndiciTransport, type UndiciModule } from "./transport-node.js";

/** One HTTP request as the client sends it. */
export interface HttpRequest {
  /** `GET` for the schema endpoints, `POST` for the rest. */
  method: "GET" | "POST";
  /** Absolute (Node) or absolute/relative (browsers) URL. */
  url: string;
  /** Header names lower-cased. */
  headers: Record<string, string>;
  /** JSON text for POST. */
  body?: string;
  /** Aborts the request and its body. */
  signal: AbortSignal;
}

/** The response: status and headers at once, the body as bytes on demand. */
export interface HttpResponse {
  /** HTTP status. */
  status: number;
  /** A response header (case-insensitive), or undefined. */
  header(name: string): string | undefined;
  /** The body as it arrives. Read it once: either this, or `text()`. */
  body(): AsyncIterable<Uint8Array>;
  /** The whole body as text. */
  text(): Promise<string>;
  /** Stop reading now and close the connection (a consumer stopped early, or an error). */
  cancel(): void;
  /** The stream ended normally: drain what is left so the connection can be reused. */
  release(): void;
}

/** Sends requests. */
export interface Transport {
  /** Which implementation this is (tests and diagnostics). */
  readonly kind: "undici" | "fetch";
  /** Send one request; rejects on network failure or abort, never on an HTTP status. */
  send(request: HttpRequest): Promise<HttpResponse>;
}

// Hidden from static analysis on purpose (see the file comment).
const UNDICI = "undici";

function isNode(): boolean {
  const process = (globalThis as { process?: { versions?: { node?: string } } }).process;
  return typeof process?.versions?.node === "string";
}

let shared: Promise<Transport> | undefined;

/**
 * The transport for a client: `fetch` when one is given, else undici in Node (one shared
 * keep-alive Agent per process), else the global `fetch`. If undici cannot be loaded (an
 * unusual runtime claiming to be Node), the global `fetch` is used.
 * @example
 * const transport = await resolveTransport(undefined);
 * const response = await transport.send({ method: "GET", url, headers: {}, signal });
 */
export function resolveTransport(fetchImpl: typeof fetch | undefined): Promise<Transport> {
  if (fetchImpl !== undefined) return Promise.resolve(createFetchTransport(fetchImpl));
  shared ??= loadDefault();
  return shared;
}

async function loadDefault(): Promise<Transport> {
  if (isNode()) {
    try {
      const undici = (await import(/* webpackIgnore: true */ /* @vite-ignore */ UNDICI)) as UndiciModule;
      return createUndiciTransport(undici);
    } catch {
      // Fall through to fetch.
    }
  }
  return createFetchTransport(globalThis.fetch.bind(globalThis));
}
