/** Transport choice: undici (keep-alive Agent) by default in Node, `fetch` when one is passed. */
import { describe, expect, it } from "vitest";
import { resolveTransport } from "../../src/client/transport.js";

describe("resolveTransport", () => {
  it("uses undici in Node, loaded lazily and shared by every client", async () => {
    const first = await resolveTransport(undefined);
    expect(first.kind).toBe("undici");
    expect(await resolveTransport(undefined)).toBe(first);
  });

  it("uses the fetch a caller passes", async () => {
    const calls: string[] = [];
    const fake: typeof fetch = async (url) => {
      calls.push(String(url));
      return new Response('{"output":1}', { status: 200, headers: { "content-type": "application/json" } });
    };
    const transport = await resolveTransport(fake);
    expect(transport.kind).toBe("fetch");
    const response = await transport.send({ method: "POST", url: "http://example.invalid/a/invoke", headers: {}, body: "{}", signal: new AbortController().signal });
    expect(response.status).toBe(200);
    expect(response.header("Content-Type")).toBe("application/json");
    expect(await response.text()).toBe('{"output":1}');
    expect(calls).toEqual(["http://example.invalid/a/invoke"]);
  });
});
