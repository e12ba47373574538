import Fastify, { type FastifyInstance } from "fastify";
import lzString from "lz-string";
import { afterEach, describe, expect, it } from "vitest";
import { ChainserveError, Runnable, type RunnableConfig } from "../../src/core/index.js";
import { addRoutes, type AddRoutesOptions } from "../../src/server/index.js";

/** Records the exact config each call receives. */
class Probe extends Runnable<unknown, unknown> {
  readonly seen: RunnableConfig[] = [];
  constructor(readonly label = "probe") {
    super();
  }
  override async invoke(input: unknown, config?: RunnableConfig): Promise<unknown> {
    this.seen.push(config ?? {});
    return { label: this.label, input };
  }
}

const RUN_ID = "6f1c2b1e-3a4d-4c5e-9f60-718293a4b5c6";
const RUN_ID_2 = "0b9e5c3a-1d2f-4e6a-8b7c-9d0e1f2a3b4c";

let app: FastifyInstance;
afterEach(async () => {
  await app.close();
});

async function mount(options: Omit<AddRoutesOptions, "path"> & { path?: string }, runnable: Runnable = new Probe()): Promise<Probe> {
  app = Fastify();
  await addRoutes(app, runnable, { path: "/p", ...options });
  return runnable as Probe;
}

async function invoke(body: unknown, url = "/p/invoke", headers: Record<string, string> = {}) {
  const res = await app.inject({ method: "POST", url, payload: JSON.stringify(body), headers: { "content-type": "application/json", ...headers } });
  return { status: res.statusCode, json: res.json() as Record<string, any> };
}

