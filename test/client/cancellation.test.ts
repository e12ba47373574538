/**
 * Cancellation and timeouts over a real port: `config.signal` aborts the request and the
 * stream (an AbortError, and the server's run sees its signal fire), a consumer that stops
 * reading closes the connection, streams have an idle timeout that server pings reset, and
 * non-streaming calls a total timeout.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isAbortError, isTimeoutError } from "../../src/core/index.js";
import { RemoteRunnable, isRemoteRunnableError } from "../../src/client/index.js";
import { startTestServer, type TestServer } from "./fixtures.js";
import { rejection } from "../rejection.js";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());


const transports = [
  ["undici", undefined],
  ["fetch", globalThis.fetch.bind(globalThis)],
] as const;

describe.each(transports)("over %s", (_name, fetchImpl) => {
  it("an abort mid-stream throws an AbortError and the server's run sees it", async () => {
    const remote = new RemoteRunnable<unknown, string>({ url: `${server.base}/slow`, fetch: fetchImpl });
    const serverSaw = server.nextSlowAbort();
    const controller = new AbortController();
    const stream = await remote.stream(null, { signal: controller.signal });
    const first = await stream.next();
    expect(first.value).toBe("a");
    const pending = stream.next();
    controller.abort();
    const error = await rejection(pending);
    expect((error as Error).name).toBe("AbortError");
    expect(isRemoteRunnableError(error)).toBe(false);
    await serverSaw;
  });

  it("a consumer that stops reading closes the connection, and the server's run sees it", async () => {
    const remote = new RemoteRunnable<unknown, string>({ url: `${server.base}/slow`, fetch: fetchImpl });
    const serverSaw = server.nextSlowAbort();
    for await (const chunk of await remote.stream(null)) {
      expect(chunk).toBe("a");
      break;
    }
    await serverSaw;
  });

  it("an abort while waiting for invoke rejects with an AbortError", async () => {
    const remote = new RemoteRunnable({ url: `${server.base}/slow`, fetch: fetchImpl });
    const serverSaw = server.nextSlowAbort();
    const controller = new AbortController();
    const call = remote.invoke(null, { signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    expect((await rejection(call)) as Error).toMatchObject({ name: "AbortError" });
    await serverSaw;
  });

  it("an already aborted signal rejects without sending", async () => {
    const remote = new RemoteRunnable({ url: `${server.base}/echo`, fetch: fetchImpl });
    const error = await rejection(remote.invoke(1, { signal: AbortSignal.abort() }));
    expect(isAbortError(error)).toBe(true);
  });

  it("a stream silent for longer than streamIdleTimeout fails with TIMEOUT after its chunks", async () => {
    const remote = new RemoteRunnable<{ ms: number }, string>({ url: `${server.base}/quiet`, streamIdleTimeout: 200, fetch: fetchImpl });
    const chunks: string[] = [];
    const error = await rejection(
      (async () => {
        for await (const chunk of await remote.stream({ ms: 1500 })) chunks.push(chunk);
      })(),
    );
    expect(chunks).toEqual(["a"]);
    expect(error).toMatchObject({ name: "RemoteRunnableError", code: "TIMEOUT" });
    expect(isTimeoutError(error)).toBe(true);
  });

  it("server pings keep a slow stream alive past the idle timeout", async () => {
    const remote = new RemoteRunnable<{ ms: number }, string>({ url: `${server.base}/pinged`, streamIdleTimeout: 200, fetch: fetchImpl });
    const chunks: string[] = [];
    for await (const chunk of await remote.stream({ ms: 600 })) chunks.push(chunk);
    expect(chunks).toEqual(["a", "b"]);
  });

  it("a non-streaming call longer than timeout fails with TIMEOUT", async () => {
    const remote = new RemoteRunnable<{ ms: number }, string>({ url: `${server.base}/quiet`, timeout: 200, fetch: fetchImpl });
    const error = await rejection(remote.invoke({ ms: 1500 }));
    expect(error).toMatchObject({ code: "TIMEOUT", status: 504 });
  });

  it("a config timeout rejects with a TimeoutError", async () => {
    const remote = new RemoteRunnable<{ ms: number }, string>({ url: `${server.base}/quiet`, fetch: fetchImpl });
    const error = await rejection(remote.invoke({ ms: 1500 }, { timeout: 150 }));
    expect(isTimeoutError(error)).toBe(true);
  });
});
