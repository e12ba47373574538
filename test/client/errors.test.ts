/**
 * Every error kind reaches the caller as one RemoteRunnableError with status, code, message,
 * detail and run id: server errors from chainserve over a real port, and broken replies from
 * a small `node:http` server that misbehaves on purpose.
 */
import { createServer, type Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isChainserveError } from "../../src/core/index.js";
import { RemoteRunnable, RemoteRunnableError, isRemoteRunnableError } from "../../src/client/index.js";
import { startTestServer, type TestServer } from "./fixtures.js";

let server: TestServer;
let broken: Server;
let brokenBase: string;

// Replies no LangServe server would send.
const BROKEN: Record<string, (res: import("node:http").ServerResponse) => void> = {
  "/html/invoke": (res) => res.writeHead(502, { "content-type": "text/html" }).end(`<html><body>${"Bad gateway ".repeat(40)}</body></html>`),
  "/notjson/invoke": (res) => res.writeHead(200, { "content-type": "application/json" }).end("hello"),
  "/nooutput/invoke": (res) => res.writeHead(200, { "content-type": "application/json" }).end('{"result":1}'),
  "/truncated/stream": (res) => res.writeHead(200, { "content-type": "text/event-stream" }).end("event: data\r\ndata: 1\r\n\r\n"),
  "/badjson/stream": (res) => res.writeHead(200, { "content-type": "text/event-stream" }).end("event: data\r\ndata: {oops\r\n\r\nevent: end\r\n\r\n"),
  "/plain/stream": (res) => res.writeHead(200, { "content-type": "text/plain" }).end("hello"),
  "/coded/stream": (res) =>
    res
      .writeHead(200, { "content-type": "text/event-stream" })
      .end('event: metadata\r\ndata: {"run_id": "r-9"}\r\n\r\nevent: data\r\ndata: 1\r\n\r\nevent: error\r\ndata: {"status_code": 429, "message": "slow down", "code": "RATE_LIMITED"}\r\n\r\n'),
};

beforeAll(async () => {
  server = await startTestServer();
  broken = createServer((req, res) => {
    req.resume();
    req.on("end", () => (BROKEN[req.url ?? ""] ?? ((r) => r.writeHead(404).end()))(res));
  });
  await new Promise<void>((resolve) => broken.listen(0, "127.0.0.1", resolve));
  const address = broken.address();
  brokenBase = `http://127.0.0.1:${typeof address === "object" && address !== null ? address.port : 0}`;
});
afterAll(async () => {
  await server.close();
  await new Promise((resolve) => broken.close(resolve));
});

async function failure(promise: Promise<unknown>): Promise<RemoteRunnableError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isRemoteRunnableError(error)).toBe(true);
  return error as RemoteRunnableError;
}

async function drain<T>(iterable: AsyncIterable<T> | Promise<AsyncIterable<T>>, into: T[] = []): Promise<T[]> {
  for await (const item of await iterable) into.push(item);
  return into;
}

