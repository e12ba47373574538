/**
 * Retry-After from a run's failure to the caller: a ChainserveError's `retryAfter`, or an
 * errorMapper's, becomes the `Retry-After` header before a stream starts and `retry_after` in
 * the `event: error` frame after, and RemoteRunnableError.retryAfter either way.
 */
import Fastify, { type FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ChainserveError, RunnableLambda } from "../../src/core/index.js";
import { RemoteRunnable } from "../../src/client/index.js";
import { addRoutes } from "../../src/server/index.js";
import { parseRetryAfter } from "../../src/serde/retry-after.js";
import { listenLocal } from "../e2e/listen.js";

let app: FastifyInstance;
let base: string;
beforeAll(async () => {
  app = Fastify();
  const busy = RunnableLambda.from((): string => {
    throw new ChainserveError("RATE_LIMITED", "Try later", { retryAfter: 2.5 });
  });
  const down = RunnableLambda.from((): string => {
    throw Object.assign(new Error("provider maintenance window, org-42"), { maintenance: true });
  });
  await addRoutes(app, busy, { path: "/busy" });
  await addRoutes(app, down, {
    path: "/down",
    errorMapper: (error) => ((error as { maintenance?: boolean }).maintenance ? { status: 503, code: "UNAVAILABLE", message: "maintenance", safe: true, retryAfter: 30 } : undefined),
  });
  base = await listenLocal(app);
});
afterAll(() => app.close());

describe("Retry-After to the caller", () => {
  it("sends a ChainserveError's retryAfter, rounded up, as the header and in the stream's error frame", async () => {
    const res = await fetch(`${base}/busy/invoke`, { method: "POST", body: '{"input":1}' });
    expect(res.status).toBe(429);
    expect(res.headers.get("retry-after")).toBe("3");
    const stream = await (await fetch(`${base}/busy/stream`, { method: "POST", body: '{"input":1}' })).text();
    expect(stream).toContain('event: error\r\ndata: {"status_code": 429, "message": "Try later", "retry_after": 3}\r\n');
  });

  it("sends an errorMapper's retryAfter, and the client exposes it on invoke and stream", async () => {
    const remote = new RemoteRunnable<number, string>({ url: `${base}/down` });
    await expect(remote.invoke(1)).rejects.toMatchObject({ code: "UNAVAILABLE", status: 503, retryAfter: 30, message: "maintenance" });
    await expect(
      (async () => {
        for await (const _ of await remote.stream(1)) void _;
      })(),
    ).rejects.toMatchObject({ code: "UNAVAILABLE", status: 503, retryAfter: 30 });
  });

  it("parses delay-seconds and HTTP dates, and ignores what is neither", () => {
    expect(parseRetryAfter("7")).toBe(7);
    expect(parseRetryAfter(" 120 ")).toBe(120);
    expect(parseRetryAfter("Wed, 21 Oct 2015 07:28:00 GMT", Date.parse("Wed, 21 Oct 2015 07:27:30 GMT"))).toBe(30);
    expect(parseRetryAfter("Wed, 21 Oct 2015 07:28:00 GMT", Date.parse("Wed, 21 Oct 2015 08:00:00 GMT"))).toBe(0);
    expect(parseRetryAfter("soon")).toBeUndefined();
    expect(parseRetryAfter(-1)).toBeUndefined();
    expect(parseRetryAfter(undefined)).toBeUndefined();
  });
});
