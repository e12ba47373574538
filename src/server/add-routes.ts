/**
 * `addRoutes`: mounts one runnable's LangServe endpoints as an encapsulated Fastify plugin with
 * `prefix` = the mount path. Encapsulation keeps this chain's body parser (JSON whatever the
 * Content-Type) and error handler away from the rest of the app.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest, HTTPMethods, RouteOptions } from "fastify";
import { ChainserveError } from "../core/errors.js";
import type { Runnable } from "../core/runnable.js";
import { isLangChainRunnable, type LangChainRunnableLike } from "../core/langchain/detect.js";
import { fromLangChain } from "../core/langchain/from-langchain.js";
import { codeForStatus, errorBody } from "../serde/errors.js";
import { installAuth, securityOf } from "./auth.js";
import { batchHandler } from "./batch.js";
import { configHashFallback, HASH_ROUTE_METHODS, type HashRouteTarget } from "./config-hash-route.js";
import { sendHttpError, toHttpError } from "./error-mapper.js";
import { invokeHandler } from "./invoke.js";
import { MountGuard } from "./mount-guard.js";
import { pipelineGate } from "./pipeline-gate.js";
import { resolveOptions, type AddRoutesOptions, type EndpointName, type ResolvedOptions } from "./options.js";
import { chainservePlugin, claimRoot, ensureState, type MountedChain } from "./plugin.js";
import { playgroundRoot, playgroundRoutes } from "./playground.js";
import { noteErrorCode, runProbeHook } from "./observability/run-probe.js";
import { configJsonSchema, inputJsonSchema, outputJsonSchema, schemaHandler } from "./schemas.js";
import { streamEventsHandler } from "./stream-events.js";
import { streamLogHandler } from "./stream-log.js";
import { streamHandler } from "./stream.js";

type Handler = (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>;

// OPTIONS is left alone so CORS preflight handlers (e.g. @fastify/cors's `OPTIONS *`) still match.
const OTHER_METHODS: Record<"GET" | "POST", HTTPMethods[]> = {
  GET: ["HEAD", "POST", "PUT", "DELETE", "PATCH"],
  POST: ["GET", "HEAD", "PUT", "DELETE", "PATCH"],
};

const HIDDEN = { hide: true } as const;

const METHOD_NOT_ALLOWED = JSON.stringify(errorBody("METHOD_NOT_ALLOWED", "Method Not Allowed"));

function methodNotAllowed(allow: string): Handler {
  return async (_request, reply) =>
    reply.code(405).header("allow", allow).header("content-type", "application/json").send(METHOD_NOT_ALLOWED);
}

function handlerFor(endpoint: EndpointName, mount: ResolvedOptions, record: MountedChain, guard: MountGuard): Handler {
  switch (endpoint) {
    case "invoke":
      return invokeHandler(mount, guard);
    case "batch":
      return batchHandler(mount, guard);
    case "stream":
      return streamHandler(mount, guard);
    case "stream_log":
      return streamLogHandler(mount, guard);
    case "stream_events":
      return streamEventsHandler(mount, guard);
    case "input_schema":
      return schemaHandler(record.inputJsonSchema);
    case "output_schema":
      return schemaHandler(record.outputJsonSchema);
    case "config_schema":
      return schemaHandler(record.configJsonSchema);
  }
}

// Errors Fastify raises before a handler runs (body too large, bad Content-Length) keep their
// 4xx in our error shape; anything else here is a bug and a plain 500. A 400 from Fastify is a
// malformed request, not a config hash (the code table's only 400).
function chainErrorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const status = error.statusCode;
  if (status !== undefined && status >= 400 && status < 500) {
    const code = status === 413 ? "PAYLOAD_TOO_LARGE" : status === 400 ? "BAD_REQUEST" : codeForStatus(status);
    noteErrorCode(reply, code);
    return reply.code(status).header("content-type", "application/json").send(JSON.stringify(errorBody(code, error.message)));
  }
  request.log.error({ err: error }, "unhandled error in a chainserve route");
  return sendHttpError(reply, toHttpError(error));
}

function record(mount: ResolvedOptions): MountedChain {
  const out: MountedChain = {
    path: mount.fullPath,
    name: mount.name,
    endpoints: [...mount.endpoints],
    configHashes: mount.configHashes,
    playground: mount.playground,
    routes: [],
    configKeys: [...mount.configKeys],
    inputJsonSchema: inputJsonSchema(mount, mount.inputSchema === mount.runnable.inputSchema ? undefined : mount.inputSchema),
    outputJsonSchema: outputJsonSchema(mount, mount.outputSchema === mount.runnable.outputSchema ? undefined : mount.outputSchema),
    configJsonSchema: configJsonSchema(mount),
  };
  if (mount.inputSchema !== undefined) out.inputSchema = mount.inputSchema;
  if (mount.outputSchema !== undefined) out.outputSchema = mount.outputSchema;
  if (mount.auth !== undefined) out.security = securityOf(mount.auth);
  for (const endpoint of mount.endpoints) {
    const method = endpoint.endsWith("_schema") ? "GET" : "POST";
    out.routes.push({ method, url: `${mount.fullPath}/${endpoint}`, endpoint });
    if (mount.configHashes) out.routes.push({ method, url: `${mount.fullPath}/c/:config_hash/${endpoint}`, endpoint });
  }
  return out;
}

interface ChainRoutesOptions {
  mount: ResolvedOptions;
  record: MountedChain;
  guard: MountGuard;
}

async function chainRoutes(app: FastifyInstance, { mount, record, guard }: ChainRoutesOptions): Promise<void> {
  // LangServe reads the body as JSON whatever the Content-Type (text/plain included); parsing
  // it ourselves turns invalid JSON into its 422 instead of Fastify's 400.
  app.removeAllContentTypeParsers();
  const asString = (_request: FastifyRequest, body: string | Buffer, done: (error: null, body: string | Buffer) => void): void => done(null, body);
  // The same parser under its usual type too: Fastify caches a lookup by exact type, while the
  // catch-all alone made it parse the Content-Type header on every request (~0.6 µs, issue #5).
  app.addContentTypeParser("application/json", { parseAs: "string" }, asString);
  app.addContentTypeParser("*", { parseAs: "string" }, asString);
  app.setErrorHandler(chainErrorHandler);
  if (mount.auth !== undefined) installAuth(app, mount.auth, mount.fullPath);
  app.addHook("preHandler", pipelineGate(mount.hardening.maxPipelinedRequests));
  const hashTargets = new Map<string, HashRouteTarget>();
  for (const endpoint of mount.endpoints) {
    const method = endpoint.endsWith("_schema") ? "GET" : "POST";
    const handler = handlerFor(endpoint, mount, record, guard);
    hashTargets.set(endpoint, { method, handler });
    const onRequest = runProbeHook(app, mount, endpoint); // run-end log, metrics (observability/)
    const urls = mount.configHashes ? [`/${endpoint}`, `/c/:config_hash/${endpoint}`] : [`/${endpoint}`];
    const bodyLimit = mount.limits.bodyLimit;
    for (const url of urls) {
      // Hidden from @fastify/swagger's route scan: the chains enter its document through
      // openApiTransform / chainserveDocs, with their schemas (src/server/openapi/).
      const route: RouteOptions = { method, url, handler, exposeHeadRoute: false, schema: HIDDEN };
      if (bodyLimit !== undefined) route.bodyLimit = bodyLimit;
      if (onRequest !== undefined) route.onRequest = onRequest;
      app.route(route);
      app.route({ method: OTHER_METHODS[method], url, handler: methodNotAllowed(method), schema: HIDDEN });
    }
  }
  // Config hashes longer than Fastify's maxParamLength land here (config-hash-route.ts).
  if (mount.configHashes) {
    const fallback: RouteOptions = { method: HASH_ROUTE_METHODS, url: "/c/*", handler: configHashFallback(hashTargets), schema: HIDDEN };
    if (mount.limits.bodyLimit !== undefined) fallback.bodyLimit = mount.limits.bodyLimit;
    app.route(fallback);
  }
  if (mount.playground) await playgroundRoutes(app, { configHashes: mount.configHashes, root: playgroundRoot() });
}

/**
 * Mounts `runnable` on `app` under `options.path`, LangServe style: POST `invoke`, `batch`,
 * `stream`, `stream_log`, `stream_events`; GET `input_schema`, `output_schema`,
 * `config_schema`; and their `/c/{config_hash}/…` twins. Options are validated here: a bad one
 * rejects with an INVALID_OPTIONS ChainserveError at boot. Registers {@link chainservePlugin}
 * (404 handler, mount registry) the first time.
 * @example
 * import Fastify from "fastify";
 * import { addRoutes } from "chainserve/server";
 *
 * const app = Fastify({ logger: true });
 * await addRoutes(app, chain, {
 *   path: "/chat",
 *   configKeys: ["configurable", "tags"],
 *   perRequestConfigModifier: (config, request) => ({
 *     ...config,
 *     metadata: { ...config.metadata, user: request.headers["x-user"] },
 *   }),
 *   errorMapper: (error) =>
 *     (error as { status?: number }).status === 429
 *       ? { status: 429, code: "RATE_LIMITED", message: "Upstream rate limit", safe: true }
 *       : undefined,
 * });
 * await app.listen({ port: 8000 });
 */
export async function addRoutes(
  app: FastifyInstance<any, any, any, any, any>,
  runnable: Runnable<any, any, any> | LangChainRunnableLike,
  options: AddRoutesOptions,
): Promise<void> {
  const instance = app as unknown as FastifyInstance;
  // A LangChain.js runnable is served through the adapter: one kind of runnable from here on.
  const mount = resolveOptions(isLangChainRunnable(runnable) ? fromLangChain(runnable) : runnable, options, instance.prefix);
  const state = ensureState(instance);
  // Claimed now, so a second addRoutes before this one is awaited does not register twice.
  if (claimRoot(instance)) void instance.register(chainservePlugin);
  if (state.mounts.some((m) => m.path === mount.fullPath)) {
    throw new ChainserveError("INVALID_OPTIONS", `addRoutes: a runnable is already mounted at ${JSON.stringify(mount.fullPath)}`);
  }
  const entry = record(mount);
  const guard = new MountGuard(mount.limits, instance);
  entry.load = guard.load;
  state.mounts.push(entry);
  await instance.register(chainRoutes, { prefix: mount.path, mount, record: entry, guard });
}
