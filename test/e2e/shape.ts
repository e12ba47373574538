/**
 * Structural comparison of JSON values for the conformance suite: same keys, same value
 * types, same values — except values that differ on every call (run ids, message ids,
 * timestamps), which only have to be strings on both sides.
 */

/** Knobs for {@link diffShape}. */
export interface ShapeOptions {
  /** Keys the expected side has and the actual side may lack (documented differences). */
  missingOk?: ReadonlySet<string>;
  /** Keys the actual side may add (documented differences). */
  extraOk?: ReadonlySet<string>;
  /** Keys whose values are compared by JSON type only. */
  typeOnly?: ReadonlySet<string>;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?$/;
/** Chat-model message ids: `run-<uuid>` (core 0.x), `run--<uuid>[-n]`, `lc_run--<uuid>[-n]` (1.x). */
const MESSAGE_ID = /^(lc_)?run-{1,2}[0-9a-f-]{36}(-\d+)?$/i;

/** Whether a value changes on every call (ids, timestamps) and is masked. */
export function isVolatile(value: unknown): boolean {
  return typeof value === "string" && (UUID.test(value) || ISO_TIME.test(value) || MESSAGE_ID.test(value));
}

/** `null`, `array`, or the `typeof` name. */
export function jsonType(value: unknown): string {
  return value === null ? "null" : Array.isArray(value) ? "array" : typeof value;
}

/**
 * Differences between `actual` and `expected`, one readable line each (empty when they
 * match): key sets, JSON types, array lengths and values, with volatile values masked.
 */
export function diffShape(actual: unknown, expected: unknown, options: ShapeOptions = {}, path = "$"): string[] {
  const expectedType = jsonType(expected);
  const actualType = jsonType(actual);
  if (isVolatile(expected)) return actualType === "string" ? [] : [`${path}: expected a string (masked id/time), got ${actualType}`];
  if (expectedType !== actualType) return [`${path}: expected ${expectedType} ${preview(expected)}, got ${actualType} ${preview(actual)}`];
  if (Array.isArray(expected)) {
    const items = actual as unknown[];
    if (items.length !== expected.length) return [`${path}: expected ${expected.length} items, got ${items.length}`];
    return expected.flatMap((item, i) => diffShape(items[i], item, options, `${path}[${i}]`));
  }
  if (expectedType === "object") return diffObject(actual as Record<string, unknown>, expected as Record<string, unknown>, options, path);
  return actual === expected ? [] : [`${path}: expected ${preview(expected)}, got ${preview(actual)}`];
}

function diffObject(
  actual: Record<string, unknown>,
  expected: Record<string, unknown>,
  options: ShapeOptions,
  path: string,
): string[] {
  const out: string[] = [];
  for (const key of Object.keys(expected)) {
    const where = `${path}.${key}`;
    if (!(key in actual)) {
      if (options.missingOk?.has(key) !== true) out.push(`${where}: missing`);
      continue;
    }
    if (options.typeOnly?.has(key) === true) {
      if (jsonType(actual[key]) !== jsonType(expected[key])) out.push(`${where}: expected ${jsonType(expected[key])}, got ${jsonType(actual[key])}`);
      continue;
    }
    out.push(...diffShape(actual[key], expected[key], options, where));
  }
  for (const key of Object.keys(actual)) {
    if (!(key in expected) && options.extraOk?.has(key) !== true) out.push(`${path}.${key}: unexpected key (${preview(actual[key])})`);
  }
  return out;
}

function preview(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
