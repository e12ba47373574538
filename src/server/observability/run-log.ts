/**
 * The run-end log line: one per run request (invoke, batch, stream, stream_log, stream_events),
 * through the request's logger, so it carries the request id. Ids, labels, timings and
 * counts only: the input and output are logged only when the mount asks for them.
 */
import { ChainserveError } from "../../core/errors.js";
import type { RunRecord } from "./run-probe.js";

/** Options of the run-end log line (`addRoutes(app, chain, { runLog })`). */
export interface RunLogOptions {
  /** Level of the line; `false` turns it off. @default "info" */
  level?: "fatal" | "error" | "warn" | "info" | "debug" | "trace" | false;
  /** Log the request's `input` (the parsed body's; a batch's `inputs`). @default false */
  input?: boolean;
  /** Log the invoke / batch output (streamed outputs are not collected). @default false */
  output?: boolean;
}

/** `addRoutes` options of the observability features; part of `AddRoutesOptions`. */
export interface ObservabilityRouteOptions {
  /** The run-end log line: `false` turns it off. @default { level: "info" } */
  runLog?: RunLogOptions | false;
  /**
   * OpenTelemetry spans for this mount's runs when a tracer provider is registered: `false`
   * turns them off; `"all"` adds a span for every nested run, not only the model calls.
   * @default true
   */
  tracing?: boolean | "all";
}

/** Resolved {@link RunLogOptions}. */
export interface ResolvedRunLog {
  level: "fatal" | "error" | "warn" | "info" | "debug" | "trace" | false;
  input: boolean;
  output: boolean;
}

const LEVELS = new Set(["fatal", "error", "warn", "info", "debug", "trace"]);

/** Validates `runLog`; throws INVALID_OPTIONS. */
export function resolveRunLog(value: unknown): ResolvedRunLog {
  if (value === undefined) return { level: "info", input: false, output: false };
  if (value === false) return { level: false, input: false, output: false };
  if (typeof value !== "object" || value === null) throw new ChainserveError("INVALID_OPTIONS", `addRoutes: "runLog" must be an object or false`);
  const { level = "info", input = false, output = false } = value as RunLogOptions;
  if (level !== false && !LEVELS.has(level)) throw new ChainserveError("INVALID_OPTIONS", `addRoutes: unknown runLog level ${JSON.stringify(level)}`);
  if (typeof input !== "boolean" || typeof output !== "boolean") {
    throw new ChainserveError("INVALID_OPTIONS", `addRoutes: "runLog.input" and "runLog.output" must be booleans`);
  }
  return { level, input, output };
}

/** Validates `tracing`; throws INVALID_OPTIONS. */
export function resolveTracing(value: unknown): boolean | "all" {
  if (value === undefined) return true;
  if (value === true || value === false || value === "all") return value;
  throw new ChainserveError("INVALID_OPTIONS", `addRoutes: "tracing" must be true, false or "all"`);
}

type Logger = Record<string, (fields: object, message: string) => void> & { isLevelEnabled?: (level: string) => boolean };

/** Writes the run-end line of `record` at `options.level`. */
export function logRunEnd(record: RunRecord, options: ResolvedRunLog): void {
  const level = options.level;
  if (level === false) return;
  const log = record.request.log as unknown as Logger;
  // Fastify's null logger has no level check and drops everything: build nothing for it.
  if (log.isLevelEnabled?.(level) !== true) return;
  const fields: Record<string, unknown> = {
    run_id: record.runId,
    chain: record.chain,
    endpoint: record.endpoint,
    status: record.status,
    outcome: record.outcome,
    duration_ms: Math.round(record.durationMs * 100) / 100,
  };
  if (record.code !== undefined) fields.code = record.code;
  if (record.firstChunkMs !== undefined) fields.first_chunk_ms = Math.round(record.firstChunkMs * 100) / 100;
  if (record.endpoint !== "invoke" && record.endpoint !== "batch") fields.chunks = record.chunks;
  if (record.tokens !== undefined) {
    fields.tokens = record.tokens;
    fields.token_source = record.tokenSource;
  }
  if (options.input) {
    const body = record.request.body as { input?: unknown; inputs?: unknown } | undefined;
    fields.input = record.endpoint === "batch" ? body?.inputs : body?.input;
  }
  if (options.output && record.output !== undefined) fields.output = record.output;
  log[level]?.(fields, "run finished");
}
