/**
 * Python f-string templates as LangChain uses them: `{name}` substitutes a variable,
 * `{{` and `}}` are literal braces. Values are rendered the way Python's `str()` would,
 * so a prompt fed the same data renders byte-for-byte like LangServe (a list of
 * documents becomes `[Document(metadata={}, page_content='…')]`).
 */
import { z } from "zod";
import { ChainserveError } from "../errors.js";
import { Document } from "../documents/document.js";
import { BaseMessage } from "../messages/base.js";
import { isPlainObject } from "../utils/objects.js";

/** One piece of a parsed template: literal text, or a variable with an optional `!r`/`!s` conversion. */
export type TemplatePart =
  | { readonly type: "literal"; readonly text: string }
  | { readonly type: "variable"; readonly name: string; readonly conversion?: "r" | "s" };

/**
 * The variable names of a template, as a type: `"hi {a} {{b}} {c}"` → `"a" | "c"`.
 * Escaped braces are skipped; anything more exotic degrades to `string`.
 */
export type FStringVariables<T extends string> = T extends `${string}{${infer Inner}}${infer Rest}`
  ? Inner extends `{${string}`
    ? FStringVariables<Rest>
    : (Inner extends `${infer Name}!${string}` ? Name : Inner) | FStringVariables<Rest>
  : never;

/** The input object a template of type `T` needs; `Record<string, unknown>` when `T` is not a literal. */
export type FStringInput<T extends string> = string extends T ? Record<string, unknown> : { [K in FStringVariables<T>]: string };

const IDENTIFIER = /^[A-Za-z_\p{L}][\w\p{L}\p{N}]*$/u;

function templateError(template: string, reason: string): ChainserveError {
  return new ChainserveError("INVALID_OPTIONS", `Invalid f-string template ${JSON.stringify(template)}: ${reason}`);
}

/**
 * Parse an f-string template once, so formatting is a cheap join.
 * @throws ChainserveError `INVALID_OPTIONS` for a lone `}`, an unclosed `{`, an empty
 * `{}`, attribute access or indexing (`{a.b}`, `{a[0]}`, rejected by LangChain too since
 * they reach into Python objects) or a format spec.
 * @example
 * parseFString("tell me about {topic}"); // [{type:"literal",text:"tell me about "},{type:"variable",name:"topic"}]
 */
export function parseFString(template: string): TemplatePart[] {
  const parts: TemplatePart[] = [];
  let literal = "";
  let i = 0;
  while (i < template.length) {
    const ch = template[i] as string;
    if (ch === "}") {
      if (template[i + 1] !== "}") throw templateError(template, "single '}' encountered");
      literal += "}";
      i += 2;
      continue;
    }
    if (ch !== "{") {
      literal += ch;
      i++;
      continue;
    }
    if (template[i + 1] === "{") {
      literal += "{";
      i += 2;
      continue;
    }
    const end = template.indexOf("}", i + 1);
    if (end === -1) throw templateError(template, "single '{' encountered");
    const field = template.slice(i + 1, end);
    if (literal !== "") parts.push({ type: "literal", text: literal });
    literal = "";
    parts.push(parseField(template, field));
    i = end + 1;
  }
  if (literal !== "") parts.push({ type: "literal", text: literal });
  return parts;
}

function parseField(template: string, field: string): TemplatePart {
  if (field.includes(":")) throw templateError(template, `format specs are not supported ({${field}})`);
  const bang = field.indexOf("!");
  const name = (bang === -1 ? field : field.slice(0, bang)).trim();
  const conversion = bang === -1 ? undefined : field.slice(bang + 1);
  if (name === "") throw templateError(template, "positional fields ({}) are not supported; name the variable");
  if (!IDENTIFIER.test(name)) {
    throw templateError(template, `variable names cannot contain attribute access (.) or indexing ([]): {${field}}`);
  }
  if (conversion === undefined) return { type: "variable", name };
  if (conversion !== "r" && conversion !== "s") throw templateError(template, `unknown conversion !${conversion}`);
  return { type: "variable", name, conversion };
}

/** The distinct variable names of a parsed template, in order of first use. */
export function templateVariables(parts: readonly TemplatePart[]): string[] {
  const names: string[] = [];
  for (const part of parts) if (part.type === "variable" && !names.includes(part.name)) names.push(part.name);
  return names;
}

