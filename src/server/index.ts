/**
 * chainserve/server: serve runnables over HTTP, wire-compatible with Python LangServe, on
 * Fastify 5. `addRoutes` mounts one runnable; `getMountedChains` lists what is mounted (for an
 * OpenAPI document or an index page).
 * @example
 * import Fastify from "fastify";
 * import { addRoutes } from "chainserve/server";
 *
 * const app = Fastify();
 * await addRoutes(app, chain, { path: "/chat" });
 * await app.listen({ port: 8000 });
 */
export { addRoutes } from "./add-routes.js";
export { chainservePlugin, getMountedChains } from "./plugin.js";
export type { ChainservePluginOptions, MountedChain } from "./plugin.js";
export { ENDPOINTS, ENDPOINT_SWITCHES } from "./options.js";
export type { PlaygroundOptions } from "./playground.js";
export type {
  AddRoutesOptions,
  ConfigKey,
  EndpointName,
  EndpointSwitch,
  ErrorMapper,
  MappedError,
  PerRequestConfigModifier,
} from "./options.js";
