/**
 * OpenAPI 3.1 document for the chains mounted with `addRoutes`: per chain the LangServe
 * POST endpoints (request envelopes, invoke/batch responses, `text/event-stream` for the
 * streams, 422/500 error shapes), the GET schema endpoints and their `/c/{config_hash}/`
 * twins. Chain schemas come from the chain's zod schemas through zod 4's
 * `z.toJSONSchema`, else from the JSON Schema the chain declares.
 */
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { getMountedChains } from "./index.js";

type JsonSchema = Record<string, unknown>;

/** What the builder needs to know about one mounted chain (a subset of `getMountedChains`). */
export interface OpenApiChain {
  /** Normalised mount path, e.g. `/chat`. */
  path: string;
  /** The runnable's name. */
  name: string;
  /** Enabled endpoint names (`invoke`, `batch`, …, `config_schema`). */
  endpoints: readonly string[];
  /** Whether the `/c/{config_hash}/…` twins are served. */
  configHashes: boolean;
  inputJsonSchema: JsonSchema;
  outputJsonSchema: JsonSchema;
  configJsonSchema: JsonSchema;
  inputSchema?: z.ZodType | undefined;
  outputSchema?: z.ZodType | undefined;
}

/** The `info` object of the document. */
export interface OpenApiInfo {
  title: string;
  version: string;
  description?: string;
}

/** An OpenAPI 3.1 document (loosely typed: it is produced, not consumed, here). */
export interface OpenApiDocument {
  openapi: "3.1.0";
  info: OpenApiInfo;
  paths: Record<string, Record<string, unknown>>;
  components: { schemas: Record<string, JsonSchema> };
  tags: { name: string; description?: string }[];
}

const ref = (name: string): JsonSchema => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: JsonSchema): JsonSchema => ({ "application/json": { schema } });
const stringList: JsonSchema = { anyOf: [{ type: "array", items: { type: "string" } }, { type: "null" }] };
const FILTERS = ["include_names", "include_types", "include_tags", "exclude_names", "exclude_types", "exclude_tags"];

/** Schemas every chain shares (LangServe's names where LangServe has one). */
const SHARED_SCHEMAS: Record<string, JsonSchema> = {
  FeedbackToken: {
    type: "object",
    properties: {
      key: { type: "string" },
      token_url: { type: ["string", "null"] },
      expires_at: { type: ["string", "null"] },
    },
    required: ["key", "token_url", "expires_at"],
  },
  InvokeResponseMetadata: {
    type: "object",
    properties: { run_id: { type: "string", format: "uuid" }, feedback_tokens: { type: "array", items: ref("FeedbackToken") } },
    required: ["run_id", "feedback_tokens"],
  },
  BatchResponseMetadata: {
    type: "object",
    properties: {
      responses: { type: "array", items: ref("InvokeResponseMetadata") },
      run_ids: { type: "array", items: { type: "string", format: "uuid" }, deprecated: true },
    },
    required: ["responses", "run_ids"],
  },
  HTTPValidationError: {
    type: "object",
    description: "422: the request failed validation before the runnable ran; `detail` locates the failure.",
    properties: { detail: { anyOf: [{ type: "array", items: {} }, { type: "string" }] } },
    required: ["detail"],
  },
  HTTPError: {
    type: "object",
    description: "404 / 405 / 400 (invalid config hash).",
    properties: { detail: { type: "string" } },
    required: ["detail"],
  },
  ServerError: {
    type: "object",
    description: "500 (or the status an errorMapper chose): the runnable failed; the message is sanitised unless mapped as safe.",
    properties: { detail: { type: "string" }, message: { type: "string" }, code: { type: "string" } },
    required: ["detail", "message"],
  },
  StreamError: {
    type: "object",
    description: "Data of the SSE `error` event; the stream then ends.",
    properties: { status_code: { type: "integer" }, message: { type: "string" } },
    required: ["status_code", "message"],
  },
};

const SSE_DESCRIPTION =
  "Server-Sent Events (CRLF frames, `event:` then `data:`). /stream: `metadata` {run_id} before the first chunk, " +
  "`data` per output chunk, then `end` (no data). /stream_log: `data` {ops: JSON-patch[]}. /stream_events: `data` " +
  "v2 StreamEvent. A failure after the head is one `error` event (see StreamError) and the end of the response. " +
  "Comment pings keep idle streams open.";

