import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ChainserveError, ERROR_CODES, type ErrorCode } from "../../src/core/errors.js";
import { batchResponse, invokeResponse } from "../../src/serde/envelopes.js";
import { errorBody, fromWireError, validationError } from "../../src/serde/errors.js";

describe("response envelopes", () => {
  it("builds the invoke envelope with run id and empty feedback tokens, output first", () => {
    expect(JSON.stringify(invokeResponse({ a: 1 }, "r1"))).toBe('{"output":{"a":1},"metadata":{"run_id":"r1","feedback_tokens":[]}}');
  });

  it("builds the batch envelope with responses before the legacy run_ids", () => {
    expect(JSON.stringify(batchResponse([1, 2], ["a", "b"]))).toBe(
      '{"output":[1,2],"metadata":{"responses":[{"run_id":"a","feedback_tokens":[]},{"run_id":"b","feedback_tokens":[]}],"run_ids":["a","b"]}}',
    );
  });
});

describe("the wire error shape", () => {
  it("puts detail first, then message and code", () => {
    expect(JSON.stringify(errorBody("NOT_FOUND", "Not Found"))).toBe('{"detail":"Not Found","message":"Not Found","code":"NOT_FOUND"}');
  });

  it("summarises validation issues into the message and keeps them as detail", () => {
    const error = validationError([{ type: "missing", loc: ["input"], msg: "Field required", input: {} }]);
    expect(error.code).toBe("BAD_REQUEST");
    expect(error.status).toBe(422);
    expect(error.message).toBe("input: Field required");
    expect(error.detail).toEqual([{ type: "missing", loc: ["input"], msg: "Field required", input: {} }]);
  });

  it("lets a client rebuild the same code from a body", () => {
    const rebuilt = fromWireError(429, errorBody("RATE_LIMITED", "slow down"));
    expect(rebuilt).toBeInstanceOf(ChainserveError);
    expect(rebuilt.code).toBe("RATE_LIMITED");
    expect(rebuilt.status).toBe(429);
    expect(rebuilt.message).toBe("slow down");
  });

  it("derives a code from the status for LangServe bodies that only have detail", () => {
    expect(fromWireError(422, { detail: [{ type: "missing" }] }).code).toBe("BAD_REQUEST");
    expect(fromWireError(404, { detail: "Not Found" }).message).toBe("Not Found");
    expect(fromWireError(500, "Internal Server Error").code).toBe("INTERNAL");
  });

  it("documents every error code with its status in the README's error table", () => {
    const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
    const missing: string[] = [];
    for (const [code, status] of Object.entries(ERROR_CODES) as [ErrorCode, number][]) {
      const row = new RegExp(`^\\|\\s*\`${code}\`\\s*\\|\\s*${status}\\s*\\|`, "m");
      if (!row.test(readme)) missing.push(`${code} (${status})`);
    }
    expect(missing).toEqual([]);
  });
});

describe("errors from a remote chainserve the chain calls", () => {
  it("become 502 UPSTREAM_ERROR instead of passing the remote's 4xx through", async () => {
    const { toHttpError } = await import("../../src/server/error-mapper.js");
    const { RemoteRunnableError } = await import("../../src/client/index.js");
    const remote422 = new RemoteRunnableError("BAD_REQUEST", "bad", { status: 422, detail: [] });
    expect(toHttpError(remote422).status).toBe(502);
    expect(toHttpError(remote422).code).toBe("UPSTREAM_ERROR");
  });
});
