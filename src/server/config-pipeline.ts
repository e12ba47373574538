/**
 * The config a run gets (langserve-protocol.md §2.5): the client's config (hash, then body)
 * validated key by key and projected onto `configKeys`, merged, gated, passed through the
 * per-request modifier, then stamped with what only the server sets: `__` metadata, the run
 * name (the mount path), the run id and the abort signal. A client can never set `callbacks`,
 * `signal`, `timeout`, `runName` or anything else that runs code: unknown keys are dropped.
 */
import { randomUUID } from "node:crypto";
import type { FastifyRequest } from "fastify";
import { getPrincipal, PRINCIPAL_KEY } from "./auth.js";
import { ensureConfig, SIGNAL_RACED, withDeferredSignal, type DeferredSignal, type RunnableConfig } from "../core/config.js";
import { ChainserveError } from "../core/errors.js";
import { validationError, type ValidationIssue } from "../serde/errors.js";
import { fromZodIssues, issue } from "./issues.js";
import { CONFIG_KEY_ALIASES, type ConfigKey, type EndpointName, type ResolvedOptions } from "./options.js";
import { isPlainObject, merged } from "../core/utils/objects.js";
import { observeRun } from "./observability/otel.js";
import { probeOf } from "./observability/run-probe.js";

type Loc = (string | number)[];

/** The part of a config a client may set. */
export type ClientConfig = Pick<RunnableConfig, ConfigKey>;

