/**
 * A catch-all `/c/*` route beside the `/c/:config_hash/{endpoint}` ones. Fastify refuses a path
 * parameter longer than its `maxParamLength` (100 by default) with 414, and a real config
 * (a few tags, some metadata, a configurable field or two) compresses to more than that.
 * find-my-way falls back to a wildcard sibling when a parameter is too long, so this route
 * receives exactly the requests the parametric ones could not take (and stray `/c/…` paths),
 * splits the hash off itself and hands the request to the endpoint's own handler: no Fastify
 * option for the app to change.
 */
import type { FastifyReply, FastifyRequest, HTTPMethods } from "fastify";
import { errorBody } from "../serde/errors.js";

type Handler = (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>;

/** One endpoint the catch-all may dispatch to. */
export interface HashRouteTarget {
  method: "GET" | "POST";
  handler: Handler;
}

/** The methods the catch-all answers (OPTIONS is left to CORS plugins, as on the other routes). */
export const HASH_ROUTE_METHODS: HTTPMethods[] = ["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH"];

const NOT_FOUND = JSON.stringify(errorBody("NOT_FOUND", "Not Found"));
const METHOD_NOT_ALLOWED = JSON.stringify(errorBody("METHOD_NOT_ALLOWED", "Method Not Allowed"));

/**
 * The handler of `/c/*` for one mount: `{hash}/{endpoint}` with a known endpoint goes to that
 * endpoint's handler with `params.config_hash` set; anything else is 404 (405 for a known
 * endpoint under the wrong method), in chainserve's error shape.
 */
export function configHashFallback(targets: ReadonlyMap<string, HashRouteTarget>): Handler {
  return async function configHashRoute(request, reply) {
    const rest = (request.params as { "*"?: string })["*"] ?? "";
    const slash = rest.lastIndexOf("/");
    const hash = slash < 0 ? "" : rest.slice(0, slash);
    const target = slash <= 0 || hash.includes("/") ? undefined : targets.get(rest.slice(slash + 1));
    if (target === undefined) return reply.code(404).header("content-type", "application/json").send(NOT_FOUND);
    if (request.method !== target.method) {
      return reply.code(405).header("allow", target.method).header("content-type", "application/json").send(METHOD_NOT_ALLOWED);
    }
    request.params = { config_hash: hash };
    return target.handler(request, reply);
  };
}
