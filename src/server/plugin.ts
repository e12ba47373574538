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
  /** Whether the playground page is served at `{path}/playground/`. */
  playground: boolean;
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

/** @internal The app's registry of mounts, shared by addRoutes and getMountedChains. */
export interface ChainserveState {
  mounts: MountedChain[];
}

/** @internal Per encapsulation context (inherited by children): whether the root plugin ran there. */
interface RootState {
  loaded: boolean;
}

const ROOT = "chainserveRoot";

// One registry per server, not per encapsulation context: a chain mounted inside a prefixed
// plugin (`app.register(plugin, { prefix: "/api" })`) must be listed by `getMountedChains` on
// the root instance, which never sees a child context's decorators. Every context of one
// Fastify app shares `app.server`.
const STATES = new WeakMap<object, ChainserveState>();

/** @internal The state of the app `app` belongs to, if chainserve was used on it. */
export function stateOf(app: FastifyInstance): ChainserveState | undefined {
  return STATES.get(app.server);
}

/** @internal The app's state, created on first use. */
export function ensureState(app: FastifyInstance): ChainserveState {
  let state = STATES.get(app.server);
  if (state === undefined) {
    state = { mounts: [] };
    STATES.set(app.server, state);
  }
  return state;
}

/**
 * @internal Marks `app`'s context as having the root plugin (or about to: addRoutes registers
 * it without awaiting); false when it or a parent context already has it.
 */
export function claimRoot(app: FastifyInstance): boolean {
  if (app.hasDecorator(ROOT)) return false;
  app.decorate(ROOT, { loaded: false } satisfies RootState);
  return true;
}

async function root(app: FastifyInstance, options: ChainservePluginOptions): Promise<void> {
  ensureState(app);
  if (!app.hasDecorator(ROOT)) app.decorate(ROOT, { loaded: false } satisfies RootState);
  const rootState = (app as unknown as Record<string, RootState>)[ROOT] as RootState;
  if (rootState.loaded) return;
  rootState.loaded = true;
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
 * The chains mounted with `addRoutes` anywhere in the app `app` belongs to (any
 * encapsulation context or `prefix`), in mount order; paths include the prefixes.
 * @example
 * for (const chain of getMountedChains(app)) console.log(chain.path, chain.endpoints);
 */
export function getMountedChains(app: FastifyInstance): MountedChain[] {
  return [...(stateOf(app)?.mounts ?? [])];
}
