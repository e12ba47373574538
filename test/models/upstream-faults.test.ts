/**
 * ChatOpenAICompatible against a faulty provider (a real local HTTP server): retries with the
 * provider's Retry-After or backoff, only before the first token; phase timeouts; the
 * provider's text hidden; and, served through chainserve, Retry-After kept for the caller on
 * invoke and on streams, down to RemoteRunnableError.retryAfter.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import Fastify, { type FastifyInstance } from "fastify";
import { request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isAbortError, StrOutputParser, type ChainserveError } from "../../src/core/index.js";
import { RemoteRunnable } from "../../src/client/index.js";
import { ChatOpenAICompatible, type ChatOpenAICompatibleOptions } from "../../src/models/index.js";
import { addRoutes } from "../../src/server/index.js";
import { listenLocal } from "../e2e/listen.js";
import { rejection } from "../rejection.js";

const ORG = "org-acme-secret-division";

/** The provider: the last user message names the scenario; `seen` counts requests per message. */
class FaultyProvider {
  readonly seen = new Map<string, number[]>();
  private server: Server | undefined;
  private readonly open = new Set<ServerResponse>();

  async start(): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server?.listen(0, "127.0.0.1", resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/v1`;
  }

  async stop(): Promise<void> {
    for (const res of this.open) res.destroy();
    this.server?.closeAllConnections();
    await new Promise((resolve) => this.server?.close(resolve));
  }

  count(message: string): number {
    return this.seen.get(message)?.length ?? 0;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let raw = "";
    for await (const part of req) raw += String(part);
    const message = String((JSON.parse(raw) as { messages: { content: string }[] }).messages.at(-1)?.content);
    const times = this.seen.get(message) ?? [];
    times.push(Date.now());
    this.seen.set(message, times);
    const attempt = times.length;
    const [scenario] = message.split(" ");
    this.open.add(res);
    res.on("close", () => this.open.delete(res));
    const sse = (): void => void res.writeHead(200, { "content-type": "text/event-stream" });
    const send = (delta: Record<string, unknown>, finish: string | null = null): boolean =>
      res.write(`data: ${JSON.stringify({ model: "m", choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`);
    const finishOk = (): void => {
      send({ content: "fine" });
      send({}, "stop");
      res.end("data: [DONE]\n\n");
    };
    const rateLimited = (retryAfter: string): void => {
      res.writeHead(429, { "content-type": "application/json", "retry-after": retryAfter });
      res.end(JSON.stringify({ error: { message: `Rate limit reached for gpt-x in organization ${ORG} on tokens per min.` } }));
    };
    switch (scenario) {
      case "RATE_ONCE": // 429 (Retry-After: 1), then 200
        if (attempt === 1) return rateLimited("1");
        sse();
        send({ role: "assistant", content: "" });
        return finishOk();
      case "RATE_LONG": // asks for longer than the model waits
        return rateLimited("120");
      case "HANG": // accepts, never answers
        return;
      case "IDLE_AFTER_TOKEN": // one token, then silence
        sse();
        send({ role: "assistant", content: "" });
        send({ content: "partial" });
        return;
      case "IDLE_BEFORE_TOKEN": // the role chunk, then silence; the retry answers
        sse();
        send({ role: "assistant", content: "" });
        if (attempt > 1) finishOk();
        return;
      case "ORG500":
        res.writeHead(500, { "content-type": "application/json" });
        res.end(JSON.stringify({ error: { message: `The server had an error processing your request for ${ORG}.` } }));
        return;
      default:
        sse();
        return finishOk();
    }
  }
}

let provider: FaultyProvider;
let baseURL: string;
beforeAll(async () => {
  provider = new FaultyProvider();
  baseURL = await provider.start();
});
afterAll(() => provider.stop());

let unique = 0;
/** A message for `scenario` that no other test sends (the provider counts per message). */
const msg = (scenario: string): string => `${scenario} #${++unique}`;

const model = (options: ChatOpenAICompatibleOptions = {}) => new ChatOpenAICompatible({ baseURL, apiKey: "sk-x", model: "m", backoffMs: 20, ...options });


describe("retries", () => {
  it("waits the provider's Retry-After after a 429, then succeeds", async () => {
    const m = msg("RATE_ONCE");
    const answer = await model().invoke(m);
    expect(answer.content).toBe("fine");
    const times = provider.seen.get(m) ?? [];
    expect(times).toHaveLength(2);
    expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(950); // Retry-After: 1 honoured, not the 20 ms backoff
  });

  it("does not wait a Retry-After over maxRetryAfterMs: RATE_LIMITED with retryAfter, provider text hidden", async () => {
    const m = msg("RATE_LONG");
    const error = await rejection<ChainserveError>(model().invoke(m));
    expect(provider.count(m)).toBe(1);
    expect(error).toMatchObject({ code: "RATE_LIMITED", status: 429, retryAfter: 120, message: "Model provider rate-limited the request (HTTP 429)" });
    expect(JSON.stringify({ message: error.message, detail: error.detail })).not.toContain(ORG);
  });

  it("retries a 500 maxRetries times with backoff and hides the provider's text unless asked", async () => {
    const m = msg("ORG500");
    const error = await rejection<ChainserveError>(model({ maxRetries: 2 }).invoke(m));
    expect(provider.count(m)).toBe(3);
    expect(error).toMatchObject({ code: "UPSTREAM_ERROR", status: 502, message: "Model provider answered HTTP 500" });
    expect(String((error.cause as Error).message)).toContain(ORG); // kept for the server's logs
    const exposed = await rejection<ChainserveError>(model({ maxRetries: 0, exposeUpstreamErrors: true }).invoke(msg("ORG500")));
    expect(exposed.message).toContain(ORG);
  });

  it("stops waiting between retries when the caller aborts", async () => {
    const controller = new AbortController();
    const m = msg("ORG500");
    const pending = rejection(model({ backoffMs: 60_000, maxBackoffMs: 60_000, maxRetries: 1 }).invoke(m, { signal: controller.signal }));
    while (provider.count(m) === 0) await new Promise((r) => setTimeout(r, 5));
    controller.abort();
    expect(isAbortError(await pending)).toBe(true);
    expect(provider.count(m)).toBe(1);
  });
});

describe("timeouts", () => {
  it("gives up on a provider that never answers: TIMEOUT after firstByteTimeoutMs, each attempt", async () => {
    const m = msg("HANG");
    const error = await rejection<ChainserveError>(model({ firstByteTimeoutMs: 150, maxRetries: 1 }).invoke(m));
    expect(error).toMatchObject({ code: "TIMEOUT", status: 504, message: "Model provider sent no response within firstByteTimeoutMs" });
    expect(provider.count(m)).toBe(2);
  });

  it("after a token, an idle stream fails with TIMEOUT and is not retried; the token was delivered", async () => {
    const m = msg("IDLE_AFTER_TOKEN");
    const seen: unknown[] = [];
    const error = await rejection<ChainserveError>(
      (async () => {
        for await (const chunk of await model({ idleTimeoutMs: 150 }).stream(m)) seen.push(chunk.content);
      })(),
    );
    expect(seen).toEqual(["", "partial"]);
    expect(error).toMatchObject({ code: "TIMEOUT", message: "Model provider went silent mid-stream for idleTimeoutMs" });
    expect(provider.count(m)).toBe(1);
  });

  it("before the first token, an idle stream is retried, and the caller sees each chunk once", async () => {
    const m = msg("IDLE_BEFORE_TOKEN");
    const seen: unknown[] = [];
    for await (const chunk of await model({ idleTimeoutMs: 150 }).stream(m)) seen.push(chunk.content);
    expect(seen).toEqual(["", "fine", ""]);
    expect(provider.count(m)).toBe(2);
  });

  it("rejects bad options at construction", () => {
    expect(() => model({ idleTimeoutMs: -1 })).toThrow(/idleTimeoutMs/);
    expect(() => model({ maxRetries: 1.5 })).toThrow(/maxRetries/);
  });
});

describe("served through chainserve", () => {
  let app: FastifyInstance;
  let base: string;
  beforeAll(async () => {
    app = Fastify();
    await addRoutes(app, model({ maxRetries: 0 }).pipe(new StrOutputParser()), { path: "/llm" });
    base = await listenLocal(app);
  });
  afterAll(() => app.close());

  it("answers invoke with 429 RATE_LIMITED and Retry-After, the provider's text hidden", async () => {
    const res = await request(`${base}/llm/invoke`, { method: "POST", body: JSON.stringify({ input: msg("RATE_LONG") }) });
    const text = await res.body.text();
    expect(res.statusCode).toBe(429);
    expect(res.headers["retry-after"]).toBe("120");
    expect(JSON.parse(text)).toMatchObject({ code: "RATE_LIMITED", message: "Model provider rate-limited the request (HTTP 429)" });
    expect(text).not.toContain(ORG);
  });

  it("keeps retry_after in the stream's error event, and the client exposes it", async () => {
    const res = await request(`${base}/llm/stream`, { method: "POST", body: JSON.stringify({ input: msg("RATE_LONG") }) });
    const text = await res.body.text();
    expect(text).toContain('event: error\r\ndata: {"status_code": 429, "message": "Model provider rate-limited the request (HTTP 429)", "retry_after": 120}');
    expect(text).not.toContain(ORG);
    const remote = new RemoteRunnable<string, string>({ url: `${base}/llm` });
    const streamed = await rejection<ChainserveError>(
      (async () => {
        for await (const _ of await remote.stream(msg("RATE_LONG"))) void _;
      })(),
    );
    expect(streamed).toMatchObject({ name: "RemoteRunnableError", code: "RATE_LIMITED", status: 429, retryAfter: 120 });
    const invoked = await rejection<ChainserveError>(remote.invoke(msg("RATE_LONG")));
    expect(invoked).toMatchObject({ code: "RATE_LIMITED", status: 429, retryAfter: 120 });
  });

  it("answers a provider that hangs past its timeout with 504 TIMEOUT, and a 500 with 502", async () => {
    await app.close();
    app = Fastify();
    await addRoutes(app, model({ maxRetries: 0, firstByteTimeoutMs: 100 }), { path: "/llm" });
    base = await listenLocal(app);
    const hang = await request(`${base}/llm/invoke`, { method: "POST", body: JSON.stringify({ input: msg("HANG") }) });
    expect(hang.statusCode).toBe(504);
    expect(await hang.body.json()).toMatchObject({ code: "TIMEOUT" });
    const org = await request(`${base}/llm/invoke`, { method: "POST", body: JSON.stringify({ input: msg("ORG500") }) });
    const text = await org.body.text();
    expect(org.statusCode).toBe(502);
    expect(JSON.parse(text)).toMatchObject({ code: "UPSTREAM_ERROR", message: "Bad Gateway" });
    expect(text).not.toContain(ORG);
  });
});
