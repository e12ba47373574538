/**
 * The `fetch` transport: browsers, Deno, workers, or any `fetch` a caller passes in
 * (including a mocked one in tests). Reads bodies with a reader rather than async iteration,
 * which not every browser's ReadableStream supports.
 */
import type { HttpResponse, Transport } from "./transport.js";

/**
 * A transport over a `fetch` implementation.
 * @example
 * const transport = createFetchTransport(globalThis.fetch.bind(globalThis));
 */
export function createFetchTransport(fetchImpl: typeof fetch): Transport {
  const send: Transport["send"] = async (request) => {
    const response = await fetchImpl(request.url, {
      method: request.method,
      headers: request.headers,
      body: request.body,
      signal: request.signal,
    });
    const stream = response.body;
    const cancel = (): void => {
      if (stream !== null && !stream.locked) stream.cancel().catch(() => undefined);
    };
    const result: HttpResponse = {
      status: response.status,
      header: (name) => response.headers.get(name) ?? undefined,
      body: () => read(stream),
      text: () => response.text(),
      cancel,
      release: cancel,
    };
    return result;
  };
  return { kind: "fetch", send };
}

async function* read(stream: ReadableStream<Uint8Array> | null): AsyncGenerator<Uint8Array> {
  if (stream === null) return;
  const reader = stream.getReader();
  let done = false;
  try {
    while (true) {
      const result = await reader.read();
      if (result.done) {
        done = true;
        return;
      }
      yield result.value;
    }
  } finally {
    // A consumer that stops early must close the connection, so the server sees it go.
    if (!done) reader.cancel().catch(() => undefined);
  }
}
