/**
 * The example app: a Fastify instance with the route table mounted, plus `GET /` (the
 * mounted chains), `GET /health` and `GET /ready`, `GET /metrics`, `GET /openapi.json` and the
 * `/docs` page. No `listen()` here — routes/main.ts does that — so tests can build the app and
 * inject or listen on port 0.
 */
import { randomUUID } from "node:crypto";
import { createRequire } from "node:module";
import Fastify, { type FastifyInstance, type FastifyServerOptions } from "fastify";
import { pino, type DestinationStream, type LoggerOptions } from "pino";
import { addRoutes, chainserveDocs, getMountedChains, healthPlugin } from "../src/server/index.js";
import { authFromEnv, registerAccess, type AccessEnv } from "./access.js";
import { INDEX_CSP, indexHtml, wantsHtml } from "./index-page.js";
import { langChainRoutes } from "./lc-table.js";
import { mountMetrics, type ObservabilityEnv } from "./observability.js";
import { createRouteTable, type ChainRoute, type RouteEnv } from "./table.js";

/** Options of {@link buildApp}; everything defaults to the process environment. */
export interface BuildAppOptions {
  /** Environment read for `LOG_LEVEL` and the OPENAI_* variables. @default process.env */
  env?: RouteEnv & AccessEnv & ObservabilityEnv & { LOG_LEVEL?: string | undefined };
  /** The chains to mount. @default createRouteTable(env) and langChainRoutes(env) */
  routes?: ChainRoute[];
  /**
   * Where logs go: `false` silences them; a stream receives pino's JSON lines (tests).
   * @default stdout, pretty-printed when stdout is a terminal and pino-pretty is installed
   */
  logger?: false | { stream: DestinationStream };
}

/** `info` of the OpenAPI document and `GET /`. */
export const APP_INFO = {
  title: "chainserve example",
  version: "0.1.0",
  description: "LangServe-compatible reference chains served by chainserve.",
} as const;

/**
 * Fastify's socket timeouts for the example app (its defaults leave the first two off):
 * - `connectionTimeout` 60 s: a socket with no bytes in either direction for this long is
 *   closed. Streams ping every 15 s, so only a dead peer or a client that stopped reading
 *   (its buffers full, nothing moves) reaches it: that bounds what slow readers hold.
 * - `requestTimeout` 30 s: the whole request (headers and body) must arrive within this, which
 *   ends slowloris connections that trickle headers; Node's headersTimeout follows it.
 * - `keepAliveTimeout` 72 s: Fastify's default, kept above the 60 s idle timeout of common load
 *   balancers so the server is never the one closing a connection the balancer reuses.
 */
export const SERVER_TIMEOUTS = {
  connectionTimeout: 60_000,
  requestTimeout: 30_000,
  keepAliveTimeout: 72_000,
} as const satisfies Pick<FastifyServerOptions, "connectionTimeout" | "requestTimeout" | "keepAliveTimeout">;

// Incoming ids are echoed in logs and headers, so only short, plain ones are kept.
const REQUEST_ID = /^[\w.:-]{1,128}$/;

/**
 * Build the example app (routes registered, not listening).
 * @example
 * const app = await buildApp({ logger: false });
 * const res = await app.inject({ method: "POST", url: "/echo/invoke", payload: { input: 1 } });
 */
export async function buildApp(options: BuildAppOptions = {}): Promise<FastifyInstance> {
  const env = options.env ?? process.env;
  const level = env.LOG_LEVEL ?? "info";
  const app = Fastify({
    ...SERVER_TIMEOUTS,
    ...loggerOptions(options.logger, level),
    genReqId: (req) => {
      const header = req.headers["x-request-id"];
      return typeof header === "string" && REQUEST_ID.test(header) ? header : randomUUID();
    },
  }) as unknown as FastifyInstance;
  // Callback style: an async hook costs a promise and a microtask hop on every request.
  app.addHook("onRequest", (request, reply, done) => {
    void reply.header("x-request-id", request.id);
    done();
  });

  await registerAccess(app, env);
  const auth = authFromEnv(env);
  // Before the routes: @fastify/swagger lists the app's own routes registered after it.
  await app.register(chainserveDocs, { info: APP_INFO });

  const routes = options.routes ?? [...createRouteTable(env), ...(await langChainRoutes(env))];
  await mountMetrics(app, env);
  // Every run ends with one "run finished" line from the library (ids, status, timings, tokens).
  for (const route of routes) await addRoutes(app, route.runnable, { auth, ...route.options });
  const descriptions = new Map(routes.map((r) => [r.options.path.replace(/\/+$/, ""), r.description]));

  app.get("/", async (request, reply) => {
    if (wantsHtml(request.headers.accept)) {
      return reply.type("text/html; charset=utf-8").header("content-security-policy", INDEX_CSP).send(indexHtml(APP_INFO.title, getMountedChains(app), (p) => descriptions.get(p)));
    }
    return listing();
  });
  const listing = () => ({
    name: APP_INFO.title,
    version: APP_INFO.version,
    docs: "/docs",
    openapi: "/openapi.json",
    chains: getMountedChains(app).map((chain) => ({
      path: chain.path,
      name: chain.name,
      description: descriptions.get(chain.path),
      endpoints: chain.endpoints,
      routes: chain.routes.map((r) => `${r.method} ${r.url}`),
      playground: chain.playground ? `${chain.path}/playground/` : undefined,
    })),
  });
  // GET /health (liveness) and GET /ready (readiness: 503 while draining), logged at warn only.
  await app.register(healthPlugin);

  return app;
}

function loggerOptions(logger: BuildAppOptions["logger"], level: string): Pick<FastifyServerOptions, "logger" | "loggerInstance"> {
  const base: LoggerOptions = {
    level,
    // Fastify's request serializer logs no headers; this guards any custom log line.
    redact: { paths: ["req.headers.authorization", "req.headers.cookie", 'req.headers["x-api-key"]'], censor: "[redacted]" },
  };
  if (logger === false) return { logger: false };
  if (logger !== undefined) return { loggerInstance: pino(base, logger.stream) };
  if (process.stdout.isTTY === true && canResolve("pino-pretty")) {
    return { logger: { ...base, transport: { target: "pino-pretty", options: { translateTime: "SYS:HH:MM:ss.l", ignore: "pid,hostname" } } } };
  }
  return { logger: base };
}

// pino-pretty is a dev dependency: absent from the production image, where stdout is no TTY anyway.
function canResolve(specifier: string): boolean {
  try {
    createRequire(import.meta.url).resolve(specifier);
    return true;
  } catch {
    return false;
  }
}
