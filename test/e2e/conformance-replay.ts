/**
 * Replays every LangServe capture in `../shared/spec/langserve-captures/` (same method, path,
 * headers and body) against an app on a real port and compares the answer with the capture:
 * status, media type, JSON shape and values (ids and times masked), SSE event grammar and
 * payloads. Where chainserve deliberately differs, the ALLOW-LIST below says how and why,
 * and the difference is asserted as written. Used for the example app
 * (conformance.test.ts) and for the same chains built with LangChain.js (test/interop).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import { request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { capturesDir, loadCaptures, mediaType, parseSse, type Capture } from "./captures.js";
import { diffShape, type ShapeOptions } from "./shape.js";
import { diffStream, diffStreamEvents, diffStreamLog, type StreamAllowances } from "./streams.js";
import { listenLocal } from "./listen.js";

// ------------------------------------------------------------------------------------------
// ALLOW-LIST. Every difference from the captures, with its reason. Nothing else may differ.
// ------------------------------------------------------------------------------------------

/** Differences that hold for a whole class of answers. */
const GLOBAL = {
  /** Every JSON error body (4xx/5xx). */
  errorBody: {
    reason:
      "one error shape: `message` and `code` sit next to LangServe's `detail` (conventions §5; LangChain.js reads `message`, B.6); " +
      "422 issues carry no pydantic documentation `url`",
    shape: { extraOk: new Set(["message", "code"]), missingOk: new Set(["url"]) },
  },
  /** GET {path}/input_schema, output_schema, config_schema. */
  schemas: {
    reason:
      "JSON Schema comes from zod, not pydantic: compared by root type, property names, required names and property types " +
      "(a property pydantic leaves untyped, from an untyped Python lambda, may be typed here); titles and additionalProperties differ",
  },
  /** Run metadata inside stream_log entries. */
  streamLog: {
    reason: "`__langserve_version` is chainserve's package version, not LangServe's",
    shape: { typeOnly: new Set(["__langserve_version"]) },
  },
} as const;

/** How one capture may differ. */
export interface CaseRule {
  reason: string;
  status?: number;
  mediaType?: string;
  /** Replaces the body comparison. */
  check?: (body: string, capture: Capture) => void;
  shape?: ShapeOptions & StreamAllowances;
  /** The capture shows an unterminated chunked body; ours must end cleanly. */
  cleanClose?: boolean;
}

const GLOBAL_STREAM_LOG = GLOBAL.streamLog.shape;
const JSON_500 = { detail: "Internal Server Error", message: "Internal Server Error", code: "INTERNAL" };
const DOC = { id: null, metadata: {}, page_content: "harrison worked at kensho", type: "Document" };

