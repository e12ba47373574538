/**
 * What a browser on another origin needs to see: CORS itself is `@fastify/cors`'s job (its
 * preflight route and headers reach every chainserve route, streams included, because the SSE
 * head copies the reply's headers); this is the list to pass as its `exposedHeaders`.
 */

/**
 * Response headers a cross-origin client reads beyond the CORS-safelisted ones: `Retry-After`
 * (429 / 503), `WWW-Authenticate` (401), `X-Request-Id` (the request id an app echoes), and
 * `@fastify/rate-limit`'s `X-RateLimit-*`.
 * @example
 * await app.register(cors, { origin: ["https://app.example.com"], exposedHeaders: [...CORS_EXPOSED_HEADERS] });
 */
export const CORS_EXPOSED_HEADERS: readonly string[] = Object.freeze([
  "retry-after",
  "www-authenticate",
  "x-request-id",
  "x-ratelimit-limit",
  "x-ratelimit-remaining",
  "x-ratelimit-reset",
]);
