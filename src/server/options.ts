/**
 * Options of `addRoutes`, checked once at registration: a bad option fails at boot with a
 * coded INVALID_OPTIONS error, never on the first request (conventions §3).
 */
import { createRequire } from "node:module";
import type { FastifyRequest } from "fastify";
import type { z } from "zod";
import { ChainserveError, type ErrorCode } from "../core/errors.js";
import type { RunnableConfig } from "../core/config.js";
import { isRunnable, type ConfigurableSpec, type Runnable } from "../core/runnable.js";
import { resolveAuth, type AuthRouteOptions, type ResolvedAuth } from "./auth.js";
import { resolveHardening, type HardeningOptions, type ResolvedHardening } from "./options-hardening.js";
import { resolveLimits, type LimitOptions, type ResolvedLimits } from "./options-limits.js";
import { resolveRunLog, resolveTracing, type ObservabilityRouteOptions, type ResolvedRunLog } from "./observability/run-log.js";
import { playgroundEnabled, type PlaygroundOptions } from "./playground.js";

/** Endpoints served per mount; also the names `enabledEndpoints` / `disabledEndpoints` take. */
export const ENDPOINTS = [
  "invoke",
  "batch",
  "stream",
  "stream_log",
  "stream_events",
  "input_schema",
  "output_schema",
  "config_schema",
] as const;

/** An endpoint chainserve serves. */
export type EndpointName = (typeof ENDPOINTS)[number];

/**
 * Every name the endpoint switches accept: the served endpoints, `config_hashes` (the
 * `/c/{config_hash}/…` twins), `playground` (the page at `{path}/playground/`), and LangServe's
 * `feedback`, `token_feedback` and `public_trace_link`, accepted so LangServe switch lists port
 * unchanged but serving nothing.
 */
export const ENDPOINT_SWITCHES = [...ENDPOINTS, "config_hashes", "playground", "feedback", "token_feedback", "public_trace_link"] as const;

/** A name accepted by `enabledEndpoints` / `disabledEndpoints`. */
export type EndpointSwitch = (typeof ENDPOINT_SWITCHES)[number];

/** Config keys a mount may let clients set, in their internal (camelCase) spelling. */
export type ConfigKey = "configurable" | "tags" | "metadata" | "recursionLimit" | "maxConcurrency" | "runId";

/** Both spellings of each allowed key (snake_case from Python clients, camelCase from JS clients). */
export const CONFIG_KEY_ALIASES: ReadonlyMap<string, ConfigKey> = new Map<string, ConfigKey>([
  ["configurable", "configurable"],
  ["tags", "tags"],
  ["metadata", "metadata"],
  ["recursion_limit", "recursionLimit"],
  ["recursionLimit", "recursionLimit"],
  ["max_concurrency", "maxConcurrency"],
  ["maxConcurrency", "maxConcurrency"],
  ["run_id", "runId"],
  ["runId", "runId"],
]);

/** What an `errorMapper` returns: the status, code and message to answer with. */
export interface MappedError {
  /** HTTP status (also the `status_code` of an SSE error event). */
  status: number;
  /** Error code sent as `code`. */
  code: ErrorCode;
  /** Message; sent only when `safe` is true, else the status's reason phrase is sent. */
  message: string;
  /** Whether `message` may be shown to the client. @default false */
  safe?: boolean;
}

/** Turns a thrown error into a {@link MappedError}; `undefined` falls back to the default mapping. */
export type ErrorMapper = (error: unknown) => MappedError | undefined;

/** Adjusts the config per request (identity, headers); sync or async. */
export type PerRequestConfigModifier = (
  config: RunnableConfig,
  request: FastifyRequest,
) => RunnableConfig | undefined | void | Promise<RunnableConfig | undefined | void>;

