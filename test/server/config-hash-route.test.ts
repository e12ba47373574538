import Fastify, { type FastifyInstance } from "fastify";
import lzString from "lz-string";
import { request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Runnable, type RunnableConfig } from "../../src/core/index.js";
import { addRoutes } from "../../src/server/index.js";
import { listenLocal } from "../e2e/listen.js";

/** Answers with the tags and metadata its run received. */
class ConfigEcho extends Runnable<unknown, unknown> {
  override async invoke(input: unknown, config?: RunnableConfig): Promise<unknown> {
    const metadata = Object.fromEntries(Object.entries(config?.metadata ?? {}).filter(([k]) => !k.startsWith("__")));
    return { input, tags: config?.tags, metadata };
  }
}

// What a deployment really puts in a config: ids, a tenant, feature flags, a trace parent.
const CONFIG = {
  tags: ["production", "team-search", "experiment-42-variant-b"],
  metadata: {
    user_id: "0b9e5c3a-1d2f-4e6a-8b7c-9d0e1f2a3b4c",
    session_id: "6f1c2b1e-3a4d-4c5e-9f60-718293a4b5c6",
    tenant: "acme-corporation-emea",
    locale: "en-GB",
    traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
    flags: { rerank: true, cache: "read-through", max_docs: 8 },
  },
};
const HASH = lzString.compressToEncodedURIComponent(JSON.stringify(CONFIG));

let app: FastifyInstance;
let base: string;

beforeAll(async () => {
  app = Fastify();
  await addRoutes(app, new ConfigEcho(), { path: "/cfg", configKeys: ["configurable", "tags", "metadata"] });
  base = await listenLocal(app);
});

afterAll(async () => {
  await app.close();
});

async function call(method: "GET" | "POST", path: string, body?: string) {
  const res = await request(`${base}${path}`, { method, body, headers: { "content-type": "application/json" } });
  const text = await res.body.text();
  return { status: res.statusCode, headers: res.headers, text, json: () => JSON.parse(text) as Record<string, any> };
}

describe("config hashes longer than Fastify's maxParamLength", () => {
  it("are long for a realistic config", () => {
    expect(HASH.length).toBeGreaterThan(200);
  });

  it("reach the run on invoke, with Fastify's default options", async () => {
    const res = await call("POST", `/cfg/c/${HASH}/invoke`, '{"input":"hi"}');
    expect(res.status).toBe(200);
    expect(res.json().output).toEqual({ input: "hi", tags: [...CONFIG.tags].sort(), metadata: CONFIG.metadata });
  });

  it("reach the run on batch and the streams too", async () => {
    const batch = await call("POST", `/cfg/c/${HASH}/batch`, '{"inputs":[1,2]}');
    expect(batch.status).toBe(200);
    expect(batch.json().output[1].metadata.tenant).toBe("acme-corporation-emea");
    for (const endpoint of ["stream", "stream_log", "stream_events"]) {
      const res = await call("POST", `/cfg/c/${HASH}/${endpoint}`, '{"input":"hi"}');
      expect(res.status, endpoint).toBe(200);
      expect(res.text, endpoint).toContain("acme-corporation-emea");
      expect(res.text, endpoint).toContain("event: end");
    }
    expect((await call("GET", `/cfg/c/${HASH}/input_schema`)).status).toBe(200);
  });

  it("answer an unknown endpoint with 404 and a wrong method with 405, in the error shape", async () => {
    const missing = await call("POST", `/cfg/c/${HASH}/nope`, '{"input":1}');
    expect(missing.status).toBe(404);
    expect(missing.json()).toMatchObject({ code: "NOT_FOUND", message: "Not Found" });
    const nested = await call("POST", `/cfg/c/${HASH}/x/invoke`, '{"input":1}');
    expect(nested.status).toBe(404);
    const wrong = await call("GET", `/cfg/c/${HASH}/invoke`);
    expect(wrong.status).toBe(405);
    expect(wrong.headers.allow).toBe("POST");
    expect(wrong.json().code).toBe("METHOD_NOT_ALLOWED");
  });

  it("answer a long garbage hash with 400 INVALID_CONFIG_HASH", async () => {
    const res = await call("POST", `/cfg/c/${"Z".repeat(500)}/invoke`, '{"input":1}');
    expect(res.status).toBe(400);
    expect(res.json().code).toBe("INVALID_CONFIG_HASH");
  });
});
