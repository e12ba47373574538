/**
 * The root plugin: the registry of mounted chains (for the OpenAPI document and the index page)
 * and LangServe's `{"detail":"Not Found"}` 404. It is the only plugin wrapped with
 * fastify-plugin, so both reach the instance it is registered on; every chain's routes live in
 * their own encapsulated plugin (add-routes.ts).
 */
import type { FastifyInstance } from "fastify";
import fp from "fastify-plugin";
import type { z } from "zod";
import { errorBody } from "../serde/errors.js";
import type { ConfigKey, EndpointName } from "./options.js";

/** One mounted chain, as recorded by `addRoutes`. */
export interface MountedChain {
  /** Full mount path (instance prefix included); `""` for a root mount. */
  path: string;
  /** The runnable's name. */
  name: string;
  /** Endpoints served. */
  endpoints: EndpointName[];
  /** Whether the `/c/{config_hash}/…` twins are served. */
  configHashes: boolean;
  /** Every route registered (405 handlers excluded), with full URLs in Fastify syntax. */
  routes: { method: "GET" | "POST"; url: string; endpoint: EndpointName }[];
  /** Config keys clients may set. */
  configKeys: ConfigKey[];
  /** OpenAPI security of the mount (set by its `auth` option): schemes, the requirement, and the endpoints left public. */
  security?: { schemes: Record<string, Record<string, unknown>>; requirement: Record<string, string[]>[]; publicEndpoints: EndpointName[] };
  inputJsonSchema: Record<string, unknown>;
  outputJsonSchema: Record<string, unknown>;
  configJsonSchema: Record<string, unknown>;
  /** The zod input schema used for validation, when there is one. */
  inputSchema?: z.ZodType;
  /** The zod output schema, when there is one. */
  outputSchema?: z.ZodType;
  /** Live load of the mount (runs in flight, requests queued by `maxConcurrentRuns`), for metrics. */
  load?: { active(): number; queued(): number };
}

/** Options of {@link chainservePlugin}. */
export interface ChainservePluginOptions {
  /**
   * Install the `{"detail":"Not Found"}` 404 handler. Turn off when the app has its own
   * (Fastify allows one per prefix). @default true
   */
  notFoundHandler?: boolean;
}

/** @internal Shared by the root plugin and addRoutes. */
export interface ChainserveState {
  mounts: MountedChain[];
  /** Whether the root plugin ran (it may be registered by addRoutes and by the app). */
  rootLoaded: boolean;
}

const STATE = "chainserve";

/** @internal The state visible from `app` (decorators are inherited by child contexts). */
export function stateOf(app: FastifyInstance): ChainserveState | undefined {
  return app.hasDecorator(STATE) ? (app as unknown as Record<string, ChainserveState>)[STATE] : undefined;
}

/** @internal Decorates `app` with fresh state unless it (or a parent) has some. */
export function ensureState(app: FastifyInstance): ChainserveState {
  const existing = stateOf(app);
  if (existing !== undefined) return existing;
  const state: ChainserveState = { mounts: [], rootLoaded: false };
  app.decorate(STATE, state);
  return state;
}

async function root(app: FastifyInstance, options: ChainservePluginOptions): Promise<void> {
  const state = ensureState(app);
  if (state.rootLoaded) return;
  state.rootLoaded = true;
  if (options.notFoundHandler !== false) {
    app.setNotFoundHandler((_request, reply) => {
      void reply.code(404).header("content-type", "application/json").send(JSON.stringify(errorBody("NOT_FOUND", "Not Found")));
    });
  }
}

/**
 * The root chainserve plugin. `addRoutes` registers it when missing; to pass options, register
 * it yourself (awaited) before the first `addRoutes`.
 * @example
 * await app.register(chainservePlugin, { notFoundHandler: false });
 * await addRoutes(app, chain, { path: "/chat" });
 */
export const chainservePlugin = fp(root, { name: "chainserve", fastify: "5.x" });

/**
 * The chains mounted with `addRoutes` on `app` (or the instance it inherits chainserve from),
 * in mount order.
 * @example
 * for (const chain of getMountedChains(app)) console.log(chain.path, chain.endpoints);
 */
export function getMountedChains(app: FastifyInstance): MountedChain[] {
  return [...(stateOf(app)?.mounts ?? [])];
}