describe("the config pipeline", () => {
  it("accepts snake_case keys from the Python client", async () => {
    const probe = await mount({ configKeys: ["recursion_limit", "max_concurrency", "run_id"] });
    await invoke({ input: 1, config: { recursion_limit: 10, max_concurrency: 3, run_id: RUN_ID } });
    expect(probe.seen[0]).toMatchObject({ recursionLimit: 10, maxConcurrency: 3, runId: RUN_ID });
  });

  it("accepts camelCase keys from the LangChain.js client", async () => {
    const probe = await mount({ configKeys: ["recursionLimit", "maxConcurrency", "runId"] });
    await invoke({ input: 1, config: { recursionLimit: 7, maxConcurrency: 2, runId: RUN_ID } });
    expect(probe.seen[0]).toMatchObject({ recursionLimit: 7, maxConcurrency: 2, runId: RUN_ID });
  });

  it("drops keys outside configKeys and every key that could run code", async () => {
    const probe = await mount({});
    const res = await invoke({
      input: 1,
      config: { tags: ["t"], metadata: { m: 1 }, recursion_limit: 3, callbacks: [{}], signal: {}, timeout: 1, run_name: "x", runName: "y", foo: 1 },
    });
    expect(res.status).toBe(200);
    const seen = probe.seen[0] as Record<string, unknown>;
    // The server hands the runnable a normalised config: the defaults, not the client's values.
    expect(Object.keys(seen).sort()).toEqual(["metadata", "recursionLimit", "runId", "runName", "signal", "tags"]);
    expect(seen.tags).toEqual([]);
    expect(seen.recursionLimit).toBe(25);
    expect(seen.runName).toBe("/p");
    expect(seen.signal).toBeInstanceOf(AbortSignal);
    expect(Object.keys(seen.metadata as object)).toEqual(["__useragent", "__langserve_version", "__langserve_endpoint"]);
  });

  it("type-checks kept keys and reports loc relative to the config", async () => {
    await mount({ configKeys: ["tags", "metadata", "recursion_limit", "runId"] });
    const res = await invoke({ input: 1, config: { tags: ["a", 1], metadata: [], recursion_limit: "x", runId: "nope" } });
    expect(res.status).toBe(422);
    expect(res.json.detail.map((i: { loc: unknown; type: string }) => [i.loc, i.type])).toEqual([
      [["tags", 1], "string_type"],
      [["metadata"], "dict_type"],
      [["recursion_limit"], "int_type"],
      [["runId"], "uuid_parsing"],
    ]);
  });

  it("does not type-check keys it drops anyway, as LangServe ignores them", async () => {
    await mount({});
    expect((await invoke({ input: 1, config: { tags: "not a list" } })).status).toBe(200);
  });

  it("treats config null as an empty config instead of LangServe's 500", async () => {
    await mount({});
    expect((await invoke({ input: 1, config: null })).status).toBe(200);
    const stream = await app.inject({ method: "POST", url: "/p/stream", payload: '{"input":1,"config":null}' });
    expect(stream.statusCode).toBe(200);
  });

  it("merges the hash config before the body config, with tags as a sorted set", async () => {
    const probe = await mount({ configKeys: ["tags", "metadata"] });
    const hash = lzString.compressToEncodedURIComponent(JSON.stringify({ tags: ["z", "b"], metadata: { a: 1, b: 1 } }));
    await invoke({ input: 1, config: { tags: ["b", "a", "b"], metadata: { b: 2 } } }, `/p/c/${hash}/invoke`);
    expect(probe.seen[0]?.tags).toEqual(["a", "b", "z"]);
    expect(probe.seen[0]?.metadata).toMatchObject({ a: 1, b: 2 });
  });

  it("uses a fresh run id unless run_id is an allowed key", async () => {
    const probe = await mount({});
    const res = await invoke({ input: 1, config: { run_id: RUN_ID } });
    expect(probe.seen[0]?.runId).not.toBe(RUN_ID);
    expect(probe.seen[0]?.runId).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.json.metadata.run_id).toBe(probe.seen[0]?.runId);
  });

  it("uses the client's run id when allowed and reports it back", async () => {
    const probe = await mount({ configKeys: ["run_id"] });
    const res = await invoke({ input: 1, config: { run_id: RUN_ID.toUpperCase() } });
    expect(probe.seen[0]?.runId).toBe(RUN_ID);
    expect(res.json.metadata.run_id).toBe(RUN_ID);
  });

  it("gives a shared batch run id to the first item only, and per-item ids to their items", async () => {
    await mount({ configKeys: ["run_id"] });
    const shared = await app.inject({ method: "POST", url: "/p/batch", payload: JSON.stringify({ inputs: [1, 2], config: { run_id: RUN_ID } }) });
    const ids = shared.json().metadata.run_ids as string[];
    expect(ids[0]).toBe(RUN_ID);
    expect(ids[1]).not.toBe(RUN_ID);
    const list = await app.inject({ method: "POST", url: "/p/batch", payload: JSON.stringify({ inputs: [1, 2], config: [{ run_id: RUN_ID }, { runId: RUN_ID_2 }] }) });
    expect(list.json().metadata.run_ids).toEqual([RUN_ID, RUN_ID_2]);
  });

  it("stamps server metadata that a client cannot spoof", async () => {
    const probe = await mount({ configKeys: ["metadata"] });
    await invoke({ input: 1, config: { metadata: { __langserve_endpoint: "evil", user: "u" } } }, "/p/invoke", { "user-agent": "ua/1" });
    expect(probe.seen[0]?.metadata).toEqual({ user: "u", __useragent: "ua/1", __langserve_version: expect.any(String), __langserve_endpoint: "invoke" });
  });

  it("leaves server metadata out when includeServerMetadata is false", async () => {
    const probe = await mount({ includeServerMetadata: false });
    await invoke({ input: 1 });
    expect(probe.seen[0]?.metadata).toEqual({});
  });

  it("names the run after the full mount path, instance prefix included", async () => {
    app = Fastify();
    const probe = new Probe();
    await app.register(async (api) => addRoutes(api, probe, { path: "/chat" }), { prefix: "/api" });
    await app.inject({ method: "POST", url: "/api/chat/invoke", payload: '{"input":1}' });
    expect(probe.seen[0]?.runName).toBe("/api/chat");
  });

  it("sets no run name on a root mount, so the runnable's own name shows", async () => {
    const probe = await mount({ path: "" });
    await invoke({ input: 1 }, "/invoke");
    expect(probe.seen[0]).not.toHaveProperty("runName");
  });
});

