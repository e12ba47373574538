/**
 * zod issues rewritten as pydantic-like 422 items (`{type, loc, msg, input}`), so that a
 * chainserve 422 reads like LangServe's (langserve-protocol.md §2.2). Pydantic's type names and
 * wording are used where a zod issue has an obvious counterpart; clients only display them.
 */
import type { z } from "zod";
import type { ValidationIssue } from "../serde/errors.js";

type Loc = (string | number)[];

const TYPE_NAMES: Readonly<Record<string, readonly [string, string]>> = {
  string: ["string_type", "Input should be a valid string"],
  number: ["float_type", "Input should be a valid number"],
  int: ["int_type", "Input should be a valid integer"],
  bigint: ["int_type", "Input should be a valid integer"],
  boolean: ["bool_type", "Input should be a valid boolean"],
  object: ["dict_type", "Input should be a valid dictionary"],
  record: ["dict_type", "Input should be a valid dictionary"],
  map: ["dict_type", "Input should be a valid dictionary"],
  array: ["list_type", "Input should be a valid list"],
  tuple: ["list_type", "Input should be a valid list"],
  set: ["list_type", "Input should be a valid list"],
  null: ["none_required", "Input should be None"],
  date: ["datetime_type", "Input should be a valid datetime"],
};

/** Builds one issue; `input` is kept even when it is `null`. */
export function issue(type: string, loc: Loc, msg: string, input: unknown, ctx?: Record<string, unknown>): ValidationIssue {
  const out: ValidationIssue = { type, loc, msg, input };
  if (ctx !== undefined) out.ctx = ctx;
  return out;
}

/**
 * Converts zod issues for `value` into pydantic-like items with `prefix` prepended to each `loc`.
 * A missing key is reported as `missing` with the enclosing object as `input`, as pydantic does.
 */
export function fromZodIssues(issues: readonly z.core.$ZodIssue[], value: unknown, prefix: Loc = []): ValidationIssue[] {
  const out: ValidationIssue[] = [];
  for (const zi of issues) {
    const path = zi.path.filter((p): p is string | number => typeof p !== "symbol");
    const loc = [...prefix, ...path];
    const input = "input" in zi ? zi.input : undefined;
    switch (zi.code) {
      case "invalid_type": {
        if (!("input" in zi) || input === undefined) {
          out.push(issue("missing", loc, "Field required", at(value, path.slice(0, -1))));
          break;
        }
        const [type, msg] = TYPE_NAMES[zi.expected] ?? ["value_error", zi.message];
        out.push(issue(type, loc, msg, input));
        break;
      }
      case "invalid_value":
        out.push(
          issue("literal_error", loc, `Input should be ${zi.values.map((v) => JSON.stringify(v)).join(" or ")}`, input, {
            expected: zi.values.map((v) => JSON.stringify(v)).join(" or "),
          }),
        );
        break;
      case "unrecognized_keys":
        for (const key of zi.keys) {
          const obj = input as Record<string, unknown> | undefined;
          out.push(issue("extra_forbidden", [...loc, key], "Extra inputs are not permitted", obj?.[key]));
        }
        break;
      case "too_small":
      case "too_big":
        out.push(bound(zi, loc, input));
        break;
      default:
        out.push(issue("value_error", loc, zi.message, input));
    }
  }
  return out;
}

function bound(zi: z.core.$ZodIssueTooSmall | z.core.$ZodIssueTooBig, loc: Loc, input: unknown): ValidationIssue {
  const small = zi.code === "too_small";
  const limit = small ? (zi as z.core.$ZodIssueTooSmall).minimum : (zi as z.core.$ZodIssueTooBig).maximum;
  const n = typeof limit === "bigint" ? Number(limit) : limit;
  const inclusive = zi.inclusive !== false;
  if (zi.origin === "string") {
    return issue(small ? "string_too_short" : "string_too_long", loc,
      `String should have ${small ? "at least" : "at most"} ${n} character${n === 1 ? "" : "s"}`, input);
  }
  if (zi.origin === "array" || zi.origin === "set") {
    return issue(small ? "too_short" : "too_long", loc, `List should have ${small ? "at least" : "at most"} ${n} item${n === 1 ? "" : "s"}`, input);
  }
  const rel = `${small ? "greater" : "less"} than${inclusive ? " or equal to" : ""}`;
  const type = `${small ? "greater" : "less"}_than${inclusive ? "_equal" : ""}`;
  return issue(type, loc, `Input should be ${rel} ${n}`, input, { [small ? (inclusive ? "ge" : "gt") : inclusive ? "le" : "lt"]: n });
}

function at(value: unknown, path: readonly (string | number)[]): unknown {
  let v = value;
  for (const key of path) {
    if (typeof v !== "object" || v === null) return undefined;
    v = (v as Record<string | number, unknown>)[key];
  }
  return v;
}
