import { connect } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import Fastify, { type FastifyInstance } from "fastify";
import { request } from "undici";
import { afterEach, describe, expect, it } from "vitest";
import { RunnableLambda, type RunnableConfig } from "../../src/core/index.js";
import { addRoutes, type AddRoutesOptions } from "../../src/server/index.js";

let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function listen(runnable: RunnableLambda, options: Partial<AddRoutesOptions> = {}): Promise<string> {
  app = Fastify();
  await addRoutes(app, runnable, { path: "/r", ...options });
  return app.listen({ port: 0, host: "127.0.0.1" });
}

function post(base: string, endpoint: string, body: unknown, signal?: AbortSignal) {
  return request(`${base}/r/${endpoint}`, {
    method: "POST",
    body: JSON.stringify(body),
    headers: { "content-type": "application/json" },
    ...(signal === undefined ? {} : { signal }),
  });
}

async function until(check: () => boolean, timeoutMs = 2000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error("condition not met in time");
    await sleep(2);
  }
}

/** Sends a raw HTTP/1.1 request and returns the non-empty chunks of its chunked body. */
async function rawChunks(port: number, path: string, body: string): Promise<string[]> {
  const socket = connect(port, "127.0.0.1");
  socket.write(`POST ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
  let data = "";
  for await (const piece of socket) data += String(piece);
  let rest = data.slice(data.indexOf("\r\n\r\n") + 4);
  const chunks: string[] = [];
  while (rest.length > 0) {
    const lineEnd = rest.indexOf("\r\n");
    const size = parseInt(rest.slice(0, lineEnd), 16);
    if (size === 0) break;
    chunks.push(rest.slice(lineEnd + 2, lineEnd + 2 + size));
    rest = rest.slice(lineEnd + 2 + size + 2);
  }
  return chunks;
}

describe("SSE over a real socket", () => {
  it("sends LangServe's headers and the exact frame sequence", async () => {
    const base = await listen(RunnableLambda.from(async function* (x: string) {
      yield `${x}1`;
      await sleep(1);
      yield { n: 2 };
    }));
    const res = await post(base, "stream", { input: "a" });
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toBe("text/event-stream; charset=utf-8");
    expect(res.headers["cache-control"]).toBe("no-cache");
    expect(res.headers["x-accel-buffering"]).toBe("no");
    expect(res.headers["connection"]).toBe("keep-alive");
    expect(res.headers["transfer-encoding"]).toBe("chunked");
    const text = await res.body.text();
    expect(text).toMatch(
      /^event: metadata\r\ndata: \{"run_id": "[0-9a-f-]{36}"\}\r\n\r\nevent: data\r\ndata: "a1"\r\n\r\nevent: data\r\ndata: \{"n":2\}\r\n\r\nevent: end\r\n\r\n$/,
    );
  });

  it("sends the head before the runnable produces its first chunk", async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const base = await listen(RunnableLambda.from(async function* () {
      await gate;
      yield 1;
    }));
    const res = await post(base, "stream", { input: 1 });
    expect(res.statusCode).toBe(200);
    release();
    expect(await res.body.text()).toContain("event: end");
  });

  it("writes each event as it is produced", async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const base = await listen(RunnableLambda.from(async function* () {
      yield "first";
      await gate; // opened only once the client has seen "first"
      yield "second";
    }));
    const res = await post(base, "stream", { input: 1 });
    let text = "";
    for await (const piece of res.body) {
      text += String(piece);
      if (text.includes('data: "first"')) release();
    }
    expect(text).toContain('data: "second"');
  });

  it("coalesces frames produced in the same tick into one chunk", async () => {
    const base = await listen(RunnableLambda.from(async function* () {
      yield 1;
      yield 2;
      yield 3;
    }), { pingIntervalMs: 0 });
    const chunks = await rawChunks(Number(new URL(base).port), "/r/stream", '{"input":1}');
    expect(chunks).toHaveLength(1);
    expect(chunks[0]).toMatch(/^event: metadata\r\n.*event: end\r\n\r\n$/s);
  });

  it.each(["stream", "stream_log", "stream_events"])("sends text outside ASCII intact on %s, in a write shared with ASCII frames and alone", async (endpoint) => {
    // ASCII-only writes go out as latin1 (sse-writer.ts): a frame wrongly taken for ASCII
    // would arrive as replacement characters.
    const tokens = ["plain", "caf\u00e9", "\ud83d\udc3b bear", "more plain"];
    // The sub-run's name (the root's is the path) is a remembered piece in stream_events.
    const runnable = RunnableLambda.from((x: unknown) => x).pipe(
      RunnableLambda.from(async function* () {
        for (const token of tokens) yield token;
        await sleep(5);
        yield "apr\u00e8s";
        await sleep(5);
        yield "ascii again";
      }).withConfig({ runName: "L\u00e4ufer" }),
    );
    const base = await listen(runnable as unknown as RunnableLambda, { pingIntervalMs: 0 });
    const text = await (await post(base, endpoint, { input: 1 })).body.text();
    expect(text).not.toContain("\ufffd");
    const payloads = text
      .split("\r\n")
      .filter((line) => line.startsWith("data: "))
      .map((line) => JSON.stringify(JSON.parse(line.slice(6))))
      .join("\n");
    for (const token of [...tokens, "apr\u00e8s", "ascii again"]) expect(payloads).toContain(JSON.stringify(token));
    if (endpoint !== "stream") expect(payloads).toContain('"L\u00e4ufer"');
    expect(text.endsWith("event: end\r\n\r\n")).toBe(true);
  });

  it("sends an error event and then ends the chunked body cleanly", async () => {
    const base = await listen(RunnableLambda.from(async function* () {
      yield 1;
      throw new Error("boom");
    }));
    for (const endpoint of ["stream", "stream_log", "stream_events"]) {
      const res = await post(base, endpoint, { input: 1 });
      const text = await res.body.text(); // rejects if the connection is cut mid-body
      expect(text.endsWith('event: error\r\ndata: {"status_code": 500, "message": "Internal Server Error"}\r\n\r\n'), endpoint).toBe(true);
      expect(text).not.toContain("event: end");
    }
    const chunks = await rawChunks(Number(new URL(base).port), "/r/stream", '{"input":1}');
    expect(chunks.at(-1)).toContain("event: error");
  });

  it.each(["stream", "stream_log", "stream_events"])("aborts config.signal within 100 ms of a client disconnect on %s and stops pulling the generator", async (endpoint) => {
    let pulled = 0;
    let abortedAt: number | undefined;
    let finallyAt: number | undefined;
    const base = await listen(RunnableLambda.from(async function* (_x: unknown, config: RunnableConfig) {
      config.signal?.addEventListener("abort", () => (abortedAt = performance.now()), { once: true });
      try {
        while (true) {
          await sleep(5);
          pulled++;
          yield pulled;
        }
      } finally {
        finallyAt = performance.now();
      }
    }));
    const client = new AbortController();
    const res = await post(base, endpoint, { input: 1 }, client.signal);
    let seen = 0;
    let disconnectedAt = 0;
    try {
      for await (const piece of res.body) {
        seen += String(piece).split("event: data").length - 1;
        if (seen >= 3) {
          disconnectedAt = performance.now();
          client.abort();
        }
      }
    } catch {
      // the aborted body rejects; that is the point
    }
    await until(() => abortedAt !== undefined && finallyAt !== undefined);
    expect(abortedAt! - disconnectedAt).toBeLessThan(100);
    const pulledAtAbort = pulled;
    await sleep(100);
    expect(pulled - pulledAtAbort).toBeLessThanOrEqual(1);
  });

  it("stops pulling a fast infinite generator while the client does not read", async () => {
    let pulled = 0;
    let stopped = false;
    const payload = "x".repeat(1024);
    const base = await listen(RunnableLambda.from(async function* () {
      try {
        while (true) {
          pulled++;
          yield payload;
        }
      } finally {
        stopped = true;
      }
    }));
    const res = await post(base, "stream", { input: 1 });
    await sleep(300);
    const early = pulled;
    await sleep(300);
    const late = pulled;
    expect(early).toBeGreaterThan(0);
    expect(late - early).toBeLessThan(64); // at most a few writes' worth after the socket filled
    expect(late).toBeLessThan(20_000); // ~20 MB: kernel socket buffers, not the whole stream
    res.body.destroy();
    await until(() => stopped);
  });

  it("sends comment pings while the runnable is silent", async () => {
    const base = await listen(RunnableLambda.from(async function* () {
      await sleep(230);
      yield "done";
    }), { pingIntervalMs: 50 });
    const text = await (await post(base, "stream", { input: 1 })).body.text();
    const beforeData = text.slice(0, text.indexOf("event: metadata"));
    expect(beforeData.split(": ping\r\n\r\n").length - 1).toBeGreaterThanOrEqual(3);
    expect(text.endsWith("event: end\r\n\r\n")).toBe(true);
  });
});
