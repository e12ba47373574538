/**
 * The `auth` option of `addRoutes`: API keys (compared in constant time over SHA-256 digests)
 * and/or a verifier callback (bearer tokens, custom headers). It is an `onRequest` hook added
 * to every route of the mount except the public ones, so a refused request is answered before
 * its body is read, and a stream endpoint refuses before any SSE byte. The decision is made
 * per route at registration (an `onRoute` hook in the mount's context), so public routes pay
 * nothing, and a route another plugin adds in the mount's context (e.g. a playground) is
 * covered unless its path is listed in `publicPaths`.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions, onRequestHookHandler } from "fastify";
import { ChainserveError } from "../core/errors.js";
import { isPlainObject } from "../core/utils/objects.js";
import { errorBody } from "../serde/errors.js";
import { replyRunError } from "./error-mapper.js";
import { ENDPOINTS, type EndpointName } from "./options.js";

/**
 * Who called: a JSON object (e.g. `{ id, scopes }`) that the runnable receives as
 * `config.metadata.principal` and `config.configurable.principal` ({@link PRINCIPAL_KEY}).
 */
export type Principal = Record<string, unknown>;

/** An API key with the principal it stands for. */
export interface ApiKeyEntry {
  /** The secret the client sends. */
  key: string;
  /** Who it is. @default { id: "key:" + the first 12 hex digits of the key's SHA-256 } */
  principal?: Principal;
}

/**
 * Checks a request: returns the principal, or `null` / `undefined` for "no valid credentials"
 * (401). Throw `new ChainserveError("FORBIDDEN", …)` for a known caller who may not call (403).
 * `credential` is the `Authorization: Bearer` token, else the value of the `header` option's
 * header, else `undefined`; read other headers from `request.headers`.
 */
export type AuthVerifier = (request: FastifyRequest, credential: string | undefined) => Principal | null | undefined | Promise<Principal | null | undefined>;

/** The `auth` option of `addRoutes`. At least one of `apiKeys` and `verify`. */
export interface AuthOptions {
  /** Accepted API keys, sent as `Authorization: Bearer <key>` or in the `header` header. */
  apiKeys?: readonly (string | ApiKeyEntry)[];
  /** Called when no API key matched (or none are configured). */
  verify?: AuthVerifier;
  /** The header an API key (or the verifier's credential) may come in besides `Authorization`. @default "x-api-key" */
  header?: string;
  /** `bearerFormat` of the OpenAPI bearer scheme (e.g. "JWT"). */
  bearerFormat?: string;
  /** Leave `input_schema`, `output_schema` and `config_schema` (and their `/c/…` twins) public. @default false */
  publicSchemas?: boolean;
  /** Endpoints left public, besides the schemas when `publicSchemas`. @default [] */
  publicEndpoints?: readonly EndpointName[];
  /**
   * Route paths under the mount left public: exact (`"/playground"`), or a prefix ending in
   * `/*` (`"/playground/*"` covers every route below it). The default keeps a playground's
   * static page public: the page itself sends the user's credentials with its data calls.
   * @default ["/playground", "/playground/*"]
   */
  publicPaths?: readonly string[];
  /** The `realm` of the `WWW-Authenticate` challenge. @default "chainserve" */
  realm?: string;
}

/** The `addRoutes` options this module adds. */
export interface AuthRouteOptions {
  /** Require credentials on this mount's endpoints; see {@link AuthOptions}. @default none (public) */
  auth?: AuthOptions;
}

/** The key under which the principal reaches the runnable, in `config.metadata` and `config.configurable`. */
export const PRINCIPAL_KEY = "principal";

/** The auth option after validation. */
export interface ResolvedAuth {
  keys: { hash: Buffer; principal: Principal }[];
  verify: AuthVerifier | undefined;
  header: string;
  bearerFormat: string | undefined;
  publicEndpoints: EndpointName[];
  publicPaths: string[];
  challenge: string;
}

const PRINCIPAL = Symbol("chainserve.principal");

/**
 * The principal the mount's `auth` accepted for this request, or `undefined` (no auth, or a
 * public route). For config modifiers, hooks and rate-limit key generators that run after it.
 * @example
 * keyGenerator: (request) => String(getPrincipal(request)?.id ?? request.ip)
 */