/** Options of `addRoutes`. */
export interface AddRoutesOptions extends AuthRouteOptions, HardeningOptions, LimitOptions, ObservabilityRouteOptions, PlaygroundOptions {
  /** Mount path: `""` or starting with `/`; a trailing slash is removed. */
  path: string;
  /** Input schema for validation and `/input_schema`. @default runnable.inputSchema, else any JSON */
  inputSchema?: z.ZodType;
  /** Output schema for `/output_schema` (outputs are not re-validated). @default runnable.outputSchema, else any */
  outputSchema?: z.ZodType;
  /** Config keys clients may set, either spelling; `runName` is never allowed. @default ["configurable"] */
  configKeys?: readonly string[];
  /** Serve exactly these endpoints (exclusive with `disabledEndpoints`). */
  enabledEndpoints?: readonly EndpointSwitch[];
  /** Serve everything but these endpoints (exclusive with `enabledEndpoints`). */
  disabledEndpoints?: readonly EndpointSwitch[];
  /** Runs on invoke, batch and the stream endpoints after the client config is validated. */
  perRequestConfigModifier?: PerRequestConfigModifier;
  /** Maps a runnable's (or the modifier's) error to a status, code and message. */
  errorMapper?: ErrorMapper;
  /** Version of the events on `/stream_events`; the client's request is ignored. @default "v2" */
  streamEventsVersion?: "v1" | "v2";
  /** Add `__useragent`, `__langserve_version` and `__langserve_endpoint` to the run metadata. @default true */
  includeServerMetadata?: boolean;
  /** Milliseconds between SSE comment pings. @default 15000 */
  pingIntervalMs?: number;
}

/** Options after validation, plus what is derived from the runnable once. */
export interface ResolvedOptions {
  runnable: Runnable;
  /** Normalised mount path, relative to the Fastify instance's prefix. */
  path: string;
  /** Prefix + path: the run name (none when empty) and the recorded mount path. */
  fullPath: string;
  name: string;
  inputSchema: z.ZodType | undefined;
  outputSchema: z.ZodType | undefined;
  configKeys: ReadonlySet<ConfigKey>;
  endpoints: readonly EndpointName[];
  configHashes: boolean;
  /** Whether `{path}/playground/` is served. */
  playground: boolean;
  perRequestConfigModifier: PerRequestConfigModifier | undefined;
  errorMapper: ErrorMapper | undefined;
  streamEventsVersion: "v1" | "v2";
  includeServerMetadata: boolean;
  pingIntervalMs: number;
  configurableSpecs: ReadonlyMap<string, ConfigurableSpec>;
  serverVersion: string;
  /** The mount's `auth` (auth.ts), when it has one. */
  auth: ResolvedAuth | undefined;
  /** Limits on what a request or connection may cost (options-hardening.ts). */
  hardening: ResolvedHardening;
  /** Run limits and timeouts (options-limits.ts). */
  limits: ResolvedLimits;
  /** The run-end log line (observability/run-log.ts) and whether runs are traced with OpenTelemetry. */
  runLog: ResolvedRunLog;
  tracing: boolean | "all";
}

const fail = (message: string): never => {
  throw new ChainserveError("INVALID_OPTIONS", `addRoutes: ${message}`);
};

/** Normalises a mount path or throws INVALID_OPTIONS. */
export function normalizePath(path: unknown): string {
  if (typeof path !== "string") return fail(`"path" must be a string, got ${typeof path}`);
  const trimmed = path.replace(/\/+$/, "");
  if (trimmed !== "" && !trimmed.startsWith("/")) fail(`invalid path ${JSON.stringify(path)}: it must be "" or start with "/"`);
  if (trimmed.includes("//")) fail(`invalid path ${JSON.stringify(path)}: double slashes are not allowed`);
  // Route syntax characters would turn the mount path into parameters or wildcards.
  if (/[\s?#:*()]/.test(trimmed)) fail(`invalid path ${JSON.stringify(path)}: it may not contain whitespace or any of ? # : * ( )`);
  return trimmed;
}

function switchList(value: unknown, name: string): Set<EndpointSwitch> | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) return fail(`"${name}" must be an array of endpoint names`);
  const out = new Set<EndpointSwitch>();
  for (const item of value) {
    const lower = typeof item === "string" ? item.toLowerCase() : item;
    if (!(ENDPOINT_SWITCHES as readonly unknown[]).includes(lower)) {
      fail(`unknown endpoint ${JSON.stringify(item)} in "${name}"; known: ${ENDPOINT_SWITCHES.join(", ")}`);
    }
    out.add(lower as EndpointSwitch);
  }
  return out;
}

