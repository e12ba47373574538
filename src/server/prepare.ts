/**
 * Everything between the raw request and the runnable call, shared by the endpoint handlers:
 * body shape, config hash, client config, per-request modifier, input validation. Errors from
 * validation are the client's (4xx, never remapped); what the modifier throws is wrapped in
 * {@link HookFailure} so the handler sends it through the `errorMapper` like a run failure.
 */
import type { FastifyReply, FastifyRequest } from "fastify";
import type { RunnableConfig } from "../core/config.js";
import { validationError, type ValidationIssue } from "../serde/errors.js";
import { decodeConfigHash } from "./config-hash.js";
import { checkJsonDepth } from "./json-depth.js";
import { ItemSignals } from "./item-signals.js";
import { logFailure, replyRunError, sendHttpError, toHttpError } from "./error-mapper.js";
import { clientConfig, finalizeConfig, type ClientConfig } from "./config-pipeline.js";
import type { EndpointName, ResolvedOptions } from "./options.js";
import type { RequestSignal } from "./request-signal.js";
import { RunRefused } from "./run-scope.js";
import { parseBatchBody, parseSingleBody, validateInput } from "./validate.js";
import { copied } from "../core/utils/objects.js";

/** A config ready for the runnable, with its run id. */
export type RunConfig = RunnableConfig & { runId: string };

/** Marks an error thrown by server code the deployment supplied (the config modifier). */
export class HookFailure {
  constructor(readonly error: unknown) {}
}

function configHash(request: FastifyRequest, mount: ResolvedOptions): Record<string, unknown> {
  return decodeConfigHash((request.params as { config_hash?: string } | undefined)?.config_hash, mount.hardening.maxDepth);
}

// Before JSON.parse's result reaches anything recursive (revival, zod, error details).
function checkBodyDepth(raw: unknown, mount: ResolvedOptions): void {
  if (typeof raw === "string") checkJsonDepth(raw, mount.hardening.maxDepth, "The JSON body");
}

const hookFailure = (error: unknown): HookFailure => new HookFailure(error);

/** A validated invoke / stream request. */
export interface PreparedRun {
  body: Record<string, unknown>;
  input: unknown;
  config: RunConfig;
}

/**
 * Validates an invoke or stream request and builds its config. Synchronous unless the
 * config modifier is asynchronous: handlers await only what is a promise.
 */
export function prepareSingle(request: FastifyRequest, mount: ResolvedOptions, endpoint: EndpointName, signal: RequestSignal): PreparedRun | Promise<PreparedRun> {
  checkBodyDepth(request.body, mount);
  const { body, input, config } = parseSingleBody(request.body);
  // Hooks and the config modifier see the parsed body, as they would with Fastify's parser.
  request.body = body;
  const client = clientConfig(configHash(request, mount), config, mount);
  const runConfig = finalizeConfig(client, { mount, request, endpoint, signal }, hookFailure);
  if (runConfig instanceof Promise) return runConfig.then((c) => validated(body, input, c, mount));
  return validated(body, input, runConfig, mount);
}

function validated(body: Record<string, unknown>, input: unknown, config: RunConfig, mount: ResolvedOptions): PreparedRun {
  const issues: ValidationIssue[] = [];
  const value = validateInput(input, mount.inputSchema, [], issues);
  if (issues.length > 0) throw validationError(issues);
  return { body, input: value, config };
}

/** A validated batch request: one input and one config per item. */
export interface PreparedBatch {
  inputs: unknown[];
  configs: RunConfig[];
}

/** Validates a batch request; issues in items carry `loc` `["inputs", i, …]`. */
export async function prepareBatch(request: FastifyRequest, mount: ResolvedOptions, signal: RequestSignal): Promise<PreparedBatch> {
  checkBodyDepth(request.body, mount);
  const { body, inputs, configs, perInput } = parseBatchBody(request.body);
  request.body = body;
  const { maxBatchSize } = mount.hardening;
  if (inputs.length > maxBatchSize) {
    throw validationError(`A batch may hold at most ${maxBatchSize} inputs (maxBatchSize); got ${inputs.length}. Split it into smaller batches.`);
  }
  const hash = configHash(request, mount);
  let clients: ClientConfig[];
  if (perInput) {
    clients = configs.map((c, i) => clientConfig(hash, c, mount, [i]));
  } else {
    const shared = clientConfig(hash, configs[0] ?? {}, mount);
    // A client run id names one run: it goes to the first item only.
    const rest: ClientConfig = copied(shared);
    delete rest.runId;
    clients = inputs.map((_, i) => (i === 0 ? shared : rest));
  }
  const runConfigs: RunConfig[] = [];
  const items = new ItemSignals(signal);
  const batchCache = {};
  for (const client of clients) {
    const config = finalizeConfig(client, { mount, request, endpoint: "batch", signal: items.child(), batchCache }, hookFailure);
    runConfigs.push(config instanceof Promise ? await config : config);
  }
  const issues: ValidationIssue[] = [];
  const values = inputs.map((input, i) => validateInput(input, mount.inputSchema, ["inputs", i], issues));
  if (issues.length > 0) throw validationError(issues);
  return { inputs: values, configs: runConfigs };
}

/**
 * Answers an error from the preparation phase: the config modifier's through the `errorMapper`;
 * a validation error as is (a 4xx the mapper cannot turn into a 5xx).
 */
export function replyPrepareError(request: FastifyRequest, reply: FastifyReply, error: unknown, mount: ResolvedOptions): FastifyReply {
  if (error instanceof HookFailure) return replyRunError(request, reply, error.error, mount.errorMapper);
  if (error instanceof RunRefused) return sendHttpError(reply, error.http);
  const http = toHttpError(error);
  if (http.status >= 500) logFailure(request, http, error, undefined);
  else request.log.debug({ status: http.status, code: http.code }, "request rejected");
  return sendHttpError(reply, http);
}
