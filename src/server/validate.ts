/**
 * Request validation, in LangServe's order (langserve-protocol.md §2.2): JSON body, shallow
 * shape, (config hash and config: see config-pipeline.ts), input against the schema, then the
 * stream filters. Every failure is a BAD_REQUEST ChainserveError whose `detail` is what
 * LangServe sends, with the failing location in each issue's `loc`; none can become a 5xx.
 */
import type { z } from "zod";
import type { EventFilters } from "../core/index.js";
import { STREAM_FILTER_KEYS } from "../serde/envelopes.js";
import { validationError, type ValidationIssue } from "../serde/errors.js";
import { fromLangServe } from "../serde/lc-json.js";
import { isPlainObject } from "../core/utils/objects.js";
import { fromZodIssues, issue } from "./issues.js";

type Loc = (string | number)[];

/**
 * Parses the raw body (read as a string whatever the Content-Type, as LangServe does); an empty
 * or unparsable body is 422 `{"detail":["Invalid JSON body"]}`.
 */
export function parseJsonBody(raw: unknown): unknown {
  if (typeof raw !== "string" || raw.trim() === "") throw validationError(["Invalid JSON body"]);
  try {
    return JSON.parse(raw);
  } catch {
    throw validationError(["Invalid JSON body"]);
  }
}

function requireObject(body: unknown, model: string): Record<string, unknown> {
  if (isPlainObject(body)) return body;
  throw validationError([
    issue("model_type", [], `Input should be a valid dictionary or instance of ${model}`, body, { class_name: model }),
  ]);
}

function configIssue(value: unknown, loc: Loc, issues: ValidationIssue[]): void {
  if (value !== undefined && value !== null && !isPlainObject(value)) {
    issues.push(issue("dict_type", loc, "Input should be a valid dictionary", value));
  }
}

/** The body of invoke and the stream endpoints: `input` required, `config` an object or null. */
export interface SingleBody {
  body: Record<string, unknown>;
  input: unknown;
  /** `{}` when absent or null (LangServe answers 500 to `null`; that is a bug, §9.5). */
  config: Record<string, unknown>;
}

/** Checks the shallow shape of an invoke / stream body. */
export function parseSingleBody(raw: unknown): SingleBody {
  const body = requireObject(parseJsonBody(raw), "InvokeRequestShallowValidator");
  const issues: ValidationIssue[] = [];
  if (!("input" in body)) issues.push(issue("missing", ["input"], "Field required", body));
  configIssue(body.config, ["config"], issues);
  if (issues.length > 0) throw validationError(issues);
  return { body, input: body.input, config: (body.config ?? {}) as Record<string, unknown> };
}

/** The body of batch: a list of inputs; one config for all, or a list with one per input. */
export interface BatchBody {
  body: Record<string, unknown>;
  inputs: unknown[];
  /** One config per input. */
  configs: Record<string, unknown>[];
  /** Whether the client sent one config per input (a client run id then belongs to its item). */
  perInput: boolean;
}

/** Checks the shallow shape of a batch body. */
export function parseBatchBody(raw: unknown): BatchBody {
  const body = requireObject(parseJsonBody(raw), "BatchRequestShallowValidator");
  const issues: ValidationIssue[] = [];
  const inputs = body.inputs;
  if (!("inputs" in body)) issues.push(issue("missing", ["inputs"], "Field required", body));
  else if (!Array.isArray(inputs)) issues.push(issue("list_type", ["inputs"], "Input should be a valid list", inputs));
  const config = body.config;
  if (Array.isArray(config)) {
    config.forEach((c, i) => {
      if (!isPlainObject(c)) issues.push(issue("dict_type", ["config", i], "Input should be a valid dictionary", c));
    });
  }
  else if (config !== undefined && config !== null && !isPlainObject(config)) {
    issues.push(issue("dict_type", ["config", "dict[str,any]"], "Input should be a valid dictionary", config));
    issues.push(issue("list_type", ["config", "list[dict[str,any]]"], "Input should be a valid list", config));
  }
  if (issues.length > 0) throw validationError(issues);
  const list = inputs as unknown[];
  if (Array.isArray(config)) {
    if (config.length !== list.length) {
      throw validationError(`Number of configs (${config.length}) must match number of inputs (${list.length})`);
    }
    return { body, inputs: list, configs: config as Record<string, unknown>[], perInput: true };
  }
  const shared = (config ?? {}) as Record<string, unknown>;
  return { body, inputs: list, configs: list.map(() => shared), perInput: false };
}

/**
 * Revives LangServe / LangChain.js JSON (messages, documents, prompt values) into core objects,
 * then validates against `schema` (none: any JSON). The schema's output (defaults, transforms)
 * is what the runnable gets; issues carry `loc` under `prefix`.
 */
export function validateInput(value: unknown, schema: z.ZodType | undefined, prefix: Loc, issues: ValidationIssue[]): unknown {
  const revived = fromLangServe(value);
  if (schema === undefined) return revived;
  const result = schema.safeParse(revived, { reportInput: true });
  if (result.success) return result.data;
  issues.push(...fromZodIssues(result.error.issues, revived, prefix));
  return undefined;
}

/** The stream filters in the core's spelling. */
export type StreamFilterOptions = EventFilters;

const FILTER_NAMES: Readonly<Record<(typeof STREAM_FILTER_KEYS)[number], keyof EventFilters>> = {
  include_names: "includeNames",
  include_types: "includeTypes",
  include_tags: "includeTags",
  exclude_names: "excludeNames",
  exclude_types: "excludeTypes",
  exclude_tags: "excludeTags",
};

/** Validates the six stream_log / stream_events filters: each absent, null or a list of strings. */
export function parseStreamFilters(body: Record<string, unknown>): StreamFilterOptions {
  const issues: ValidationIssue[] = [];
  const out: StreamFilterOptions = {};
  for (const key of STREAM_FILTER_KEYS) {
    const value = body[key];
    if (value === undefined || value === null) continue;
    if (typeof value === "string") {
      issues.push(issue("sequence_str", [key], "'str' instances are not allowed as a Sequence value", value, { type_name: "str" }));
    } else if (!Array.isArray(value)) {
      issues.push(issue("list_type", [key], "Input should be a valid list", value));
    } else {
      const bad = value.findIndex((v) => typeof v !== "string");
      if (bad >= 0) issues.push(issue("string_type", [key, bad], "Input should be a valid string", value[bad]));
      else out[FILTER_NAMES[key]] = value as string[];
    }
  }
  if (issues.length > 0) throw validationError(issues);
  return out;
}