export function getPrincipal(request: FastifyRequest): Principal | undefined {
  return (request as unknown as { [PRINCIPAL]?: Principal })[PRINCIPAL];
}

const fail = (message: string): never => {
  throw new ChainserveError("INVALID_OPTIONS", `addRoutes: "auth": ${message}`);
};

const sha256 = (text: string): Buffer => createHash("sha256").update(text).digest();

function resolveKey(entry: unknown, index: number): { hash: Buffer; principal: Principal } {
  const key = typeof entry === "string" ? entry : isPlainObject(entry) ? entry.key : undefined;
  if (typeof key !== "string" || key.length === 0) return fail(`apiKeys[${index}] must be a non-empty string or { key, principal }`);
  const hash = sha256(key);
  const given = isPlainObject(entry) ? entry.principal : undefined;
  if (given !== undefined && !isPlainObject(given)) fail(`apiKeys[${index}].principal must be a plain object`);
  return { hash, principal: (given as Principal | undefined) ?? { id: `key:${hash.toString("hex").slice(0, 12)}` } };
}

/** Validates the `auth` option (INVALID_OPTIONS at boot); `undefined` when there is none. */
export function resolveAuth(auth: unknown): ResolvedAuth | undefined {
  if (auth === undefined || auth === null) return undefined;
  if (!isPlainObject(auth)) return fail("must be an object { apiKeys?, verify?, … }");
  const options = auth as AuthOptions;
  if (options.apiKeys !== undefined && !Array.isArray(options.apiKeys)) fail("apiKeys must be an array");
  const keys = (options.apiKeys ?? []).map(resolveKey);
  if (options.verify !== undefined && typeof options.verify !== "function") fail("verify must be a function");
  if (keys.length === 0 && options.verify === undefined) fail("give apiKeys (at least one) or a verify function");
  const header = (options.header ?? "x-api-key").toLowerCase();
  if (!/^[a-z0-9!#$%&'*+.^_`|~-]+$/.test(header)) fail(`header ${JSON.stringify(options.header)} is not a header name`);
  const publicEndpoints = new Set<EndpointName>(options.publicSchemas === true ? ["input_schema", "output_schema", "config_schema"] : []);
  for (const name of options.publicEndpoints ?? []) {
    if (!(ENDPOINTS as readonly unknown[]).includes(name)) fail(`unknown endpoint ${JSON.stringify(name)} in publicEndpoints`);
    publicEndpoints.add(name);
  }
  const publicPaths = [...(options.publicPaths ?? ["/playground", "/playground/*"])];
  for (const path of publicPaths) if (typeof path !== "string" || !path.startsWith("/")) fail(`publicPaths entries must start with "/"`);
  const realm = options.realm ?? "chainserve";
  if (!/^[\x20-\x7e]*$/.test(realm) || realm.includes('"')) fail("realm must be printable ASCII without quotes");
  return {
    keys,
    verify: options.verify,
    header,
    bearerFormat: options.bearerFormat,
    publicEndpoints: ENDPOINTS.filter((e) => publicEndpoints.has(e)),
    publicPaths,
    challenge: `Bearer realm="${realm}"`,
  };
}

/** Whether the route at `relative` (its path under the mount, Fastify syntax) is public. */
export function isPublicRoute(auth: ResolvedAuth, relative: string): boolean {
  for (const endpoint of auth.publicEndpoints) {
    if (relative === `/${endpoint}` || relative === `/c/:config_hash/${endpoint}`) return true;
  }
  return auth.publicPaths.some((p) => (p.endsWith("/*") ? relative.startsWith(p.slice(0, -1)) : relative === p));
}

function single(value: string | string[] | undefined): string | undefined {
  return typeof value === "string" ? value : undefined;
}

/** The bearer token, else the configured header's value. */
function credentialOf(request: FastifyRequest, header: string): string | undefined {
  const authorization = single(request.headers.authorization);
  const match = authorization === undefined ? null : /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(authorization);
  if (match?.[1] !== undefined) return match[1];
  return header === "authorization" ? undefined : single(request.headers[header]);
}

// Every key is compared, whether or not an earlier one matched, so the time taken says
// nothing about which key (or how much of one) was right.
function matchKey(auth: ResolvedAuth, credential: string): Principal | undefined {
  const digest = sha256(credential);
  let found: Principal | undefined;
  for (const key of auth.keys) {
    if (timingSafeEqual(digest, key.hash) && found === undefined) found = key.principal;
  }
  return found;
}

function unauthorized(reply: FastifyReply, auth: ResolvedAuth, presented: boolean): FastifyReply {
  // RFC 6750 §3.1: `invalid_token` when a token was sent and refused; no error code when none was.
  const challenge = presented ? `${auth.challenge}, error="invalid_token"` : auth.challenge;
  const message = presented ? "Invalid credentials" : "Missing credentials";
  return reply
    .code(401)
    .header("www-authenticate", challenge)
    .header("content-type", "application/json")
    .send(JSON.stringify(errorBody("UNAUTHORIZED", message)));
}

function accept(request: FastifyRequest, principal: Principal): void {
  (request as unknown as { [PRINCIPAL]?: Principal })[PRINCIPAL] = principal;
}

/** The onRequest hook enforcing `auth`. */
export function authHook(auth: ResolvedAuth): onRequestHookHandler {
  return async function chainserveAuth(request, reply) {
    const credential = credentialOf(request, auth.header);
    if (credential !== undefined && auth.keys.length > 0) {
      const principal = matchKey(auth, credential);
      if (principal !== undefined) return accept(request, principal);
    }
    if (auth.verify === undefined) return unauthorized(reply, auth, credential !== undefined);
    let principal: Principal | null | undefined;
    try {
      principal = await auth.verify(request, credential);
    } catch (error) {
      if (error instanceof ChainserveError && error.code === "UNAUTHORIZED") return unauthorized(reply, auth, credential !== undefined);
      // FORBIDDEN (or another coded 4xx) keeps its status and message; anything else is a 500 that hides its text.
      return replyRunError(request, reply, error, undefined);
    }
    if (principal === null || principal === undefined) return unauthorized(reply, auth, credential !== undefined);
    if (!isPlainObject(principal)) {
      return replyRunError(request, reply, new ChainserveError("INTERNAL", "auth.verify must return a plain object, null or undefined"), undefined);
    }
    return accept(request, principal);
  };
}

/**
 * Adds the auth hook to every route registered in `app`'s context from now on (the mount's
 * endpoints, their 405 twins, and whatever else is registered there), except public ones.
 */
export function installAuth(app: FastifyInstance, auth: ResolvedAuth, mountPath: string): void {
  const hook = authHook(auth);
  app.addHook("onRoute", (route: RouteOptions) => {
    const relative = route.url.startsWith(mountPath) ? route.url.slice(mountPath.length) : route.url;
    if (isPublicRoute(auth, relative)) return;
    const existing = route.onRequest;
    route.onRequest = existing === undefined ? [hook] : Array.isArray(existing) ? [hook, ...existing] : [hook, existing as onRequestHookHandler];
  });
}

/**
 * The mount's OpenAPI security: a bearer scheme and an API-key header scheme (either
 * satisfies the requirement), and the endpoints left public.
 */
export function securityOf(auth: ResolvedAuth): { schemes: Record<string, Record<string, unknown>>; requirement: Record<string, string[]>[]; publicEndpoints: EndpointName[] } {
  const bearer: Record<string, unknown> = { type: "http", scheme: "bearer" };
  if (auth.bearerFormat !== undefined) bearer.bearerFormat = auth.bearerFormat;
  const schemes: Record<string, Record<string, unknown>> = { BearerAuth: bearer };
  const requirement: Record<string, string[]>[] = [{ BearerAuth: [] }];
  if (auth.header !== "authorization") {
    // Scheme names are global in an OpenAPI document: one per header name.
    const name = auth.header === "x-api-key" ? "ApiKeyAuth" : `ApiKeyAuth-${auth.header}`;
    schemes[name] = { type: "apiKey", in: "header", name: auth.header };
    requirement.push({ [name]: [] });
  }
  return { schemes, requirement, publicEndpoints: [...auth.publicEndpoints] };
}
