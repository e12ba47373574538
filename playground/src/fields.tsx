/**
 * Form fields generated from a schema. Values are kept as the strings the user typed (JSON
 * for `json` fields) and parsed only when a call is made, so a half-typed value is no error.
 */
import type { Field } from "./schema.js";

/** What the user typed per field. */
export type Drafts = Record<string, string>;

/** The initial text of a field. */
export function draftOf(field: Field, value?: unknown): string {
  const v = value !== undefined ? value : field.default;
  if (v === undefined) return field.kind === "boolean" ? "false" : "";
  return field.kind === "json" || field.kind === "enum" ? JSON.stringify(v) : String(v);
}

/** Parses one field; `undefined` means "leave it out". Throws a readable error. */
export function parseDraft(field: Field, text: string): unknown {
  if (field.kind === "boolean") return text === "true";
  if (text.trim() === "" && field.kind !== "text") {
    if (field.required) throw new Error(`${field.title} is required`);
    return undefined;
  }
  switch (field.kind) {
    case "text":
      return text === "" && !field.required ? undefined : text;
    case "number":
    case "integer": {
      const n = Number(text);
      if (!Number.isFinite(n) || (field.kind === "integer" && !Number.isInteger(n))) throw new Error(`${field.title} must be ${field.kind === "integer" ? "an integer" : "a number"}`);
      return n;
    }
    case "enum":
    case "json":
      try {
        return JSON.parse(text) as unknown;
      } catch {
        throw new Error(`${field.title} is not valid JSON`);
      }
  }
}

/** Parses every field into an object. */
export function parseFields(fields: Field[], drafts: Drafts): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of fields) {
    const value = parseDraft(field, drafts[field.name] ?? draftOf(field));
    if (value !== undefined) out[field.name] = value;
  }
  return out;
}

function Control({ field, id, value, onChange }: { field: Field; id: string; value: string; onChange: (text: string) => void }) {
  const name = field.name;
  switch (field.kind) {
    case "boolean":
      return <input id={id} name={name} type="checkbox" checked={value === "true"} onChange={(e) => onChange(String(e.currentTarget.checked))} />;
    case "enum":
      return (
        <select id={id} name={name} value={value} onChange={(e) => onChange(e.currentTarget.value)}>
          {!field.required && <option value="">(default)</option>}
          {(field.options ?? []).map((o) => (
            <option key={JSON.stringify(o)} value={JSON.stringify(o)}>
              {String(o)}
            </option>
          ))}
        </select>
      );
    case "number":
    case "integer":
      return <input id={id} name={name} type="number" step={field.kind === "integer" ? 1 : "any"} value={value} onInput={(e) => onChange(e.currentTarget.value)} />;
    case "json":
      return <textarea id={id} name={name} class="json-editor" rows={4} spellcheck={false} value={value} onInput={(e) => onChange(e.currentTarget.value)} />;
    case "text":
      return <textarea id={id} name={name} rows={1} class="text-field" value={value} onInput={(e) => onChange(e.currentTarget.value)} />;
  }
}

/** A list of labelled fields. */
export function FieldList({ fields, drafts, prefix, onChange }: { fields: Field[]; drafts: Drafts; prefix: string; onChange: (name: string, text: string) => void }) {
  return (
    <div class="fields">
      {fields.map((field) => {
        const id = `${prefix}-${field.name}`;
        return (
          <div class="field" key={field.name}>
            <label for={id}>
              {field.title}
              {field.required && <span class="required">*</span>}
              <span class="kind">{field.kind}</span>
            </label>
            <Control field={field} id={id} value={drafts[field.name] ?? draftOf(field)} onChange={(text) => onChange(field.name, text)} />
            {field.description !== undefined && <small>{field.description}</small>}
          </div>
        );
      })}
    </div>
  );
}