/** Per-case differences. */
export const CASES: Record<string, CaseRule> = {
  rag_invoke: {
    reason: "LangServe 500s re-validating the output against an inferred schema (context: str, reference-chains.md); chainserve returns it",
    status: 200,
    mediaType: "application/json",
    check: (body) =>
      expect(JSON.parse(body)).toMatchObject({
        output: { context: [DOC], question: "where did harrison work?", output: "Harrison worked at Kensho." },
        metadata: { run_id: expect.any(String), feedback_tokens: [] },
      }),
  },
  err_boom_invoke: {
    reason: "a failing runnable gives a 500 JSON error body, not Starlette's text/plain (reference-chains.md, runnable-semantics §B.9)",
    mediaType: "application/json",
    check: (body) => expect(JSON.parse(body)).toEqual(JSON_500),
  },
  err_boom_batch: {
    reason: "as err_boom_invoke",
    mediaType: "application/json",
    check: (body) => expect(JSON.parse(body)).toEqual(JSON_500),
  },
  err_batch_not_list: {
    reason: "a malformed batch body is the client's error: 422 with its location, never a 5xx (protocol §9.6)",
    status: 422,
    mediaType: "application/json",
    check: (body) => expect(JSON.parse(body)).toMatchObject({ detail: [{ loc: ["inputs"], input: 1 }], code: "BAD_REQUEST" }),
  },
  err_boom_stream: { reason: "after `event: error` the response ends cleanly; LangServe cuts the connection (§4.4)", cleanClose: true },
  err_boom_stream_log: { reason: "as err_boom_stream", cleanClose: true },
  err_boom_stream_events: { reason: "as err_boom_stream", cleanClose: true },
  err_chat_wrong_type: {
    reason: "zod reports a non-object as `dict_type` \"Input should be a valid dictionary\"; pydantic as `model_type` \"…or instance of PromptInput\" with a `ctx`; loc and input are identical",
    shape: { typeOnly: new Set(["type", "msg"]), missingOk: new Set(["ctx", "url"]), extraOk: new Set(["message", "code"]) },
  },
  err_chat_wrong_type_stream: {
    reason: "as err_chat_wrong_type",
    shape: { typeOnly: new Set(["type", "msg"]), missingOk: new Set(["ctx", "url"]), extraOk: new Set(["message", "code"]) },
  },
  chat_output_schema: {
    reason: "the same message union (oneOf of $defs), inferred from the chat model, with smaller message schemas and no FunctionMessage (chainserve has none)",
    check: (body, capture) => {
      type Union = { title: string; oneOf: { $ref: string }[]; $defs: Record<string, unknown> };
      const ours = JSON.parse(body) as Union;
      const theirs = JSON.parse(capture.response.body) as Union;
      expect(ours.title).toBe(theirs.title);
      expect(ours.oneOf.length).toBeGreaterThanOrEqual(10);
      for (const { $ref } of ours.oneOf) expect(Object.keys(theirs.$defs)).toContain($ref.replace("#/$defs/", ""));
    },
  },
  rag_output_schema: {
    reason: "inferred from the composition as LangServe does (context typed string, as the prompt reads it); the title names the class with its keys",
    check: (body, capture) => {
      const theirs = JSON.parse(capture.response.body) as Record<string, unknown>;
      expect(JSON.parse(body)).toEqual({ ...theirs, title: "RunnableAssign<output>Output" });
    },
  },
  openapi_json: {
    reason: "chainserve generates its own OpenAPI 3.1 document (src/server/openapi/): compared by version and the reference chains' paths (the app adds /lc/chat and its own routes); LangServe's token_feedback routes are not served (no LangSmith)",
    check: (body, capture) => {
      const ours = JSON.parse(body) as { openapi: string; paths: Record<string, unknown> };
      const theirs = JSON.parse(capture.response.body) as { openapi: string; paths: Record<string, unknown> };
      expect(ours.openapi).toBe(theirs.openapi);
      // The example app also serves /lc/chat (the chat chain written with LangChain.js), which LangServe's reference app has not.
      const chainPaths = (doc: { paths: Record<string, unknown> }): string[] =>
        Object.keys(doc.paths).filter((p) => !p.endsWith("/token_feedback") && !p.startsWith("/lc/") && p.split("/").length > 2).sort();
      expect(chainPaths(ours)).toEqual(chainPaths(theirs));
    },
  },
  assign_stream_log: {
    reason: "the `extra` and `modified` branches race: the root streamed_output chunks are compared as a multiset (final_output exactly)",
    shape: { ...GLOBAL_STREAM_LOG, unorderedStreamedOutput: true },
  },
  rag_stream_events: { reason: "parallel branches interleave differently: (event, name) pairs compared as a multiset", shape: { unorderedEvents: true } },
};

// ------------------------------------------------------------------------------------------

export const dir = capturesDir();
if (dir === undefined) {
  console.warn("\n!!! CONFORMANCE SKIPPED: ../shared/spec/langserve-captures not found next to the repository !!!\n");
}

interface Answer {
  status: number;
  contentType: string | undefined;
  body: string;
  /** Whether the body was read to its end without a transport error. */
  clean: boolean;
}

async function replay(base: string, capture: Capture): Promise<Answer> {
  const { method, path, headers, body } = capture.request;
  const res = await request(`${base}${path}`, {
    method: method as "GET" | "POST",
    headers,
    ...(body === undefined ? {} : { body }),
  });
  const contentType = res.headers["content-type"];
  try {
    return { status: res.statusCode, contentType: typeof contentType === "string" ? contentType : undefined, body: await res.body.text(), clean: true };
  } catch {
    return { status: res.statusCode, contentType: typeof contentType === "string" ? contentType : undefined, body: "", clean: false };
  }
}

