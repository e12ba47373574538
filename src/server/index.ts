/**
 * chainserve/server: serve runnables over HTTP, wire-compatible with Python LangServe, on
 * Fastify 5. `addRoutes` mounts one runnable; `getMountedChains` lists what is mounted;
 * `buildOpenApiDocument` / `chainserveDocs` give the OpenAPI 3.1 document and the docs page.
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
export { buildOpenApiDocument, buildOpenApiFromChains, mergeOpenApiDocuments, openApiTransform } from "./openapi/document.js";
export type { OpenApiChain, OpenApiDocument, OpenApiInfo, OpenApiOptions, OpenApiServer } from "./openapi/document.js";
export { chainserveDocs, DOCS_CSP } from "./openapi/docs.js";
export type { ChainserveDocsOptions } from "./openapi/docs.js";
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
