/**
 * The schemas of the OpenAPI document that do not depend on a chain's input or output: the
 * LangServe envelopes around them, the error bodies, and `$defs` hoisting (inside an OpenAPI
 * document `#/...` resolves against the document, not against the schema it is written in).
 */

/** A JSON Schema (or any OpenAPI object): produced here, never consumed. */
export type JsonSchema = Record<string, unknown>;

/** `{ $ref }` to a schema of `components.schemas`. */
export const ref = (name: string): JsonSchema => ({ $ref: `#/components/schemas/${name}` });

/** An `application/json` content map around `schema` (with `examples` when given). */
export const json = (schema: JsonSchema, example?: unknown): JsonSchema => ({
  "application/json": example === undefined ? { schema } : { schema, example },
});

const stringList: JsonSchema = { anyOf: [{ type: "array", items: { type: "string" } }, { type: "null" }] };
const FILTERS = ["include_names", "include_types", "include_tags", "exclude_names", "exclude_types", "exclude_tags"];

/** Schemas every chain shares (LangServe's names where LangServe has one). */
export const SHARED_SCHEMAS: Readonly<Record<string, JsonSchema>> = {
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
  AuthError: {
    type: "object",
    description: "401 (no or bad credentials) / 403 (credentials without access).",
    properties: { detail: { type: "string" }, message: { type: "string" }, code: { type: "string" } },
    required: ["detail"],
  },
  StreamError: {
    type: "object",
    description: "Data of the SSE `error` event; the stream then ends.",
    properties: { status_code: { type: "integer" }, message: { type: "string" } },
    required: ["status_code", "message"],
  },
};

/** The request and response envelopes of chain `id` (LangServe's `<Name>InvokeRequest`, …). */
export function envelopes(id: string): Record<string, JsonSchema> {
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

/**
 * Move a schema's `$defs` into `components` (as `<name>_<def>`) and rewrite its refs.
 * @example
 * hoistDefs(components, "chatOutput", { $defs: { AIMessage: {…} }, $ref: "#/$defs/AIMessage" });
 */
export function hoistDefs(components: Record<string, JsonSchema>, name: string, schema: JsonSchema): JsonSchema {
  const { $defs, $schema: _ignored, ...rest } = schema as JsonSchema & { $defs?: Record<string, JsonSchema> };
  const rewrite = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(rewrite);
    if (typeof value !== "object" || value === null) return value;
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) {
      if (key === "$ref" && typeof inner === "string") out[key] = rewriteRef(inner, name);
      else if (key === "$defs" && typeof inner === "object" && inner !== null) {
        // Nested $defs (a declared schema inside an inferred one) are hoisted the same way.
        for (const [defName, def] of Object.entries(inner)) components[`${name}_${defName}`] = rewrite(def) as JsonSchema;
      } else out[key] = rewrite(inner);
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

/**
 * A small example value of `schema` (first branch of a union, required keys of objects), for
 * the document's request examples; `$ref`s into `components` are followed a few levels deep.
 */
export function exampleOf(schema: unknown, components: Record<string, JsonSchema>, depth = 0): unknown {
  if (depth > 6 || typeof schema !== "object" || schema === null) return null;
  const s = schema as JsonSchema;
  if ("example" in s) return s.example;
  if (Array.isArray(s.examples) && s.examples.length > 0) return s.examples[0];
  if ("default" in s && s.default !== null) return s.default;
  if ("const" in s) return s.const;
  if (typeof s.$ref === "string") return exampleOf(components[s.$ref.replace("#/components/schemas/", "")], components, depth + 1);
  const union = (s.anyOf ?? s.oneOf) as unknown[] | undefined;
  if (Array.isArray(union)) return exampleOf(union[0], components, depth + 1);
  if (Array.isArray(s.enum)) return s.enum[0];
  const type = Array.isArray(s.type) ? (s.type[0] as unknown) : s.type;
  if (type === "object" || (type === undefined && typeof s.properties === "object")) {
    const properties = (s.properties ?? {}) as Record<string, unknown>;
    const keys = Array.isArray(s.required) ? (s.required as string[]) : Object.keys(properties);
    return Object.fromEntries(keys.map((key) => [key, exampleOf(properties[key], components, depth + 1)]));
  }
  if (type === "array") return [exampleOf(s.items, components, depth + 1)];
  if (type === "string") return "string";
  if (type === "number" || type === "integer") return 0;
  if (type === "boolean") return false;
  return null;
}
