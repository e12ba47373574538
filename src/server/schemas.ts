/**
 * `GET {path}/input_schema`, `/output_schema`, `/config_schema`: JSON Schema from the zod
 * schemas (zod 4's own `z.toJSONSchema`), computed once at mount. The `/c/{hash}/` twins only
 * check the hash: our runnables' schemas do not depend on the config.
 */
import type { FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import { decodeConfigHash } from "./config-hash.js";
import { sendHttpError, toHttpError } from "./error-mapper.js";
import type { ConfigKey, ResolvedOptions } from "./options.js";
import { assignOwn, copied } from "../core/utils/objects.js";
// Maps and assigns infer their schemas through the registry (kept out of the browser client).
import "../core/schemas/object-schema.js";

type JsonSchema = Record<string, unknown>;

/** JSON Schema of a zod schema titled `title`; unrepresentable parts become "anything". */
export function jsonSchemaOf(schema: z.ZodType | undefined, title: string): JsonSchema {
  if (schema === undefined) return { title };
  try {
    const json = z.toJSONSchema(schema, { unrepresentable: "any", io: "input" }) as JsonSchema;
    delete json.$schema;
    return assignOwn({ title }, json);
  } catch {
    return { title };
  }
}

/** The input schema served for `mount`: the option's, else what the runnable reports. */
export function inputJsonSchema(mount: ResolvedOptions, override: z.ZodType | undefined): JsonSchema {
  return override !== undefined ? jsonSchemaOf(override, `${mount.name}Input`) : mount.runnable.getInputJsonSchema();
}

/** The output schema served for `mount`: the option's, else what the runnable reports. */
export function outputJsonSchema(mount: ResolvedOptions, override: z.ZodType | undefined): JsonSchema {
  return override !== undefined ? jsonSchemaOf(override, `${mount.name}Output`) : mount.runnable.getOutputJsonSchema();
}

// In RunnableConfig declaration order, named as Python clients send them (pydantic's layout).
const CONFIG_PROPERTIES: readonly [ConfigKey, string, JsonSchema][] = [
  ["tags", "tags", { default: null, items: { type: "string" }, title: "Tags", type: "array" }],
  ["metadata", "metadata", { default: null, title: "Metadata", type: "object" }],
  ["maxConcurrency", "max_concurrency", { anyOf: [{ type: "integer" }, { type: "null" }], default: null, title: "Max Concurrency" }],
  ["recursionLimit", "recursion_limit", { default: 25, title: "Recursion Limit", type: "integer" }],
  ["runId", "run_id", { anyOf: [{ format: "uuid", type: "string" }, { type: "null" }], default: null, title: "Run Id" }],
];

function titleCase(id: string): string {
  return id.replace(/[_-]+/g, " ").replace(/\b\w/g, (c) => c.toUpperCase());
}

/**
 * The config schema: the allowed config keys, plus `configurable` (a `$defs.Configurable` of the
 * runnable's configurable fields with their defaults) when allowed and declared.
 */
export function configJsonSchema(mount: ResolvedOptions): JsonSchema {
  const properties: JsonSchema = {};
  for (const [key, wire, schema] of CONFIG_PROPERTIES) if (mount.configKeys.has(key)) properties[wire] = schema;
  let defs: JsonSchema | undefined;
  if (mount.configKeys.has("configurable") && mount.configurableSpecs.size > 0) {
    const fields: JsonSchema = {};
    for (const spec of mount.configurableSpecs.values()) {
      const field: JsonSchema = copied(jsonSchemaOf(spec.schema, spec.name ?? titleCase(spec.id)));
      if (spec.default !== undefined) field.default = spec.default;
      if (spec.description !== undefined) field.description = spec.description;
      fields[spec.id] = field;
    }
    defs = { Configurable: { properties: fields, title: "Configurable", type: "object" } };
    properties.configurable = { $ref: "#/$defs/Configurable", default: null };
  }
  const out: JsonSchema = defs === undefined ? {} : { $defs: defs };
  return Object.assign(out, { properties, title: `${mount.name}Config`, type: "object" });
}

/** A GET handler answering with `schema` (checking the config hash on `/c/` routes). */
export function schemaHandler(schema: JsonSchema) {
  const body = JSON.stringify(schema);
  return async function getSchema(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
    try {
      decodeConfigHash((request.params as { config_hash?: string } | undefined)?.config_hash);
    } catch (error) {
      return sendHttpError(reply, toHttpError(error));
    }
    return reply.header("content-type", "application/json").send(body);
  };
}
