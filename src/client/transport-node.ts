/**
 * The Node transport: undici's `request` over one keep-alive Agent. Only types are imported
 * from undici here; the module itself is handed in by `transport.ts`, which loads it lazily so
 * browser bundles never contain it.
 */
import type * as Undici from "undici";
import type { HttpResponse, Transport } from "./transport.js";

/** The part of undici this transport uses. */
export type UndiciModule = Pick<typeof Undici, "Agent" | "request">;

/** How long an idle keep-alive socket is kept (undici's default is 4 s). */
const KEEP_ALIVE_MS = 30_000;
/** After `event: end`, read at most this much of what remains so the socket can be reused. */
const DRAIN_LIMIT = 64 * 1024;

/**
 * A transport over undici `request`. undici's own headers/body timeouts are turned off: the
 * client enforces its total and idle timeouts itself through the request's signal, so the
 * same errors come out of every transport.
 * @example
 * const transport = createUndiciTransport(await import("undici"));
 */
export function createUndiciTransport(undici: UndiciModule): Transport {
  const dispatcher = new undici.Agent({ keepAliveTimeout: KEEP_ALIVE_MS, keepAliveMaxTimeout: KEEP_ALIVE_MS });
  const send: Transport["send"] = async (request) => {
    const response = await undici.request(request.url, {
      method: request.method,
      headers: request.headers,
      body: request.body,
      signal: request.signal,
      dispatcher,
      headersTimeout: 0,
      bodyTimeout: 0,
    });
    const body = response.body;
    const result: HttpResponse = {
      status: response.statusCode,
      header: (name) => {
        const value = response.headers[name.toLowerCase()];
        return Array.isArray(value) ? value.join(", ") : value;
      },
      // Not destroyed when the reader stops at `event: end`: `release` drains it instead.
      body: () => body.iterator({ destroyOnReturn: false }) as AsyncIterable<Uint8Array>,
      text: () => body.text(),
      cancel: () => {
        // Destroying emits undici's "aborted" error on the body; nobody else listens any more.
        body.on("error", () => undefined);
        body.destroy();
      },
      release: () => {
        // Reading the rest (normally just the chunked terminator) lets undici reuse the socket.
        body.dump({ limit: DRAIN_LIMIT }).catch(() => undefined);
      },
    };
    return result;
  };
  return { kind: "undici", send };
}
