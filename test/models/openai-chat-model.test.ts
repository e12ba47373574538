import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isAbortError, isChainserveError, type ChainserveError } from "../../src/core/index.js";
import { AIMessage, AIMessageChunk, HumanMessage, SystemMessage, ToolMessage } from "../../src/core/messages/index.js";
import { ChatOpenAICompatible } from "../../src/models/index.js";
import { rejection } from "../rejection.js";

const API_KEY = "sk-test-secret-123";

interface Recorded {
  headers: IncomingMessage["headers"];
  body: Record<string, any>;
}

/** A tiny OpenAI-compatible server: the last user message picks the behaviour. */
class FakeOpenAI {
  readonly requests: Recorded[] = [];
  /** When the "SLOW" request's connection closed (ms since epoch). */
  slowClosedAt: number | undefined;
  private server: Server | undefined;

  async start(): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server?.listen(0, "127.0.0.1", resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/v1`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((resolve) => this.server?.close(resolve));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let raw = "";
    for await (const part of req) raw += String(part);
    const body = JSON.parse(raw) as Record<string, any>;
    this.requests.push({ headers: req.headers, body });
    const last = String(body.messages.at(-1).content);
    if (last.includes("RATE")) {
      res.writeHead(429, { "content-type": "application/json", "retry-after": "7" });
      res.end(JSON.stringify({ error: { message: `Rate limit reached for key ${API_KEY}`, type: "rate_limit" } }));
      return;
    }
    if (last.includes("FAIL")) {
      res.writeHead(500, { "content-type": "text/plain" });
      res.end("upstream exploded");
      return;
    }
    res.writeHead(200, { "content-type": "text/event-stream" });
    const send = (data: unknown): boolean => res.write(`data: ${typeof data === "string" ? data : JSON.stringify(data)}\n\n`);
    const delta = (d: Record<string, unknown>, finish: string | null = null) => ({
      id: "chatcmpl-1",
      object: "chat.completion.chunk",
      model: "fake-model",
      choices: [{ index: 0, delta: d, finish_reason: finish }],
    });
    if (last.includes("SLOW")) {
      res.on("close", () => {
        this.slowClosedAt = Date.now();
      });
      send(delta({ role: "assistant", content: "" }));
      send(delta({ content: "tick" }));
      return; // never ends: only the client can close it
    }
    send(delta({ role: "assistant", content: "" }));
    // One frame split across two writes: the SSE parser must reassemble it.
    const frame = `data: ${JSON.stringify(delta({ content: "Hel" }))}\n\n`;
    res.write(frame.slice(0, 20));
    res.write(frame.slice(20));
    send(delta({ content: "lo" }));
    send(delta({ tool_calls: [{ index: 0, id: "call_1", type: "function", function: { name: "get_weather", arguments: "" } }] }));
    send(delta({ tool_calls: [{ index: 0, function: { arguments: '{"city":' } }] }));
    send(delta({ tool_calls: [{ index: 0, function: { arguments: ' "Paris"}' } }] }));
    send(delta({}, "tool_calls"));
    send({ id: "chatcmpl-1", object: "chat.completion.chunk", model: "fake-model", choices: [], usage: { prompt_tokens: 5, completion_tokens: 7, total_tokens: 12 } });
    send("[DONE]");
    res.end();
  }
}

let server: FakeOpenAI;
let baseURL: string;

beforeAll(async () => {
  server = new FakeOpenAI();
  baseURL = await server.start();
});

afterAll(async () => {
  await server.stop();
});

function model(options: Partial<ConstructorParameters<typeof ChatOpenAICompatible>[0]> = {}): ChatOpenAICompatible {
  return new ChatOpenAICompatible({ baseURL, apiKey: API_KEY, model: "fake-model", ...options });
}

async function collect<T>(iterable: AsyncIterable<T> | Promise<AsyncIterable<T>>): Promise<T[]> {
  const out: T[] = [];
  for await (const chunk of await iterable) out.push(chunk);
  return out;
}

/** The `data` of a run event (custom events aside, which these tests do not dispatch). */
function dataOf(event: { data: unknown } | undefined): { input?: unknown; chunk?: unknown; output?: unknown } {
  return (event?.data ?? {}) as { input?: unknown; chunk?: unknown; output?: unknown };
}


describe("ChatOpenAICompatible", () => {
  it("streams content deltas, tool-call pieces and the usage chunk as AIMessageChunks", async () => {
    const chunks = await collect(model().stream("hi"));
    expect(chunks.every((c) => c instanceof AIMessageChunk)).toBe(true);
    expect(chunks.map((c) => c.content)).toEqual(["", "Hel", "lo", "", "", "", "", ""]);
    expect(chunks[3]?.tool_call_chunks).toEqual([{ name: "get_weather", args: "", id: "call_1", index: 0, type: "tool_call_chunk" }]);
    expect(chunks[6]?.response_metadata).toEqual({ finish_reason: "tool_calls", model_name: "fake-model" });
    expect(chunks[7]?.usage_metadata).toEqual({ input_tokens: 5, output_tokens: 7, total_tokens: 12 });
    expect(new Set(chunks.map((c) => c.id)).size).toBe(1);
    const whole = chunks.reduce((a, b) => a.concat(b));
    expect(whole.content).toBe("Hello");
    expect(whole.tool_calls).toEqual([{ name: "get_weather", args: { city: "Paris" }, id: "call_1", type: "tool_call" }]);
  });

  it("invokes to one AIMessage with text, tool calls, usage and response metadata", async () => {
    const message = await model().invoke("hi");
    expect(message).toBeInstanceOf(AIMessage);
    expect(message.content).toBe("Hello");
    expect(message.tool_calls).toEqual([{ name: "get_weather", args: { city: "Paris" }, id: "call_1", type: "tool_call" }]);
    expect(message.usage_metadata).toEqual({ input_tokens: 5, output_tokens: 7, total_tokens: 12 });
    expect(message.response_metadata).toEqual({ finish_reason: "tool_calls", model_name: "fake-model" });
  });

  it("sends the chat-completions request body and the bearer token", async () => {
    const before = server.requests.length;
    await model({ temperature: 0.2, maxTokens: 50 }).invoke(
      [
        new SystemMessage("be brief"),
        new HumanMessage({ content: "hi", name: "ann" }),
        new AIMessage({ content: "", tool_calls: [{ name: "lookup", args: { q: "x" }, id: "c9" }] }),
        new ToolMessage({ content: "42", tool_call_id: "c9" }),
        new HumanMessage("and?"),
      ],
      { stop: ["END"] },
    );
    const { headers, body } = server.requests[before] as Recorded;
    expect(headers.authorization).toBe(`Bearer ${API_KEY}`);
    expect(headers["content-type"]).toBe("application/json");
    expect(body).toEqual({
      model: "fake-model",
      messages: [
        { role: "system", content: "be brief" },
        { role: "user", content: "hi", name: "ann" },
        { role: "assistant", content: "", tool_calls: [{ id: "c9", type: "function", function: { name: "lookup", arguments: '{"q":"x"}' } }] },
        { role: "tool", content: "42", tool_call_id: "c9" },
        { role: "user", content: "and?" },
      ],
      stream: true,
      stream_options: { include_usage: true },
      temperature: 0.2,
      max_tokens: 50,
      stop: ["END"],
    });
  });

  it("sends no Authorization header to a server that needs no key", async () => {
    const before = server.requests.length;
    await new ChatOpenAICompatible({ baseURL, apiKey: "", model: "local" }).invoke("hi");
    expect(server.requests[before]?.headers.authorization).toBeUndefined();
  });

  it("turns a 429 into RATE_LIMITED without leaking the API key", async () => {
    const error = await rejection<ChainserveError>(model({ maxRetries: 0 }).invoke("RATE please"));
    expect(isChainserveError(error)).toBe(true);
    expect(error.code).toBe("RATE_LIMITED");
    expect(error.status).toBe(429);
    expect(error.message).toContain("429");
    expect(error.message).not.toContain(API_KEY);
    expect(String((error.cause as Error).message)).not.toContain(API_KEY);
    expect(error.detail).toEqual({ upstreamStatus: 429, retryAfter: 7 });
    expect(error.retryAfter).toBe(7);
  });

  it("turns other failures into UPSTREAM_ERROR with status 502 and the original status in the message", async () => {
    const error = await rejection<ChainserveError>(model({ maxRetries: 0 }).invoke("FAIL now"));
    expect(error.code).toBe("UPSTREAM_ERROR");
    expect(error.status).toBe(502);
    expect(error.message).toBe("Model provider answered HTTP 500");
    expect((error.cause as Error).message).toContain("upstream exploded");
    const exposed = await rejection<ChainserveError>(model({ maxRetries: 0, exposeUpstreamErrors: true }).invoke("FAIL now"));
    expect(exposed.message).toBe("Model provider answered HTTP 500: upstream exploded");
  });

  it("reports an unreachable server as UPSTREAM_ERROR", async () => {
    const error = await rejection<ChainserveError>(new ChatOpenAICompatible({ baseURL: "http://127.0.0.1:1/v1", apiKey: API_KEY, maxRetries: 0 }).invoke("hi"));
    expect(error.code).toBe("UPSTREAM_ERROR");
    expect(error.message).not.toContain(API_KEY);
  });

  it("closes the server-side request within 200 ms of an abort mid-stream", async () => {
    const controller = new AbortController();
    const stream = await model().stream("SLOW", { signal: controller.signal });
    const seen: unknown[] = [];
    let error: unknown;
    let abortedAt = 0;
    try {
      for await (const chunk of stream) {
        seen.push(chunk.content);
        if (chunk.content === "tick") {
          abortedAt = Date.now();
          controller.abort();
        }
      }
    } catch (e) {
      error = e;
    }
    expect(isAbortError(error)).toBe(true);
    expect(seen).toEqual(["", "tick"]);
    for (let i = 0; i < 40 && server.slowClosedAt === undefined; i++) await new Promise((r) => setTimeout(r, 5));
    expect(server.slowClosedAt).toBeDefined();
    expect((server.slowClosedAt as number) - abortedAt).toBeLessThan(200);
  });

  it("gives up with TIMEOUT after timeoutMs", async () => {
    const error = await rejection<ChainserveError>(model({ timeoutMs: 50 }).invoke("SLOW"));
    expect(error.code).toBe("TIMEOUT");
  });

  it("reads its defaults from the environment", () => {
    const saved = { ...process.env };
    try {
      process.env.OPENAI_BASE_URL = "http://localhost:8000/v1/";
      process.env.OPENAI_MODEL = "qwen";
      process.env.OPENAI_API_KEY = "sk-env";
      const fromEnv = new ChatOpenAICompatible();
      expect(fromEnv.baseURL).toBe("http://localhost:8000/v1");
      expect(fromEnv.model).toBe("qwen");
      delete process.env.OPENAI_BASE_URL;
      delete process.env.OPENAI_MODEL;
      const defaults = new ChatOpenAICompatible();
      expect(defaults.baseURL).toBe("https://api.openai.com/v1");
      expect(defaults.model).toBe("gpt-4o-mini");
      expect(JSON.stringify(defaults)).not.toContain("sk-env");
    } finally {
      process.env = saved;
    }
  });

  it("reports openai tracing metadata on its chat model run", async () => {
    const events = await collect(model().streamEvents("hi", { version: "v2" }));
    expect(events[0]).toMatchObject({
      event: "on_chat_model_start",
      name: "ChatOpenAICompatible",
      metadata: { ls_provider: "openai", ls_model_type: "chat", ls_model_name: "fake-model" },
    });
    const tokens = events.filter((e) => e.event === "on_chat_model_stream");
    expect((dataOf(tokens[1]).chunk as AIMessageChunk).id).toBe(`run--${events[0]?.run_id}`);
  });
});
