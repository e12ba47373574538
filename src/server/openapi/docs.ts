/**
 * `chainserveDocs`: the docs page any app can mount. It is `@fastify/swagger` (the document,
 * built from the app's own routes, with every mounted chain merged in) and
 * `@fastify/swagger-ui` (served from the package: no CDN), plus `GET /openapi.json`.
 * Both are imported on registration only, so apps without docs never load them.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import fp from "fastify-plugin";
import { buildOpenApiDocument, mergeOpenApiDocuments, openApiTransform, type OpenApiOptions } from "./document.js";

/** Options of {@link chainserveDocs}. */
export interface ChainserveDocsOptions extends OpenApiOptions {
  /** Where the Swagger UI page is served (`/docs` and `/docs/`). @default "/docs" */
  routePrefix?: string;
  /** Where the merged document is served as JSON; `false` for nowhere. @default "/openapi.json" */
  openapiPath?: string | false;
  /** Content-Security-Policy of the docs page and its assets. @default same-origin only */
  csp?: string;
}

/** The docs page's default CSP: scripts, styles, images and requests from this origin only. */
export const DOCS_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'self'; object-src 'none'";

const HIDDEN = { hide: true } as const;

async function docs(app: FastifyInstance, options: ChainserveDocsOptions): Promise<void> {
  const root = `${app.prefix.replace(/\/+$/, "")}${normalize(options.routePrefix ?? "/docs")}`;
  const document = (): ReturnType<typeof buildOpenApiDocument> => buildOpenApiDocument(app, options);
  if (!app.hasDecorator("swagger")) {
    const { default: swagger } = await import("@fastify/swagger");
    await app.register(swagger, {
      openapi: { openapi: "3.1.0", info: options.info ?? { title: "chainserve", version: "0.0.0" }, ...(options.servers ? { servers: options.servers } : {}) },
      transformObject: openApiTransform(app, options) as never,
    });
  }
  // An app that registered @fastify/swagger itself gets the chains merged here (and, if it
  // passed `transformObject: openApiTransform(app)`, in `app.swagger()` too).
  // Built on first request: every chain is mounted by then, and @fastify/swagger caches too.
  const cache = new Map<string, Record<string, unknown>>();
  const merged = (servedAt: string): Record<string, unknown> => {
    const cached = cache.get(servedAt);
    if (cached !== undefined) return cached;
    const doc = mergeOpenApiDocuments(structuredClone((app as unknown as { swagger: () => Record<string, unknown> }).swagger()), document());
    // No servers configured: the app's root relative to where the document is fetched, so
    // "try it" keeps working behind a reverse proxy that adds a path prefix (langserve#487).
    if (doc.servers === undefined || (doc.servers as unknown[]).length === 0) doc.servers = [{ url: relativeRoot(servedAt) }];
    cache.set(servedAt, doc);
    return doc;
  };
  const { default: swaggerUi } = await import("@fastify/swagger-ui");
  const csp = options.csp ?? DOCS_CSP;
  await app.register(swaggerUi, {
    routePrefix: root.slice(app.prefix.replace(/\/+$/, "").length) || "/",
    uiConfig: { validatorUrl: null, deepLinking: true, tryItOutEnabled: true },
    staticCSP: csp,
    transformSpecificationClone: false,
    transformSpecification: () => merged(`${root}/json`),
    uiHooks: {
      // `/docs` becomes `/docs/`: the page's asset URLs are then relative, so it also works
      // behind a reverse proxy that adds a path prefix.
      onRequest: (request: FastifyRequest, reply: FastifyReply, done: () => void) => {
        if (request.url.split("?")[0] === root && root !== "") void reply.redirect(`${root.slice(root.lastIndexOf("/") + 1)}/`, 302);
        else done();
      },
    } as never,
  });
  if (options.openapiPath !== false) {
    const path = normalize(options.openapiPath ?? "/openapi.json");
    const full = `${app.prefix.replace(/\/+$/, "")}${path}`;
    app.get(path, { schema: HIDDEN }, async () => merged(full));
  }
}

function normalize(path: string): string {
  const trimmed = path.replace(/\/+$/, "");
  return trimmed === "" || trimmed.startsWith("/") ? trimmed : `/${trimmed}`;
}

/** The app's root relative to a document served at `servedAt` (`/docs/json` → `..`). */
function relativeRoot(servedAt: string): string {
  const depth = servedAt.split("/").length - 2;
  return depth <= 0 ? "." : Array.from({ length: depth }, () => "..").join("/");
}

/**
 * Serves the API docs: Swagger UI at `/docs` over the app's OpenAPI 3.1 document (its own
 * routes through `@fastify/swagger`, every chain mounted with `addRoutes` merged in), and the
 * document at `/openapi.json`. Register it before the app's own routes (`@fastify/swagger`
 * lists the routes registered after it); chains may be mounted before or after.
 * @example
 * import { addRoutes, chainserveDocs } from "chainserve/server";
 *
 * await app.register(chainserveDocs, { info: { title: "my chains", version: "1.0.0" } });
 * await addRoutes(app, chain, { path: "/chat" });
 * // GET /docs/ (Swagger UI), GET /openapi.json
 */
// Wrapped with fastify-plugin (the one exception to "only the root plugin"): @fastify/swagger
// lists routes through an onRoute hook, which must sit on the app's context to see them.
export const chainserveDocs = fp(docs, { name: "chainserve-docs", fastify: "5.x" });