function configKeySet(value: unknown): Set<ConfigKey> {
  if (value === undefined) return new Set(["configurable"]);
  if (!Array.isArray(value)) return fail(`"configKeys" must be an array`);
  const out = new Set<ConfigKey>();
  for (const key of value) {
    if (key === "run_name" || key === "runName") fail(`"configKeys" may not include ${key}: the run name is the mount path`);
    const canonical = typeof key === "string" ? CONFIG_KEY_ALIASES.get(key) : undefined;
    if (canonical === undefined) {
      fail(`unknown config key ${JSON.stringify(key)} in "configKeys"; allowed: ${[...CONFIG_KEY_ALIASES.keys()].join(", ")}`);
    } else out.add(canonical);
  }
  return out;
}

function optionalFunction<T>(value: unknown, name: string): T | undefined {
  if (value !== undefined && typeof value !== "function") fail(`"${name}" must be a function`);
  return value as T | undefined;
}

const packageVersion = ((): string => {
  try {
    // Same relative location from src/server and dist/server.
    const pkg = createRequire(import.meta.url)("../../package.json") as { version?: unknown };
    return typeof pkg.version === "string" ? pkg.version : "";
  } catch {
    return "";
  }
})();

/**
 * Validates `options` for mounting `runnable` under `prefix`; throws INVALID_OPTIONS.
 * @example
 * resolveOptions(chain, { path: "/chat/" }, "").path; // "/chat"
 */
export function resolveOptions(runnable: unknown, options: AddRoutesOptions, prefix: string): ResolvedOptions {
  if (!isRunnable(runnable)) fail(`expected a Runnable, got ${runnable === null ? "null" : typeof runnable}`);
  const r = runnable as Runnable;
  if (typeof options !== "object" || options === null) return fail("options are required (at least { path })");
  const path = normalizePath(options.path);
  const enabled = switchList(options.enabledEndpoints, "enabledEndpoints");
  const disabled = switchList(options.disabledEndpoints, "disabledEndpoints");
  if (enabled !== undefined && disabled !== undefined) fail(`"enabledEndpoints" and "disabledEndpoints" are exclusive`);
  const on = (name: EndpointSwitch): boolean => (enabled !== undefined ? enabled.has(name) : disabled?.has(name) !== true);
  const version = options.streamEventsVersion ?? "v2";
  if (version !== "v1" && version !== "v2") fail(`"streamEventsVersion" must be "v1" or "v2"`);
  const ping = options.pingIntervalMs ?? 15_000;
  if (typeof ping !== "number" || !Number.isFinite(ping) || ping < 0) fail(`"pingIntervalMs" must be a number >= 0 (0 disables pings)`);
  for (const key of ["inputSchema", "outputSchema"] as const) {
    const schema = options[key] as { safeParse?: unknown } | undefined;
    if (schema !== undefined && typeof schema?.safeParse !== "function") fail(`"${key}" must be a zod schema`);
  }
  const specs = new Map<string, ConfigurableSpec>();
  for (const spec of r.getConfigurableSpecs()) specs.set(spec.id, spec);
  return {
    runnable: r,
    path,
    fullPath: `${prefix.replace(/\/+$/, "")}${path}`,
    name: r.getName(),
    inputSchema: options.inputSchema ?? r.inputSchema,
    outputSchema: options.outputSchema ?? r.outputSchema,
    configKeys: configKeySet(options.configKeys),
    endpoints: ENDPOINTS.filter(on),
    configHashes: on("config_hashes"),
    playground: playgroundEnabled(options.playground, on("playground")),
    perRequestConfigModifier: optionalFunction<PerRequestConfigModifier>(options.perRequestConfigModifier, "perRequestConfigModifier"),
    errorMapper: optionalFunction<ErrorMapper>(options.errorMapper, "errorMapper"),
    streamEventsVersion: version,
    includeServerMetadata: options.includeServerMetadata ?? true,
    pingIntervalMs: ping,
    configurableSpecs: specs,
    serverVersion: packageVersion,
    auth: resolveAuth(options.auth),
    hardening: resolveHardening(options),
    limits: resolveLimits(options),
    runLog: resolveRunLog(options.runLog),
    tracing: resolveTracing(options.tracing),
  };
}