/** A validated client config, and whether it asked for any `configurable` value at all. */
export interface ParsedClientConfig {
  config: ClientConfig;
  configurableSent: boolean;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const CONFIGURABLE_DISALLOWED =
  "The config field `configurable` has been disallowed by the server. This can be modified server side by adding `configurable` to the list of `config_keys` argument in `add_routes`";

function positiveInt(value: unknown, loc: Loc, issues: ValidationIssue[]): number | undefined {
  if (typeof value !== "number" || !Number.isInteger(value)) {
    issues.push(issue("int_type", loc, "Input should be a valid integer", value));
  } else if (value < 1) {
    issues.push(issue("greater_than_equal", loc, "Input should be greater than or equal to 1", value, { ge: 1 }));
  } else return value;
  return undefined;
}

/**
 * Validates one wire config: keys outside `configKeys` (and every unknown key) are dropped;
 * kept keys are type-checked, issues going to `issues` with `loc` under `loc`.
 */
export function parseClientConfig(raw: Record<string, unknown>, mount: ResolvedOptions, loc: Loc, issues: ValidationIssue[]): ParsedClientConfig {
  const config: ClientConfig = {};
  let configurableSent = false;
  for (const key of Object.keys(raw)) {
    const canonical = CONFIG_KEY_ALIASES.get(key);
    const value = raw[key];
    if (canonical === undefined || value === null || value === undefined) continue;
    if (canonical === "configurable") {
      if (!isPlainObject(value)) {
        issues.push(issue("dict_type", [...loc, key], "Input should be a valid dictionary", value));
        continue;
      }
      configurableSent ||= Object.keys(value).length > 0;
      if (mount.configKeys.has("configurable")) {
        const parsed = parseConfigurable(value, mount, [...loc, key], issues);
        if (parsed !== undefined) config.configurable = parsed;
      }
      continue;
    }
    if (!mount.configKeys.has(canonical)) continue;
    const at = [...loc, key];
    switch (canonical) {
      case "tags":
        if (!Array.isArray(value)) issues.push(issue("list_type", at, "Input should be a valid list", value));
        else {
          const bad = value.findIndex((t) => typeof t !== "string");
          if (bad >= 0) issues.push(issue("string_type", [...at, bad], "Input should be a valid string", value[bad]));
          else config.tags = value as string[];
        }
        break;
      case "metadata":
        if (isPlainObject(value)) config.metadata = value;
        else issues.push(issue("dict_type", at, "Input should be a valid dictionary", value));
        break;
      case "recursionLimit":
        config.recursionLimit = positiveInt(value, at, issues);
        break;
      case "maxConcurrency":
        config.maxConcurrency = positiveInt(value, at, issues);
        break;
      case "runId":
        if (typeof value === "string" && UUID.test(value)) config.runId = value.toLowerCase();
        else issues.push(issue("uuid_parsing", at, "Input should be a valid UUID", value));
        break;
    }
  }
  return { config, configurableSent };
}

// Only the fields the runnable declares reach it, each validated by its own schema (as LangServe
// builds its `Configurable` model from the runnable's config specs).
function parseConfigurable(value: Record<string, unknown>, mount: ResolvedOptions, loc: Loc, issues: ValidationIssue[]): Record<string, unknown> | undefined {
  let out: Record<string, unknown> | undefined;
  for (const key of Object.keys(value)) {
    const spec = mount.configurableSpecs.get(key);
    if (spec === undefined) continue;
    const result = spec.schema.safeParse(value[key], { reportInput: true });
    if (!result.success) issues.push(...fromZodIssues(result.error.issues, value[key], [...loc, key]));
    else (out ??= {})[key] = result.data;
  }
  return out;
}

/** Merges `b` over `a`: tags as a sorted set union (as LangServe), dicts shallowly, the rest later-wins. */
export function mergeClientConfigs(a: ClientConfig, b: ClientConfig): ClientConfig {
  // Object.assign, not a spread: keys added to a spread copy take V8's slow path (see finalizeConfig).
  const out: ClientConfig = Object.assign({}, a);
  for (const key of Object.keys(b) as ConfigKey[]) {
    const value = b[key];
    if (value === undefined) continue;
    if (key === "metadata" || key === "configurable") out[key] = merged(out[key], value as Record<string, unknown>);
    else (out as Record<string, unknown>)[key] = value;
  }
  if (a.tags !== undefined || b.tags !== undefined) out.tags = [...new Set([...(a.tags ?? []), ...(b.tags ?? [])])].sort();
  return out;
}

/**
 * Validates the hash config and one body config and merges them; throws BAD_REQUEST (422) with
 * every issue, or the "configurable disallowed" 422 when the client sets configurable fields
 * the runnable declares but the mount does not allow.
 */
export function clientConfig(hash: Record<string, unknown>, body: Record<string, unknown>, mount: ResolvedOptions, loc: Loc = []): ClientConfig {
  const issues: ValidationIssue[] = [];
  const fromHash = parseClientConfig(hash, mount, loc, issues);
  const fromBody = parseClientConfig(body, mount, loc, issues);
  if (issues.length > 0) throw validationError(issues);
  const sent = fromHash.configurableSent || fromBody.configurableSent;
  if (sent && !mount.configKeys.has("configurable") && mount.configurableSpecs.size > 0) throw validationError(CONFIGURABLE_DISALLOWED);
  return mergeClientConfigs(fromHash.config, fromBody.config);
}

/** What {@link finalizeConfig} needs to know about the request. */
export interface FinalizeContext {
  mount: ResolvedOptions;
  request: FastifyRequest;
  endpoint: EndpointName;
  /** The run's signal (the request's, or a batch item's): `config.signal`, built when first read. */
  signal: DeferredSignal;
  /**
   * Shared by the items of one batch: items whose metadata is the same object (or empty) get the same
   * stamped metadata object (runs treat their config as read-only), one merge per batch
   * rather than per item.
   */
  batchCache?: { from?: unknown; to?: Record<string, unknown> };
}

/**
 * Runs the per-request modifier, then applies the server's keys, which nothing overrides:
 * `__useragent`, `__langserve_version`, `__langserve_endpoint`, `runName` (the mount path),
 * `runId` (the allowed client's or modifier's, else a fresh UUID) and the run's abort signal.
 * Synchronous unless the modifier returns a promise (an await per request costs a promise and
 * a microtask turn). What the modifier throws or rejects with is thrown wrapped in `wrap`.
 */
export function finalizeConfig<E>(
  client: ClientConfig,
  ctx: FinalizeContext,
  wrap: (error: unknown) => E,
): (RunnableConfig & { runId: string }) | Promise<RunnableConfig & { runId: string }> {
  const modifier = ctx.mount.perRequestConfigModifier;
  if (modifier === undefined) return stampConfig(client, ctx);
  let modified: ReturnType<typeof modifier>;
  try {
    modified = modifier(Object.assign({}, client), ctx.request);
  } catch (error) {
    throw wrap(error);
  }
  if (isThenable(modified)) {
    return Promise.resolve(modified).then(
      (value: unknown) => stampConfig(checkModified(value, client, wrap), ctx),
      (error: unknown) => {
        throw wrap(error);
      },
    );
  }
  return stampConfig(checkModified(modified, client, wrap), ctx);
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof value === "object" && value !== null && typeof (value as { then?: unknown }).then === "function";
}

function checkModified<E>(modified: unknown, client: ClientConfig, wrap: (error: unknown) => E): RunnableConfig {
  if (modified === undefined) return client;
  if (typeof modified !== "object" || modified === null) {
    throw wrap(new ChainserveError("INTERNAL", "perRequestConfigModifier must return a config object or undefined"));
  }
  return modified;
}

// Without allocating (Object.keys would): ensureConfig gives every config its own `{}`.
function isEmpty(value: unknown): boolean {
  for (const _ in value as object) return false;
  return true;
}

function stampConfig(config: RunnableConfig, ctx: FinalizeContext): RunnableConfig & { runId: string } {
  const { mount, request } = ctx;
  // Normalised here (defaults, configurable values in metadata), in the one copy this function
  // makes: the runnable's own ensureConfig then returns this object as it is (and leaves its
  // signal unread). The copy is built key by key: V8 gives a spread copy of a config that
  // already holds keys a map on which each later addition takes a slow path (~2.5 µs instead of
  // ~0.15 µs per run, ten times per batch of ten; issue #5 profiling).
  // (A config that is normalised already, say one a modifier shares between calls, is copied.)
  const normalised = ensureConfig(config);
  const normal = (normalised === config ? Object.assign({}, config) : normalised) as RunnableConfig & { runId: string };
  if (typeof normal.runId !== "string") normal.runId = randomUUID();
  if (mount.includeServerMetadata) {
    const cache = ctx.batchCache;
    if (cache !== undefined && cache.to !== undefined && (cache.from === normal.metadata || (isEmpty(cache.from) && isEmpty(normal.metadata)))) {
      normal.metadata = cache.to;
    } else {
      const from = normal.metadata;
      const userAgent = request.headers["user-agent"];
      normal.metadata = merged(from, {
        __useragent: userAgent ?? null,
        __langserve_version: mount.serverVersion,
        __langserve_endpoint: ctx.endpoint,
      });
      if (cache !== undefined) {
        cache.from = from;
        cache.to = normal.metadata;
      }
    }
  }
  if (mount.auth !== undefined) {
    // Set after the modifier, like the other server keys: a client's `principal` never survives.
    const principal = getPrincipal(request);
    const entry = { [PRINCIPAL_KEY]: principal ?? null };
    normal.metadata = merged(normal.metadata, entry);
    normal.configurable = merged(normal.configurable, entry);
  }
  if (mount.fullPath !== "") normal.runName = mount.fullPath;
  else delete normal.runName;
  // A signal the modifier set (or its timeout) is combined with the request's now; otherwise
  // the request's is deferred: built only if the run reads it (request-signal.ts).
  const own = normal.signal;
  if (own !== undefined) normal.signal = AbortSignal.any([own, ctx.signal.signal]);
  else withDeferredSignal(normal, ctx.signal);
  // Nobody awaits the run once the client is gone: invoke/batch drop the answer, and the stream
  // loop stops pulling and closes the run's iterator itself (sse-stream.ts). So no layer of the
  // run races the signal (an abort listener and a promise per call, a promise per streamed
  // chunk); the signal still stops sequences between steps and aborts model HTTP calls.
  normal[SIGNAL_RACED] = own === undefined ? ctx.signal : normal.signal;
  observeRun(normal, probeOf(request), mount, ctx.endpoint); // run id for the run-end line; OpenTelemetry spans
  return normal;
}