/**
 * Render a parsed template. Callers check for missing variables first (to report them
 * all at once); a missing value here renders as Python's `None`.
 */
export function formatParts(parts: readonly TemplatePart[], values: Record<string, unknown>): string {
  let out = "";
  for (const part of parts) {
    if (part.type === "literal") out += part.text;
    else {
      const value = values[part.name];
      out += part.conversion === "r" ? pyRepr(value) : pyStr(value);
    }
  }
  return out;
}

/**
 * Python's `str(value)`: strings as they are, documents as LangChain's `Document.__str__`
 * (`page_content='…' metadata={…}`), everything else as {@link pyRepr}.
 * @example
 * pyStr([new Document({ pageContent: "x" })]); // "[Document(metadata={}, page_content='x')]"
 */
export function pyStr(value: unknown): string {
  if (typeof value === "string") return value;
  if (value instanceof Document) {
    // LangChain interpolates page_content without escaping here, unlike in repr.
    const base = `page_content='${value.pageContent}'`;
    return Object.keys(value.metadata).length > 0 ? `${base} metadata=${pyRepr(value.metadata)}` : base;
  }
  if (value instanceof BaseMessage) return messageFields(value, " ");
  return pyRepr(value);
}

/**
 * Python's `repr(value)` for the values a prompt meets: `None`/`True`/`False`, ints and
 * floats, quoted strings, lists, dicts, LangChain documents and messages (pydantic's
 * `Class(field=…)` form, fields at their defaults left out as LangChain's `Serializable` does).
 */
export function pyRepr(value: unknown): string {
  if (value === null || value === undefined) return "None";
  switch (typeof value) {
    case "string":
      return pyQuote(value);
    case "boolean":
      return value ? "True" : "False";
    case "number":
      return pyNumber(value);
    case "bigint":
      return value.toString();
    case "object":
      break;
    default:
      return String(value);
  }
  if (Array.isArray(value)) return `[${value.map(pyRepr).join(", ")}]`;
  if (value instanceof Document) {
    const id = value.id === undefined ? "" : `id=${pyQuote(value.id)}, `;
    return `Document(${id}metadata=${pyRepr(value.metadata)}, page_content=${pyQuote(value.pageContent)})`;
  }
  if (value instanceof BaseMessage) return `${value.constructor.name}(${messageFields(value, ", ")})`;
  if (value instanceof Date) return pyQuote(value.toISOString());
  if (value instanceof Map) return `{${[...value].map(([k, v]) => `${pyRepr(k)}: ${pyRepr(v)}`).join(", ")}}`;
  if (isPlainObject(value)) {
    return `{${Object.keys(value).map((k) => `${pyQuote(k)}: ${pyRepr(value[k])}`).join(", ")}}`;
  }
  // Other class instances (prompt values, user classes): their own toString is the closest analogue.
  return String(value);
}

// Pydantic field order of LangChain messages; optional fields appear only when set.
function messageFields(message: BaseMessage, separator: string): string {
  const fields = [
    `content=${pyRepr(message.content)}`,
    `additional_kwargs=${pyRepr(message.additional_kwargs)}`,
    `response_metadata=${pyRepr(message.response_metadata)}`,
  ];
  if (message.name !== undefined) fields.push(`name=${pyQuote(message.name)}`);
  if (message.id !== undefined) fields.push(`id=${pyQuote(message.id)}`);
  const extra = message as unknown as Record<string, unknown>;
  for (const key of ["tool_calls", "invalid_tool_calls", "tool_call_id", "role"]) {
    if (extra[key] !== undefined) fields.push(`${key}=${pyRepr(extra[key])}`);
  }
  return fields.join(separator);
}

/** Python's string repr: single quotes unless the text has `'` and no `"`; control characters escaped. */
export function pyQuote(text: string): string {
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of text) {
    const code = ch.codePointAt(0) as number;
    if (ch === quote || ch === "\\") out += `\\${ch}`;
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    else if (code < 0x20 || (code >= 0x7f && code < 0xa0)) out += `\\x${code.toString(16).padStart(2, "0")}`;
    else out += ch;
  }
  return out + quote;
}

