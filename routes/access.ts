/**
 * The example app's access control, from the environment: `CORS_ORIGINS` (through
 * `@fastify/cors`), `RATE_LIMIT_PER_MINUTE` (through `@fastify/rate-limit`) and `API_KEYS`
 * (chainserve's `auth` option on every chain). Each is off when its variable is unset.
 */
import cors from "@fastify/cors";
import rateLimit from "@fastify/rate-limit";
import type { FastifyInstance } from "fastify";
import { CORS_EXPOSED_HEADERS, getPrincipal, type AuthOptions } from "../src/server/index.js";

/** The environment variables read here. */
export interface AccessEnv {
  /** Comma-separated origins allowed to call from a browser (`*` for any). @default none (no CORS headers) */
  CORS_ORIGINS?: string | undefined;
  /** Requests per minute per caller (API key principal, else IP) on the chain routes. @default no limit */
  RATE_LIMIT_PER_MINUTE?: string | undefined;
  /** Comma-separated API keys; when set, every chain endpoint requires one (`x-api-key` or `Authorization: Bearer`). */
  API_KEYS?: string | undefined;
}

const list = (value: string | undefined): string[] =>
  (value ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");

/**
 * The `auth` option for every chain when `API_KEYS` is set. Each key's principal is `key:<n>`
 * (its position in the list), so logs and runs can tell callers apart without seeing keys.
 * @example
 * authFromEnv({ API_KEYS: "k1,k2" }); // { apiKeys: [{ key: "k1", principal: { id: "key:1" } }, …] }
 */
export function authFromEnv(env: AccessEnv): AuthOptions | undefined {
  const keys = list(env.API_KEYS);
  if (keys.length === 0) return undefined;
  return { apiKeys: keys.map((key, i) => ({ key, principal: { id: `key:${i + 1}` } })) };
}

/**
 * Registers CORS and rate limiting as the environment asks. Must run before the chains are
 * mounted: `@fastify/rate-limit` attaches itself to routes as they are added.
 * @example
 * await registerAccess(app, { CORS_ORIGINS: "http://localhost:5173", RATE_LIMIT_PER_MINUTE: "600" });
 */
export async function registerAccess(app: FastifyInstance, env: AccessEnv): Promise<void> {
  const origins = list(env.CORS_ORIGINS);
  if (origins.length > 0) {
    await app.register(cors, {
      origin: origins.includes("*") ? "*" : origins,
      methods: ["GET", "POST"],
      exposedHeaders: [...CORS_EXPOSED_HEADERS],
      maxAge: 600,
    });
  }
  const perMinute = env.RATE_LIMIT_PER_MINUTE;
  if (perMinute !== undefined && perMinute !== "") {
    const max = Number(perMinute);
    if (!Number.isInteger(max) || max < 1) throw new Error(`RATE_LIMIT_PER_MINUTE must be a positive integer, got ${JSON.stringify(perMinute)}`);
    await app.register(rateLimit, {
      max,
      timeWindow: 60_000,
      // After the mount's auth hook (onRequest), so the limit is per API key, not per IP,
      // when API_KEYS is set. Unauthenticated requests are refused before this and cost little.
      hook: "preHandler",
      keyGenerator: (request) => {
        const id = getPrincipal(request)?.id;
        return typeof id === "string" ? id : request.ip;
      },
      // Probes and documents are not limited.
      // (The plugin's 429 error reaches chainserve's error handler on chain routes, which
      // answers it in the one error shape with code RATE_LIMITED; Retry-After is the plugin's.)
      allowList: (request) => request.method === "GET" && !request.url.includes("/", 1),
    });
  }
}