describe("configurable fields", () => {
  const alternatives = (): Runnable => new Probe("default").configurableAlternatives({ which: { id: "mode" }, alternatives: { upper: new Probe("upper") } });

  it("passes declared configurable values, validated, and drops undeclared ones", async () => {
    await mount({}, alternatives());
    const res = await invoke({ input: 1, config: { configurable: { mode: "upper", other: 1 } } });
    expect(res.json.output.label).toBe("upper");
    const bad = await invoke({ input: 1, config: { configurable: { mode: "nope" } } });
    expect(bad.status).toBe(422);
    expect(bad.json.detail[0]).toMatchObject({ type: "literal_error", loc: ["configurable", "mode"], input: "nope" });
  });

  it("answers 422 when configurable is disallowed and the client sets a declared field", async () => {
    await mount({ configKeys: ["tags"] }, alternatives());
    const res = await invoke({ input: 1, config: { configurable: { mode: "upper" } } });
    expect(res.status).toBe(422);
    expect(res.json.detail).toMatch(/^The config field `configurable` has been disallowed by the server/);
  });

  it("lets the Python client's empty configurable through a disallowing mount (LangServe rejects it)", async () => {
    await mount({ configKeys: ["tags"] }, alternatives());
    expect((await invoke({ input: 1, config: { configurable: {} } })).status).toBe(200);
  });

  it("drops configurable silently for a runnable that declares no fields", async () => {
    const probe = await mount({ configKeys: [] });
    expect((await invoke({ input: 1, config: { configurable: { session_id: "s" } } })).status).toBe(200);
    expect(probe.seen[0]).not.toHaveProperty("configurable");
  });
});

describe("perRequestConfigModifier", () => {
  it("applies a sync modifier that reads the request", async () => {
    const probe = await mount({
      perRequestConfigModifier: (config, request) => ({ ...config, metadata: { ...config.metadata, user: request.headers["x-user"] } }),
    });
    await invoke({ input: 1 }, "/p/invoke", { "x-user": "alice" });
    expect(probe.seen[0]?.metadata).toMatchObject({ user: "alice", __langserve_endpoint: "invoke" });
  });

  it("applies an async modifier and keeps the server's keys on top", async () => {
    const probe = await mount({
      perRequestConfigModifier: async (config) => {
        await new Promise((r) => setTimeout(r, 5));
        return { ...config, tags: ["from-modifier"], runName: "spoof", metadata: { __langserve_endpoint: "spoof" } };
      },
    });
    await invoke({ input: 1 });
    expect(probe.seen[0]).toMatchObject({ tags: ["from-modifier"], runName: "/p", metadata: { __langserve_endpoint: "invoke" } });
  });

  it("keeps the status of a ChainserveError the modifier throws", async () => {
    const probe = await mount({
      perRequestConfigModifier: () => {
        throw new ChainserveError("FORBIDDEN", "no access for this caller");
      },
    });
    const res = await invoke({ input: 1 });
    expect(res.status).toBe(403);
    expect(res.json).toEqual({ detail: "no access for this caller", message: "no access for this caller", code: "FORBIDDEN" });
    expect(probe.seen).toHaveLength(0);
  });

  it("answers 500 with a sanitised body when the modifier throws anything else", async () => {
    await mount({
      perRequestConfigModifier: async () => {
        throw new Error("secret database password in message");
      },
    });
    const res = await invoke({ input: 1 });
    expect(res.status).toBe(500);
    expect(res.json).toEqual({ detail: "Internal Server Error", message: "Internal Server Error", code: "INTERNAL" });
  });

  it("sends modifier failures through the errorMapper", async () => {
    await mount({
      perRequestConfigModifier: () => {
        throw Object.assign(new Error("quota"), { status: 429 });
      },
      errorMapper: (error) => ((error as { status?: number }).status === 429 ? { status: 429, code: "RATE_LIMITED", message: "Slow down", safe: true } : undefined),
    });
    const res = await invoke({ input: 1 });
    expect(res.status).toBe(429);
    expect(res.json.message).toBe("Slow down");
  });

  it("sees the parsed request body, as LangServe's modifier can read request.json()", async () => {
    let body: unknown;
    await mount({ perRequestConfigModifier: (config, request) => ((body = request.body), config) });
    await invoke({ input: { q: 1 }, kwargs: {} });
    expect(body).toEqual({ input: { q: 1 }, kwargs: {} });
  });

  it("runs once per batch item and not at all for an invalid body", async () => {
    let calls = 0;
    await mount({ perRequestConfigModifier: (config) => (calls++, config) });
    await app.inject({ method: "POST", url: "/p/batch", payload: '{"inputs":[1,2,3]}' });
    expect(calls).toBe(3);
    await app.inject({ method: "POST", url: "/p/invoke", payload: "{}" });
    expect(calls).toBe(3);
  });
});