/** Python's float/int repr for a JS number (integers print as ints; small floats use `e-05` exponents). */
function pyNumber(value: number): string {
  if (Number.isNaN(value)) return "nan";
  if (!Number.isFinite(value)) return value > 0 ? "inf" : "-inf";
  if (Number.isInteger(value)) return Number.isSafeInteger(value) ? String(value) : BigInt(value).toString();
  const abs = Math.abs(value);
  if (abs >= 1e-4) return String(value);
  // JS switches to exponent notation below 1e-6, Python below 1e-4, with a two-digit exponent.
  return value.toExponential().replace(/e([+-])(\d)$/, "e$10$2");
}

/** Python's `str.title()`, as pydantic titles fields: `chat_history` → `Chat History`. */
export function pyTitle(name: string): string {
  let out = "";
  let previousCased = false;
  for (const ch of name.replace(/_/g, " ")) {
    const cased = ch.toLowerCase() !== ch.toUpperCase();
    out += cased ? (previousCased ? ch.toLowerCase() : ch.toUpperCase()) : ch;
    previousCased = cased;
  }
  return out;
}

/** How a prompt's variables are typed: plain text, or a list of messages for a placeholder. */
export interface PromptVariable {
  /** Variable name. */
  name: string;
  /** `string` for template variables, `messages` for placeholders. */
  kind: "string" | "messages";
  /** Optional placeholders may be left out. */
  optional: boolean;
}

/**
 * The `/input_schema` of a prompt, exactly as LangServe's pydantic model `PromptInput`
 * prints it: required variables first (sorted), then optional ones; properties titled.
 */
export function promptInputJsonSchema(variables: readonly PromptVariable[]): Record<string, unknown> {
  const ordered = [...variables].sort((a, b) => Number(a.optional) - Number(b.optional) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const properties: Record<string, unknown> = {};
  for (const v of ordered) {
    properties[v.name] = v.kind === "string"
      ? { title: pyTitle(v.name), type: "string" }
      : { items: { type: "object" }, title: pyTitle(v.name), type: "array" };
  }
  const required = ordered.filter((v) => !v.optional).map((v) => v.name);
  return required.length > 0
    ? { properties, required, title: "PromptInput", type: "object" }
    : { properties, title: "PromptInput", type: "object" };
}

/** The zod schema of a prompt's input (validation and types); extra keys are allowed, as in pydantic. */
export function promptInputSchema(variables: readonly PromptVariable[]): z.ZodType<Record<string, unknown>> {
  const shape: Record<string, z.ZodType> = {};
  for (const v of variables) {
    const type = v.kind === "string" ? z.string() : z.array(z.unknown());
    shape[v.name] = v.optional ? type.optional() : type;
  }
  return z.looseObject(shape);
}

/**
 * The values a prompt formats with. A non-object input is accepted when the prompt has
 * exactly one variable (Python does the same), so `prompt.invoke("bears")` works.
 * @throws ChainserveError `BAD_REQUEST` for a non-object input or missing required variables.
 */
export function resolvePromptInput(promptName: string, input: unknown, variables: readonly PromptVariable[]): Record<string, unknown> {
  let values: Record<string, unknown>;
  if (typeof input === "object" && input !== null && !Array.isArray(input)) values = input as Record<string, unknown>;
  else if (variables.length === 1) values = { [(variables[0] as PromptVariable).name]: input };
  else {
    throw new ChainserveError(
      "BAD_REQUEST",
      `Expected mapping type as input to ${promptName}. Received ${Array.isArray(input) ? "array" : input === null ? "null" : typeof input}.`,
    );
  }
  let missing: string[] | undefined;
  for (const v of variables) if (!v.optional && values[v.name] === undefined) (missing ??= []).push(v.name);
  if (missing !== undefined) {
    const expected = variables.filter((v) => !v.optional).map((v) => v.name);
    throw new ChainserveError(
      "BAD_REQUEST",
      `Input to ${promptName} is missing variables ${JSON.stringify(missing)}. Expected: ${JSON.stringify(expected)} ` +
        `Received: ${JSON.stringify(Object.keys(values))}\nNote: if you intended {${missing[0]}} to be part of the string ` +
        `and not a variable, escape it with double curly braces: '{{${missing[0]}}}'.`,
      { detail: { missing } },
    );
  }
  return values;
}
