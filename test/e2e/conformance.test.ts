/**
 * Conformance with Python LangServe 0.3.3: every capture replayed against the example app
 * (the allow-list and the replay are in conformance-replay.ts), and LangServe defects that
 * have no capture.
 */
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../../routes/app.js";
import { parseSse } from "./captures.js";
import { describeConformance } from "./conformance-replay.js";

describeConformance("LangServe conformance: every capture replayed against the example app", () => buildApp({ env: {}, logger: false }));

describe("LangServe defects fixed (no capture: the LangServe behaviour is in the spec)", () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = await buildApp({ env: {}, logger: false });
  });
  afterAll(async () => {
    await app.close();
  });

  it("treats `config: null` as {} on invoke and stream (LangServe: 500, protocol §2.2, §9.5)", async () => {
    const invoke = await app.inject({ method: "POST", url: "/echo/invoke", payload: { input: 1, config: null } });
    expect(invoke.statusCode).toBe(200);
    expect(invoke.json()).toMatchObject({ output: 1 });
    const stream = await app.inject({ method: "POST", url: "/echo/stream", payload: { input: 1, config: null } });
    expect(stream.statusCode).toBe(200);
    expect(parseSse(stream.body).map((m) => m.event)).toEqual(["metadata", "data", "end"]);
  });

  it("returns an output with a `root` key unchanged (LangServe collapses it to its value, §3.1, §9.9)", async () => {
    const value = { root: 1, other: 2 };
    const invoke = await app.inject({ method: "POST", url: "/echo/invoke", payload: { input: value } });
    expect(invoke.json()).toMatchObject({ output: value });
    const batch = await app.inject({ method: "POST", url: "/echo/batch", payload: { inputs: [value] } });
    expect(batch.json()).toMatchObject({ output: [value] });
  });

  it("rejects an invalid batch item with 422 and its location (LangServe: 500, §9.6)", async () => {
    const res = await app.inject({ method: "POST", url: "/assign/batch", payload: { inputs: [{ num: 1 }, { x: 1 }] } });
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({ detail: [{ loc: ["inputs", 1, "num"], type: "missing" }] });
  });
});
