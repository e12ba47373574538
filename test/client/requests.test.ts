/**
 * The requests on the wire, recorded by a `node:http` server: LangServe's envelopes with a
 * snake_case config (runnable-semantics.md B.2, langserve-protocol.md §6.2).
 */
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { Document, HumanMessage } from "../../src/core/index.js";
import { RemoteRunnable } from "../../src/client/index.js";

interface Recorded {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: unknown;
}

let server: Server;
let base: string;
let recorded: Recorded[] = [];

const SSE_END = "event: end\r\n\r\n";
const LOG = 'event: data\r\ndata: {"ops":[{"op":"replace","path":"","value":{"id":"r","streamed_output":[],"final_output":null,"logs":{},"name":"x","type":"chain"}}]}\r\n\r\n';

beforeAll(async () => {
  server = createServer((req, res) => {
    let text = "";
    req.on("data", (chunk: Buffer) => (text += chunk.toString()));
    req.on("end", () => {
      const body: unknown = text === "" ? undefined : JSON.parse(text);
      recorded.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers, body });
      const endpoint = (req.url ?? "").split("?")[0]?.split("/").pop();
      const stream = (payload: string): void => void res.writeHead(200, { "content-type": "text/event-stream" }).end(payload + SSE_END);
      if (endpoint === "batch") res.end(JSON.stringify({ output: (body as { inputs: unknown[] }).inputs }));
      else if (endpoint === "stream") stream("event: data\r\ndata: 1\r\n\r\n");
      else if (endpoint === "stream_log") stream(LOG);
      else if (endpoint === "stream_events") stream("");
      else res.end(JSON.stringify({ output: null }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  base = `http://127.0.0.1:${typeof address === "object" && address !== null ? address.port : 0}`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));
beforeEach(() => {
  recorded = [];
});

async function drain(iterable: AsyncIterable<unknown> | Promise<AsyncIterable<unknown>>): Promise<void> {
  for await (const _ of await iterable);
}

const DEFAULT_CONFIG = { tags: [], metadata: {}, recursion_limit: 25 };

describe("request bodies", () => {
  it("invoke sends {input, config, kwargs} with the default config, JSON headers and no body-less extras", async () => {
    await new RemoteRunnable({ url: `${base}/a/` }).invoke({ question: "hi" });
    expect(recorded[0]).toMatchObject({ method: "POST", url: "/a/invoke", body: { input: { question: "hi" }, config: DEFAULT_CONFIG, kwargs: {} } });
    expect(recorded[0]?.headers).toMatchObject({ "content-type": "application/json", accept: "application/json" });
  });

  it("projects the config to snake_case JSON-able keys and leaves run name, signal and timeout local", async () => {
    const remote = new RemoteRunnable({ url: `${base}/a` });
    await remote.invoke(1, {
      tags: ["t"],
      metadata: { m: 1, fn: () => 1 },
      configurable: { user_id: "u1", store: new Map() },
      recursionLimit: 10,
      maxConcurrency: 2,
      runId: "00000000-0000-0000-0000-000000000001",
      runName: "Named",
      signal: new AbortController().signal,
      timeout: 5000,
    });
    expect(recorded[0]?.body).toEqual({
      input: 1,
      config: {
        tags: ["t"],
        metadata: { m: 1, user_id: "u1" },
        configurable: { user_id: "u1" },
        recursion_limit: 10,
        max_concurrency: 2,
        run_id: "00000000-0000-0000-0000-000000000001",
      },
      kwargs: {},
    });
  });

  it("serialises messages and documents in the input as LangServe does", async () => {
    await new RemoteRunnable({ url: `${base}/a` }).invoke([new HumanMessage({ content: "hi", id: "m1" }), new Document({ pageContent: "p" })]);
    expect((recorded[0]?.body as { input: unknown }).input).toEqual([
      { content: "hi", additional_kwargs: {}, response_metadata: {}, type: "human", name: null, id: "m1", example: false },
      { id: null, metadata: {}, page_content: "p", type: "Document" },
    ]);
  });

  it("batch sends the configs as a list, one per input", async () => {
    await new RemoteRunnable({ url: `${base}/a` }).batch([1, 2], [{ tags: ["a"] }, { tags: ["b"] }]);
    expect(recorded[0]?.body).toEqual({
      inputs: [1, 2],
      config: [
        { ...DEFAULT_CONFIG, tags: ["a"] },
        { ...DEFAULT_CONFIG, tags: ["b"] },
      ],
      kwargs: {},
    });
    await new RemoteRunnable({ url: `${base}/a` }).batch([1, 2], { tags: ["c"] });
    expect((recorded[1]?.body as { config: unknown[] }).config).toHaveLength(2);
  });

  it("stream asks for an event stream", async () => {
    await drain(new RemoteRunnable({ url: `${base}/a` }).stream(1));
    expect(recorded[0]).toMatchObject({ url: "/a/stream", body: { input: 1, config: DEFAULT_CONFIG, kwargs: {} } });
    expect(recorded[0]?.headers.accept).toBe("text/event-stream");
  });

  it("stream_log sends the six filters snake_case and always diff: true", async () => {
    const filters = { includeNames: ["n"], includeTypes: ["llm"], includeTags: ["t"], excludeNames: ["x"], excludeTypes: ["y"], excludeTags: ["z"] };
    await drain(new RemoteRunnable({ url: `${base}/a` }).streamLog(1, undefined, { ...filters, diff: false }));
    expect(recorded[0]?.body).toEqual({
      input: 1,
      config: DEFAULT_CONFIG,
      kwargs: {},
      include_names: ["n"],
      include_types: ["llm"],
      include_tags: ["t"],
      exclude_names: ["x"],
      exclude_types: ["y"],
      exclude_tags: ["z"],
      diff: true,
    });
  });

  it("stream_events sends the version in kwargs and only the filters that are set", async () => {
    await drain(new RemoteRunnable({ url: `${base}/a` }).streamEvents(1, { version: "v2", tags: ["t"] }, { includeTypes: ["chat_model"] }));
    expect(recorded[0]?.body).toEqual({ input: 1, config: { ...DEFAULT_CONFIG, tags: ["t"] }, kwargs: { version: "v2" }, include_types: ["chat_model"] });
  });

  it("schema calls are GETs; a query string in the base URL stays after the endpoint", async () => {
    const remote = new RemoteRunnable({ url: `${base}/a?key=1` });
    await remote.fetchInputSchema();
    await remote.invoke(1);
    expect(recorded.map((r) => `${r.method} ${r.url}`)).toEqual(["GET /a/input_schema?key=1", "POST /a/invoke?key=1"]);
    expect(recorded[0]?.body).toBeUndefined();
  });
});
