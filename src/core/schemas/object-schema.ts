/**
 * Object schemas of parallel maps and assigns, built from their branches' schemas; the
 * branches' `$defs` are hoisted to the root (refs are `#/$defs/…`, relative to the root).
 * Kept apart from the message schemas: the browser client loads the map classes, not models.
 */

/** A JSON Schema object. */
export type JsonSchema = Record<string, unknown>;

/** `snake_case` / `camelCase` key → `Title Case` (pydantic's field titles). */
export function titleCase(key: string): string {
  return key
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .replace(/[_-]+/g, " ")
    .replace(/\b\w/g, (c) => c.toUpperCase());
}

/** Whether the schema says anything (more than a title / description). */
export function isInformative(schema: JsonSchema): boolean {
  return Object.keys(schema).some((key) => key !== "title" && key !== "description");
}

/**
 * An object schema from per-key schemas: each property titled after its key, the `$defs` of
 * every property hoisted to the root.
 * @example
 * objectJsonSchema("MapOutput", { context: documentListJsonSchema("x"), question: { type: "string" } });
 */
export function objectJsonSchema(title: string, properties: Record<string, JsonSchema>, options: { required?: string[]; additionalProperties?: boolean } = {}): JsonSchema {
  const defs: Record<string, JsonSchema> = {};
  const props: Record<string, JsonSchema> = {};
  for (const [key, schema] of Object.entries(properties)) {
    const { $defs, $schema: _ignored, title: _title, ...rest } = schema as JsonSchema & { $defs?: Record<string, JsonSchema> };
    Object.assign(defs, $defs);
    props[key] = { ...rest, title: titleCase(key) };
  }
  const out: JsonSchema = { title, type: "object", properties: props, required: options.required ?? Object.keys(props) };
  if (options.additionalProperties === true) out.additionalProperties = true;
  if (Object.keys(defs).length > 0) out.$defs = defs;
  return out;
}

/** The properties (and required keys) of an object schema; undefined for anything else. */
export function objectProperties(schema: JsonSchema): { properties: Record<string, JsonSchema>; required: string[]; defs: Record<string, JsonSchema> } | undefined {
  if (typeof schema.properties !== "object" || schema.properties === null) return undefined;
  const defs = (schema.$defs ?? {}) as Record<string, JsonSchema>;
  const properties: Record<string, JsonSchema> = {};
  for (const [key, value] of Object.entries(schema.properties as Record<string, JsonSchema>)) properties[key] = { ...value, ...(Object.keys(defs).length > 0 ? { $defs: defs } : {}) };
  return { properties, required: Array.isArray(schema.required) ? (schema.required as string[]) : [], defs };
}

/** Anything with JSON Schemas (a runnable), without importing the Runnable class here. */
interface HasSchemas {
  getInputJsonSchema(): JsonSchema;
  getOutputJsonSchema(): JsonSchema;
}

/**
 * A parallel map's input: the merged properties of the branches whose input is an object
 * (LangChain's union of the steps' fields), else the first informative branch input.
 */
export function mapInputJsonSchema(steps: readonly HasSchemas[], title: string): JsonSchema {
  const schemas = steps.map((step) => step.getInputJsonSchema());
  const properties: Record<string, JsonSchema> = {};
  const required = new Set<string>();
  let objects = 0;
  for (const schema of schemas) {
    const object = objectProperties(schema);
    if (object === undefined) continue;
    objects++;
    Object.assign(properties, object.properties);
    for (const key of object.required) required.add(key);
  }
  if (objects > 0) return objectJsonSchema(title, properties, { required: [...required] });
  const first = schemas.find(isInformative);
  return first === undefined ? { title } : { ...first, title };
}

/** A parallel map's output: an object with one property per branch, its output schema. */
export function mapOutputJsonSchema(steps: Readonly<Record<string, HasSchemas>>, title: string): JsonSchema {
  const properties: Record<string, JsonSchema> = {};
  for (const [key, step] of Object.entries(steps)) properties[key] = step.getOutputJsonSchema();
  return objectJsonSchema(title, properties);
}

/**
 * `RunnablePassthrough.assign(mapper)`'s output: the mapper's input properties (what the
 * assigned steps read from the input) plus the assigned keys; open-ended when the input's
 * properties are unknown.
 */
export function assignOutputJsonSchema(mapper: HasSchemas, title: string): JsonSchema {
  const input = objectProperties(mapper.getInputJsonSchema());
  const output = objectProperties(mapper.getOutputJsonSchema()) ?? { properties: {}, required: [], defs: {} };
  if (input === undefined) return objectJsonSchema(title, output.properties, { additionalProperties: true });
  const required = new Set([...input.required, ...output.required]);
  return objectJsonSchema(title, { ...input.properties, ...output.properties }, { required: [...required] });
}
