/**
 * The operations of one mounted chain: the LangServe POST endpoints (request envelopes,
 * invoke/batch responses, `text/event-stream` for the streams), the GET schema endpoints,
 * their error responses, and the security requirement an `auth` option set.
 */
import type { EndpointName } from "../options.js";
import type { MountedChain } from "../plugin.js";
import { json, ref, type JsonSchema } from "./components.js";

const SSE_DESCRIPTION =
  "Server-Sent Events (CRLF frames, `event:` then `data:`). /stream: `metadata` {run_id} before the first chunk, " +
  "`data` per output chunk, then `end` (no data). /stream_log: `data` {ops: JSON-patch[]}. /stream_events: `data` " +
  "v2 StreamEvent. A failure after the head is one `error` event (see StreamError) and the end of the response. " +
  "Comment pings keep idle streams open.";

const SSE_EXAMPLE = 'event: metadata\r\ndata: {"run_id": "…"}\r\n\r\nevent: data\r\ndata: "Why"\r\n\r\nevent: end\r\n\r\n';

const ERRORS: Record<string, JsonSchema> = {
  "422": {
    description: "Validation error",
    content: json(ref("HTTPValidationError"), { detail: [{ loc: ["body", "input"], msg: "Field required", type: "missing" }] }),
  },
  "500": { description: "The runnable failed", content: json(ref("ServerError"), { detail: "Internal Server Error", message: "Internal Server Error", code: "INTERNAL" }) },
};

const AUTH_ERRORS: Record<string, JsonSchema> = {
  "401": { description: "Missing or invalid credentials", content: json(ref("AuthError"), { detail: "Unauthorized", code: "UNAUTHORIZED" }) },
  "403": { description: "The credentials do not grant access", content: json(ref("AuthError"), { detail: "Forbidden", code: "FORBIDDEN" }) },
};

/** Examples of the chain's request bodies, from its input schema. */
export interface ChainExamples {
  /** An example input (null when the input schema says nothing). */
  input: unknown;
}

/**
 * The operation objects of `chain` by endpoint (without `tags` / `operationId`).
 * @example
 * operations("chat", chain, { input: { topic: "string" } }).invoke;
 */
export function operations(id: string, chain: Pick<MountedChain, "path" | "security">, examples: ChainExamples): Record<EndpointName, JsonSchema> {
  const path = chain.path || "/";
  const single = { input: examples.input, config: {}, kwargs: {} };
  const post = (summary: string, body: string, example: unknown, ok: JsonSchema): JsonSchema => ({
    summary,
    requestBody: { required: true, content: json(ref(body), example) },
    responses: { "200": ok, ...ERRORS },
  });
  const stream = (summary: string, body: string): JsonSchema =>
    post(summary, body, single, { description: SSE_DESCRIPTION, content: { "text/event-stream": { schema: { type: "string" }, example: SSE_EXAMPLE } } });
  const schemaOp = (what: string): JsonSchema => ({
    summary: `JSON Schema of ${path}'s ${what}`,
    responses: { "200": { description: `JSON Schema of the ${what}`, content: json({ type: "object" }) } },
  });
  const ops: Record<EndpointName, JsonSchema> = {
    invoke: post(`Invoke ${path}`, `${id}InvokeRequest`, single, { description: "The output and run metadata", content: json(ref(`${id}InvokeResponse`)) }),
    batch: post(`Invoke ${path} on several inputs`, `${id}BatchRequest`, { inputs: [examples.input], config: {}, kwargs: {} }, {
      description: "The outputs in input order and per-run metadata",
      content: json(ref(`${id}BatchResponse`)),
    }),
    stream: stream(`Stream ${path}'s output chunks`, `${id}StreamRequest`),
    stream_log: stream(`Stream ${path}'s run log as JSON-patch operations`, `${id}StreamLogRequest`),
    stream_events: stream(`Stream ${path}'s v2 events`, `${id}StreamEventsRequest`),
    input_schema: schemaOp("input"),
    output_schema: schemaOp("output"),
    config_schema: schemaOp("config"),
  };
  if (chain.security !== undefined) {
    const open = new Set(chain.security.publicEndpoints);
    for (const [endpoint, op] of Object.entries(ops) as [EndpointName, JsonSchema][]) {
      if (open.has(endpoint)) op.security = [];
      else {
        op.security = chain.security.requirement;
        op.responses = { ...(op.responses as JsonSchema), ...AUTH_ERRORS };
      }
    }
  }
  return ops;
}
