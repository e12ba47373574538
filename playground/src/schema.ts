/**
 * What the page reads from a chain's JSON Schemas: `$ref`s resolved, the form fields of an
 * object schema, and whether the input is a message list (chat mode).
 */

/** A JSON Schema node. */
export type Schema = Record<string, unknown>;

/** How one value is edited. */
export type FieldKind = "text" | "number" | "integer" | "boolean" | "enum" | "json";

/** One form field. */
export interface Field {
  name: string;
  kind: FieldKind;
  required: boolean;
  title: string;
  description?: string;
  options?: unknown[];
  default?: unknown;
}

const isObject = (value: unknown): value is Schema => typeof value === "object" && value !== null && !Array.isArray(value);

/** Follows `$ref: "#/$defs/X"` (or `#/definitions/X`) inside `root`, a few levels deep. */
export function resolve(node: unknown, root: Schema): Schema {
  let current: unknown = node;
  for (let i = 0; i < 16 && isObject(current) && typeof current.$ref === "string"; i++) {
    const ref = current.$ref;
    if (!ref.startsWith("#/")) break;
    let target: unknown = root;
    for (const part of ref.slice(2).split("/")) target = isObject(target) ? target[part.replace(/~1/g, "/").replace(/~0/g, "~")] : undefined;
    if (!isObject(target)) break;
    current = target;
  }
  return isObject(current) ? current : {};
}

function typeOf(schema: Schema): string | undefined {
  if (typeof schema.type === "string") return schema.type;
  if (Array.isArray(schema.type)) return schema.type.find((t) => t !== "null") as string | undefined;
  return undefined;
}

// `anyOf: [X, {type: "null"}]` (an optional value in pydantic's style) is edited as X.
function nonNull(schema: Schema, root: Schema): Schema {
  const list = Array.isArray(schema.anyOf) ? schema.anyOf : Array.isArray(schema.oneOf) ? schema.oneOf : undefined;
  if (list === undefined) return schema;
  const branches = list.map((b) => resolve(b, root)).filter((b) => b.type !== "null");
  return branches.length === 1 && branches[0] !== undefined ? { ...branches[0], ...schema, anyOf: undefined, oneOf: undefined } : schema;
}

function kindOf(schema: Schema): FieldKind {
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return "enum";
  switch (typeOf(schema)) {
    case "string":
      return "text";
    case "number":
      return "number";
    case "integer":
      return "integer";
    case "boolean":
      return "boolean";
    default:
      return "json";
  }
}

/** The fields of an object schema, or `undefined` when it is not an object with properties. */
export function objectFields(node: unknown, root: Schema): Field[] | undefined {
  const schema = resolve(node, root);
  if (typeOf(schema) !== "object" && !isObject(schema.properties)) return undefined;
  if (!isObject(schema.properties)) return undefined;
  const required = new Set(Array.isArray(schema.required) ? (schema.required as string[]) : []);
  return Object.entries(schema.properties).map(([name, raw]) => {
    const prop = nonNull(resolve(raw, root), root);
    const field: Field = { name, kind: kindOf(prop), required: required.has(name), title: typeof prop.title === "string" ? prop.title : name };
    if (typeof prop.description === "string") field.description = prop.description;
    if (Array.isArray(prop.enum)) field.options = prop.enum;
    if (prop.default !== undefined && prop.default !== null) field.default = prop.default;
    return field;
  });
}

/** The kind of a whole input that is not an object with properties. */
export function rootKind(schema: Schema, root: Schema): FieldKind {
  return kindOf(resolve(schema, root));
}

const MESSAGE_NAME = /message/i;
const MESSAGE_KEY = /^(messages|chat_history|history|conversation)$/i;

function mentionsMessage(node: unknown, root: Schema, depth = 0): boolean {
  if (depth > 4 || !isObject(node)) return false;
  if (typeof node.$ref === "string" && MESSAGE_NAME.test(node.$ref)) return true;
  const schema = resolve(node, root);
  if (typeof schema.title === "string" && MESSAGE_NAME.test(schema.title)) return true;
  for (const key of ["anyOf", "oneOf", "allOf"]) {
    const list = schema[key];
    if (Array.isArray(list) && list.some((item) => mentionsMessage(item, root, depth + 1))) return true;
  }
  return false;
}

function isMessageList(node: unknown, root: Schema, key?: string): boolean {
  const schema = resolve(node, root);
  if (typeOf(schema) !== "array") return false;
  return mentionsMessage(schema.items, root) || (key !== undefined && MESSAGE_KEY.test(key));
}

/**
 * Chat mode: `{ key: "" }` when the whole input is a message list, `{ key }` when one property
 * of an object input is (items that are messages, or a list named like `messages`/`history`).
 */
export function chatKey(schema: Schema): { key: string } | undefined {
  if (isMessageList(schema, schema)) return { key: "" };
  const root = resolve(schema, schema);
  if (!isObject(root.properties)) return undefined;
  for (const [name, prop] of Object.entries(root.properties)) if (isMessageList(prop, schema, name)) return { key: name };
  return undefined;
}

/** The other config keys a `/config_schema` document lists (tags, metadata, recursion_limit…). */
export function otherConfigFields(configSchema: Schema): Field[] {
  return (objectFields(configSchema, configSchema) ?? []).filter((f) => f.name !== "configurable");
}

/** The configurable fields of a `/config_schema` document. */
export function configurableFields(configSchema: Schema): Field[] {
  const props = resolve(configSchema, configSchema).properties;
  if (!isObject(props)) return [];
  return objectFields(props.configurable, configSchema) ?? [];
}