describe("server errors", () => {
  it("a 422 keeps the server's issue list as detail", async () => {
    const remote = new RemoteRunnable<{ topic: unknown }, unknown>({ url: `${server.base}/chat` });
    const error = await failure(remote.invoke({ topic: 5 }));
    expect(error).toBeInstanceOf(RemoteRunnableError);
    expect(isChainserveError(error)).toBe(true);
    expect(error).toMatchObject({ name: "RemoteRunnableError", status: 422, code: "BAD_REQUEST", url: `${server.base}/chat/invoke` });
    expect(error.detail).toEqual([expect.objectContaining({ loc: ["topic"], type: "string_type" })]);
    expect(error.message).toContain("topic");
  });

  it("a 422 before a stream starts rejects stream() itself", async () => {
    const remote = new RemoteRunnable<{ topic: unknown }, unknown>({ url: `${server.base}/chat` });
    const error = await failure(remote.stream({ topic: 5 }));
    expect(error.status).toBe(422);
    const logError = await failure(drain(remote.streamLog({ topic: 5 })));
    expect(logError.status).toBe(422);
  });

  it("a 500 from invoke and batch has status 500 and code INTERNAL", async () => {
    const remote = new RemoteRunnable({ url: `${server.base}/boom` });
    expect(await failure(remote.invoke(1))).toMatchObject({ status: 500, code: "INTERNAL" });
    expect(await failure(remote.batch([1, 2]))).toMatchObject({ status: 500, code: "INTERNAL" });
  });

  it("a 404 has status 404 and code NOT_FOUND", async () => {
    const remote = new RemoteRunnable({ url: `${server.base}/nope` });
    expect(await failure(remote.invoke(1))).toMatchObject({ status: 404, code: "NOT_FOUND" });
    expect(await failure(remote.stream(1))).toMatchObject({ status: 404 });
  });

  it("a mid-stream error is thrown after the chunks before it, with the run id", async () => {
    const remote = new RemoteRunnable<unknown, string>({ url: `${server.base}/half` });
    const chunks: string[] = [];
    const error = await failure(drain(remote.stream(null), chunks));
    expect(chunks).toEqual(["one", "two"]);
    expect(error).toMatchObject({ status: 500, code: "INTERNAL" });
    expect(typeof error.runId).toBe("string");
  });

  it("mid-stream errors of stream_log and stream_events carry the run id too", async () => {
    const remote = new RemoteRunnable({ url: `${server.base}/half` });
    const patches: unknown[] = [];
    const logError = await failure(drain(remote.streamLog(null), patches));
    expect(patches.length).toBeGreaterThan(0);
    expect(logError.runId).toMatch(/^[\w-]{8,}$/);
    const eventError = await failure(drain(remote.streamEvents(null, { version: "v2" })));
    expect(eventError.runId).toMatch(/^[\w-]{8,}$/);
  });

  it("an SSE error with a chainserve code keeps that code and status", async () => {
    const error = await failure(drain(new RemoteRunnable({ url: `${brokenBase}/coded` }).stream(null)));
    expect(error).toMatchObject({ status: 429, code: "RATE_LIMITED", message: "slow down", runId: "r-9" });
  });

  it("returnExceptions places each failure at its index and runs no item twice", async () => {
    const remote = new RemoteRunnable<string, string>({ url: `${server.base}/picky` });
    const results = await remote.batch(["a", "bad", "c"], undefined, { returnExceptions: true });
    expect(results[0]).toBe("A");
    expect(isRemoteRunnableError(results[1])).toBe(true);
    expect(results[2]).toBe("C");
    expect(await failure(remote.batch(["a", "bad"]))).toMatchObject({ status: 500 });
  });
});

describe("broken replies", () => {
  it("a non-JSON error body becomes a short message", async () => {
    const error = await failure(new RemoteRunnable({ url: `${brokenBase}/html` }).invoke(1));
    expect(error).toMatchObject({ status: 502, code: "UPSTREAM_ERROR" });
    expect(error.message.length).toBeLessThanOrEqual(201);
    expect(error.message.startsWith("<html>")).toBe(true);
  });

  it("a 200 that is not JSON, or has no output, is a protocol error", async () => {
    expect(await failure(new RemoteRunnable({ url: `${brokenBase}/notjson` }).invoke(1))).toMatchObject({ code: "UPSTREAM_ERROR" });
    expect((await failure(new RemoteRunnable({ url: `${brokenBase}/nooutput` }).invoke(1))).message).toContain('"output"');
  });

  it("a stream that ends without an end event is reported as truncated", async () => {
    const chunks: unknown[] = [];
    const error = await failure(drain(new RemoteRunnable({ url: `${brokenBase}/truncated` }).stream(null), chunks));
    expect(chunks).toEqual([1]);
    expect(error.message).toContain("without an \"end\" event");
  });

  it("an event that is not JSON, or a reply that is not an event stream, is a protocol error", async () => {
    expect(await failure(drain(new RemoteRunnable({ url: `${brokenBase}/badjson` }).stream(null)))).toMatchObject({ code: "UPSTREAM_ERROR" });
    expect((await failure(drain(new RemoteRunnable({ url: `${brokenBase}/plain` }).stream(null)))).message).toContain("text/plain");
  });

  it("a refused connection is UPSTREAM_ERROR with the network error as cause", async () => {
    const remote = new RemoteRunnable({ url: "http://127.0.0.1:9/nothing" });
    const error = await failure(remote.invoke(1));
    expect(error.code).toBe("UPSTREAM_ERROR");
    expect(error.cause).toBeInstanceOf(Error);
  });

  it("rejects bad options at construction", () => {
    expect(() => new RemoteRunnable({ url: "" })).toThrow(/url/);
    expect(() => new RemoteRunnable({ url: "http://x", timeout: -1 })).toThrow(/timeout/);
  });
});
