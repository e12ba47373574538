/**
 * Interop: LangChain.js's own RemoteRunnable (0.3.80, a client nobody here wrote) against the
 * example app with API_KEYS: its `options.headers` carry the key; without it, the 401 is
 * what that client reports.
 */
import type { FastifyInstance } from "fastify";
import { RemoteRunnable } from "lc03/runnables/remote";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { JOKE } from "../../chains/chat.js";
import { buildApp } from "../../routes/app.js";
import { listenLocal } from "../e2e/listen.js";

let app: FastifyInstance;
let base: string;
beforeAll(async () => {
  app = await buildApp({ env: { API_KEYS: "lc-key" }, logger: false });
  base = await listenLocal(app);
});
afterAll(() => app.close());

describe("LangChain.js RemoteRunnable 0.3.80 against a mount with auth", () => {
  it("invokes and streams with the key in its headers", async () => {
    const remote = new RemoteRunnable<any, any, any>({ url: `${base}/chat`, options: { headers: { "x-api-key": "lc-key" } } });
    expect((await remote.invoke({ topic: "bears" })).content).toBe(JOKE);
    let text = "";
    for await (const chunk of await remote.stream({ topic: "bears" })) text += String(chunk.content);
    expect(text).toBe(JOKE);
  });

  it("reports the 401 without a key, on invoke and on stream", async () => {
    const remote = new RemoteRunnable<any, any, any>({ url: `${base}/chat` });
    await expect(remote.invoke({ topic: "bears" })).rejects.toThrow(/401 Error: \{"detail":"Missing credentials","message":"Missing credentials","code":"UNAUTHORIZED"\}/);
    await expect(
      (async () => {
        for await (const _ of await remote.stream({ topic: "bears" })) void _;
      })(),
    ).rejects.toThrow(/401/);
  });
});
