/**
 * `GET /health` (liveness: the process answers) and `GET /ready` (readiness: it should get
 * traffic) for orchestrators and load balancers. Readiness turns 503 SHUTTING_DOWN the moment
 * a graceful close starts, so a load balancer stops sending requests while runs in flight
 * finish; liveness stays 200 until the process is gone (a failed liveness probe restarts it).
 */
import type { FastifyInstance } from "fastify";
import { ChainserveError } from "../core/errors.js";
import { sendHttpError } from "./error-mapper.js";
import { lifecycleOf, shuttingDown } from "./lifecycle.js";
import { RunRefused } from "./run-scope.js";

/** A readiness check: true (or a promise of true) when the dependency it checks is usable. */
export type ReadinessCheck = () => boolean | Promise<boolean>;

/** Options of {@link healthPlugin}. */
export interface HealthPluginOptions {
  /** Liveness path. @default "/health" */
  livenessPath?: string;
  /** Readiness path. @default "/ready" */
  readinessPath?: string;
  /** More readiness conditions, by name; one false, throwing or rejecting makes `/ready` a 503 UNAVAILABLE naming it. */
  checks?: Record<string, ReadinessCheck>;
  /** Log level of these routes: probes come every few seconds, and only problems deserve a line. @default "warn" */
  logLevel?: "fatal" | "error" | "warn" | "info" | "debug" | "trace" | "silent";
}

async function passes(check: ReadinessCheck): Promise<boolean> {
  try {
    return (await check()) === true;
  } catch {
    return false;
  }
}

function path(value: unknown, name: string, fallback: string): string {
  if (value === undefined) return fallback;
  if (typeof value !== "string" || !value.startsWith("/")) throw new ChainserveError("INVALID_OPTIONS", `healthPlugin: "${name}" must be a path starting with "/"`);
  return value;
}

async function health(app: FastifyInstance, options: HealthPluginOptions): Promise<void> {
  const lifecycle = lifecycleOf(app);
  const checks = Object.entries(options.checks ?? {});
  for (const [name, check] of checks) {
    if (typeof check !== "function") throw new ChainserveError("INVALID_OPTIONS", `healthPlugin: check ${JSON.stringify(name)} must be a function`);
  }
  const logLevel = options.logLevel ?? "warn";
  app.get(path(options.livenessPath, "livenessPath", "/health"), { logLevel }, async () => ({ status: "ok" }));
  app.get(path(options.readinessPath, "readinessPath", "/ready"), { logLevel }, async (_request, reply) => {
    if (lifecycle.draining) return sendHttpError(reply, new RunRefused(shuttingDown()).http);
    for (const [name, check] of checks) {
      if (!(await passes(check))) {
        return sendHttpError(reply, new RunRefused(new ChainserveError("UNAVAILABLE", `Not ready: ${name}`)).http);
      }
    }
    return { status: "ready" };
  });
}

/**
 * Liveness and readiness routes as an encapsulated plugin (a `prefix` applies to both).
 * @example
 * await app.register(healthPlugin);                                  // GET /health, GET /ready
 * await app.register(healthPlugin, { checks: { db: () => pool.ok } }); // /ready also needs the db
 */
export const healthPlugin = health;