function schemaSummary(schema: Record<string, unknown>): unknown {
  const properties = (schema.properties ?? {}) as Record<string, { type?: unknown }>;
  return {
    type: schema.type,
    required: [...((schema.required as string[] | undefined) ?? [])].sort(),
    properties: Object.fromEntries(Object.entries(properties).map(([k, v]) => [k, v.type ?? "any"])),
  };
}

/** GLOBAL.schemas: a property LangServe leaves untyped ("any") may have a type here. */
function diffSchema(actual: Record<string, unknown>, expected: Record<string, unknown>): string[] {
  const a = schemaSummary(actual) as { properties: Record<string, unknown> };
  const e = schemaSummary(expected) as { properties: Record<string, unknown> };
  for (const [key, type] of Object.entries(e.properties)) {
    if (type === "any" && key in a.properties) a.properties[key] = "any";
  }
  return diffShape(a, e, {}, "$schema");
}

function compareBody(capture: Capture, answer: Answer, rule: CaseRule | undefined): string[] {
  const expected = capture.response;
  const type = mediaType(expected.headers["content-type"]);
  const endpoint = capture.request.path.split("/").at(-1) ?? "";
  if (type === "text/event-stream") {
    const actual = parseSse(answer.body);
    const wanted = parseSse(expected.body);
    if (endpoint === "stream_log") return diffStreamLog(actual, wanted, rule?.shape ?? GLOBAL_STREAM_LOG);
    const allow = rule?.shape ?? {};
    if (endpoint === "stream_events") return diffStreamEvents(actual, wanted, allow);
    return diffStream(actual, wanted, allow);
  }
  const actual = JSON.parse(answer.body) as unknown;
  const wanted = JSON.parse(expected.body) as unknown;
  if (endpoint.endsWith("_schema")) {
    return diffSchema(actual as Record<string, unknown>, wanted as Record<string, unknown>);
  }
  const shape = rule?.shape ?? (expected.status >= 400 ? GLOBAL.errorBody.shape : {});
  return diffShape(actual, wanted, shape);
}

/**
 * Replays every capture against the app `build` makes; `cases` adds or replaces allow-list
 * entries (each with its reason).
 */
export function describeConformance(title: string, build: () => Promise<FastifyInstance>, cases: Record<string, CaseRule> = {}): void {
  const all: Record<string, CaseRule> = { ...CASES, ...cases };
  describe.skipIf(dir === undefined)(title, () => {
    let app: FastifyInstance;
    let base: string;
    const captures = dir === undefined ? [] : loadCaptures(dir);

    beforeAll(async () => {
      app = await build();
      base = await listenLocal(app);
    });
    afterAll(async () => {
      await app.close();
    });

    it("finds the captures and has no allow-list entry without a capture", () => {
      expect(captures.length).toBeGreaterThanOrEqual(52);
      const names = new Set(captures.map((c) => c.name));
      expect(Object.keys(all).filter((name) => !names.has(name))).toEqual([]);
    });

    for (const capture of captures) {
      const rule = all[capture.name];
      const title = `${capture.name}: ${capture.request.method} ${capture.request.path}${rule === undefined ? " matches" : ` differs as allowed (${rule.reason})`}`;
      it(title, async () => {
        const answer = await replay(base, capture);
        expect(answer.status, "status").toBe(rule?.status ?? capture.response.status);
        expect(mediaType(answer.contentType), "media type").toBe(rule?.mediaType ?? mediaType(capture.response.headers["content-type"]));
        expect(answer.clean, "the response body ends cleanly").toBe(true);
        if (rule?.cleanClose === true) {
          // The improvement, asserted: LangServe's chunked body had no terminating chunk.
          const raw = readFileSync(join(dir as string, `${capture.name}.raw.http`), "utf8");
          expect(raw.endsWith("0\r\n\r\n")).toBe(false);
          expect(parseSse(answer.body).at(-1)?.event).toBe("error");
        }
        if (rule?.check !== undefined) {
          rule.check(answer.body, capture);
          return;
        }
        expect(compareBody(capture, answer, rule)).toEqual([]);
      });
    }
  });
}
