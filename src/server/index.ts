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
export { getPrincipal, PRINCIPAL_KEY } from "./auth.js";
export { CORS_EXPOSED_HEADERS } from "./cors.js";
export type { ApiKeyEntry, AuthOptions, AuthVerifier, Principal } from "./auth.js";
export { closeGracefully } from "./drain.js";
export type { CloseGracefullyOptions, CloseReport } from "./drain.js";
export { handleShutdownSignals } from "./shutdown-signals.js";
export type { ShutdownSignalsOptions } from "./shutdown-signals.js";
export { healthPlugin } from "./health.js";
export type { HealthPluginOptions, ReadinessCheck } from "./health.js";
export type { LimitOptions } from "./options-limits.js";
export type { MountLoad } from "./mount-guard.js";
export { chainservePlugin, getMountedChains } from "./plugin.js";
export type { ChainservePluginOptions, MountedChain } from "./plugin.js";
export { ENDPOINTS, ENDPOINT_SWITCHES } from "./options.js";
export { chainserveMetrics } from "./observability/metrics.js";
export type { ChainserveMetrics, ChainserveMetricsOptions } from "./observability/metrics.js";
export type { ObservabilityRouteOptions, RunLogOptions } from "./observability/run-log.js";
export type {
  AddRoutesOptions,
  ConfigKey,
  EndpointName,
  EndpointSwitch,
  ErrorMapper,
  MappedError,
  PerRequestConfigModifier,
} from "./options.js";