/**
 * Build the document for every chain mounted on `app` (call after `await app.ready()`).
 * @example
 * await app.ready();
 * const doc = buildOpenApiDocument(app, { title: "chainserve example", version: "0.1.0" });
 */
export function buildOpenApiDocument(app: FastifyInstance, info: OpenApiInfo): OpenApiDocument {
  return buildOpenApiFromChains(getMountedChains(app), info);
}

/** Build the document from chain descriptions (no Fastify instance needed). */
export function buildOpenApiFromChains(chains: readonly OpenApiChain[], info: OpenApiInfo): OpenApiDocument {
  const doc: OpenApiDocument = { openapi: "3.1.0", info, paths: {}, components: { schemas: { ...SHARED_SCHEMAS } }, tags: [] };
  for (const chain of chains) addChain(doc, chain);
  return doc;
}

function addChain(doc: OpenApiDocument, chain: OpenApiChain): void {
  const tag = chain.path.replace(/^\//, "") || "root";
  const id = tag.replace(/[^A-Za-z0-9]+/g, "_");
  const schemas = doc.components.schemas;
  schemas[`${id}Input`] = chainSchema(schemas, `${id}Input`, chain.inputSchema, "input", chain.inputJsonSchema);
  schemas[`${id}Output`] = chainSchema(schemas, `${id}Output`, chain.outputSchema, "output", chain.outputJsonSchema);
  schemas[`${id}Config`] = hoistDefs(schemas, `${id}Config`, chain.configJsonSchema);
  Object.assign(schemas, envelopes(id));
  const enabled = new Set(chain.endpoints);
  const withHash = chain.configHashes;
  doc.tags.push({ name: tag, description: `Runnable \`${chain.name}\` mounted at \`${chain.path}\`.` });
  if (withHash) doc.tags.push({ name: `${tag}/config`, description: "The same endpoints with a default config from an lz-string `config_hash`." });
  for (const [endpoint, operation] of Object.entries(operations(id, chain.path || "/"))) {
    if (!enabled.has(endpoint)) continue;
    const method = endpoint.endsWith("_schema") ? "get" : "post";
    doc.paths[`${chain.path}/${endpoint}`] = { [method]: { tags: [tag], operationId: `${id}_${endpoint}`, ...operation } };
    if (!withHash) continue;
    doc.paths[`${chain.path}/c/{config_hash}/${endpoint}`] = {
      [method]: {
        tags: [`${tag}/config`],
        operationId: `${id}_${endpoint}_with_config`,
        ...operation,
        parameters: [{ name: "config_hash", in: "path", required: true, schema: { type: "string" }, description: "lz-string `compressToEncodedURIComponent` of a JSON config object." }],
        responses: { ...(operation.responses as object), "400": { description: "Invalid config hash", content: json(ref("HTTPError")) } },
      },
    };
  }
}

function operations(id: string, path: string): Record<string, Record<string, unknown>> {
  const errors = {
    "422": { description: "Validation error", content: json(ref("HTTPValidationError")) },
    "500": { description: "The runnable failed", content: json(ref("ServerError")) },
  };
  const stream = (summary: string, body: string): Record<string, unknown> => ({
    summary,
    requestBody: { required: true, content: json(ref(body)) },
    responses: { "200": { description: SSE_DESCRIPTION, content: { "text/event-stream": { schema: { type: "string" } } } }, ...errors },
  });
  const schemaOp = (what: string): Record<string, unknown> => ({
    summary: `JSON Schema of ${path}'s ${what}`,
    responses: { "200": { description: `JSON Schema of the ${what}`, content: json({ type: "object" }) } },
  });
  return {
    invoke: {
      summary: `Invoke ${path}`,
      requestBody: { required: true, content: json(ref(`${id}InvokeRequest`)) },
      responses: { "200": { description: "The output and run metadata", content: json(ref(`${id}InvokeResponse`)) }, ...errors },
    },
    batch: {
      summary: `Invoke ${path} on several inputs`,
      requestBody: { required: true, content: json(ref(`${id}BatchRequest`)) },
      responses: { "200": { description: "The outputs in input order and per-run metadata", content: json(ref(`${id}BatchResponse`)) }, ...errors },
    },
    stream: stream(`Stream ${path}'s output chunks`, `${id}StreamRequest`),
    stream_log: stream(`Stream ${path}'s run log as JSON-patch operations`, `${id}StreamLogRequest`),
    stream_events: stream(`Stream ${path}'s v2 events`, `${id}StreamEventsRequest`),
    input_schema: schemaOp("input"),
    output_schema: schemaOp("output"),
    config_schema: schemaOp("config"),
  };
}

function envelopes(id: string): Record<string, JsonSchema> {
  const config = { anyOf: [ref(`${id}Config`), { type: "null" }], description: "RunnableConfig subset (only the server's config keys are kept; null means {})." };
  const kwargs = { type: "object", description: "Ignored (stream_events reads `version`)." };
  const single = { input: ref(`${id}Input`), config, kwargs };
  const filters = Object.fromEntries(FILTERS.map((key) => [key, stringList]));
  return {
    [`${id}InvokeRequest`]: { type: "object", properties: single, required: ["input"] },
    [`${id}StreamRequest`]: { type: "object", properties: single, required: ["input"] },
    [`${id}StreamLogRequest`]: {
      type: "object",
      properties: { ...single, ...filters, diff: { type: "boolean", description: "Ignored: patches are always diffs." } },
      required: ["input"],
    },
    [`${id}StreamEventsRequest`]: { type: "object", properties: { ...single, ...filters }, required: ["input"] },
    [`${id}BatchRequest`]: {
      type: "object",
      properties: {
        inputs: { type: "array", items: ref(`${id}Input`) },
        config: { anyOf: [ref(`${id}Config`), { type: "array", items: ref(`${id}Config`) }, { type: "null" }], description: "One config for all inputs, or one per input." },
        kwargs: { anyOf: [{ type: "object" }, { type: "array", items: { type: "object" } }] },
      },
      required: ["inputs"],
    },
    [`${id}InvokeResponse`]: {
      type: "object",
      properties: { output: ref(`${id}Output`), metadata: ref("InvokeResponseMetadata") },
      required: ["output", "metadata"],
    },
    [`${id}BatchResponse`]: {
      type: "object",
      properties: { output: { type: "array", items: ref(`${id}Output`) }, metadata: ref("BatchResponseMetadata") },
      required: ["output", "metadata"],
    },
  };
}

function chainSchema(
  components: Record<string, JsonSchema>,
  name: string,
  schema: z.ZodType | undefined,
  io: "input" | "output",
  fallback: JsonSchema,
): JsonSchema {
  if (schema === undefined) return hoistDefs(components, name, fallback);
  const generated = z.toJSONSchema(schema, { io, unrepresentable: "any" }) as JsonSchema;
  return hoistDefs(components, name, { title: fallback.title, ...generated });
}

/**
 * Move a schema's `$defs` into `components.schemas` (as `<name>_<def>`) and rewrite its
 * refs: inside an OpenAPI document `#/...` resolves against the document, not the schema.
 */
function hoistDefs(components: Record<string, JsonSchema>, name: string, schema: JsonSchema): JsonSchema {
  const { $defs, $schema: _ignored, ...rest } = schema as JsonSchema & { $defs?: Record<string, JsonSchema> };
  const rewrite = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(rewrite);
    if (typeof value !== "object" || value === null) return value;
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) {
      if (key === "$ref" && typeof inner === "string") out[key] = rewriteRef(inner, name);
      else out[key] = rewrite(inner);
    }
    return out;
  };
  for (const [defName, def] of Object.entries($defs ?? {})) components[`${name}_${defName}`] = rewrite(def) as JsonSchema;
  return rewrite(rest) as JsonSchema;
}

function rewriteRef(target: string, name: string): string {
  if (target === "#") return `#/components/schemas/${name}`;
  const def = /^#\/\$defs\/(.+)$/.exec(target);
  return def === null ? target : `#/components/schemas/${name}_${def[1]}`;
}
