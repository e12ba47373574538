/**
 * The OpenAPI 3.1 document of the chains mounted with `addRoutes`, and its merge into a
 * document the app already has (the one `@fastify/swagger` builds from the app's own routes).
 * Chain schemas come from the chain's zod schemas through zod 4's `z.toJSONSchema`, else from
 * the JSON Schema the runnable infers from its composition.
 */
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { getMountedChains, type MountedChain } from "../plugin.js";
import { SHARED_SCHEMAS, envelopes, exampleOf, hoistDefs, type JsonSchema } from "./components.js";
import { operations } from "./operations.js";

/** What the builder needs to know about one mounted chain (a subset of {@link MountedChain}). */
export type OpenApiChain = Pick<MountedChain, "path" | "name" | "configHashes" | "inputJsonSchema" | "outputJsonSchema" | "configJsonSchema"> & {
  /** Enabled endpoints. */
  endpoints: readonly MountedChain["endpoints"][number][];
  inputSchema?: z.ZodType | undefined;
  outputSchema?: z.ZodType | undefined;
  security?: MountedChain["security"];
};

/** The `info` object of the document. */
export interface OpenApiInfo {
  title: string;
  version: string;
  description?: string;
}

/** A `servers` entry: where the paths are served from (e.g. a reverse proxy's path prefix). */
export interface OpenApiServer {
  url: string;
  description?: string;
}

/** Options of {@link buildOpenApiDocument}. */
export interface OpenApiOptions {
  /** The document's `info`. @default { title: "chainserve", version: "0.0.0" } */
  info?: OpenApiInfo;
  /**
   * `servers` of the document. Set `[{ url: "/api" }]` when a reverse proxy serves the app
   * under `/api` (the paths keep the app's own URLs, Fastify `prefix` included). @default none
   */
  servers?: OpenApiServer[];
}

/** An OpenAPI 3.1 document (loosely typed: it is produced, not consumed, here). */
export interface OpenApiDocument {
  openapi: string;
  info: OpenApiInfo;
  servers?: OpenApiServer[];
  paths: Record<string, Record<string, unknown>>;
  components: { schemas: Record<string, JsonSchema>; securitySchemes?: Record<string, JsonSchema> } & Record<string, unknown>;
  tags: { name: string; description?: string }[];
  [key: string]: unknown;
}

const DEFAULT_INFO: OpenApiInfo = { title: "chainserve", version: "0.0.0" };

/**
 * The document of every chain mounted on `app`, whatever the encapsulation context or
 * `prefix` it was mounted under (call after `await app.ready()`, or at least after the
 * `addRoutes` calls resolved).
 * @example
 * import { buildOpenApiDocument } from "chainserve/server";
 *
 * await app.ready();
 * const doc = buildOpenApiDocument(app, { info: { title: "my chains", version: "1.0.0" } });
 */
export function buildOpenApiDocument(app: FastifyInstance<any, any, any, any, any>, options: OpenApiOptions = {}): OpenApiDocument {
  return buildOpenApiFromChains(getMountedChains(app as unknown as FastifyInstance), options);
}

/**
 * The document from chain descriptions (no Fastify instance needed).
 * @example
 * buildOpenApiFromChains(getMountedChains(app).filter((c) => c.path.startsWith("/public")), { info });
 */
export function buildOpenApiFromChains(chains: readonly OpenApiChain[], options: OpenApiOptions = {}): OpenApiDocument {
  const doc: OpenApiDocument = { openapi: "3.1.0", info: options.info ?? DEFAULT_INFO, paths: {}, components: { schemas: { ...SHARED_SCHEMAS } }, tags: [] };
  if (options.servers !== undefined) doc.servers = options.servers;
  for (const chain of chains) addChain(doc, chain);
  return doc;
}

/**
 * `base` with the chains' paths, schemas, security schemes and tags added; the app's own
 * paths and schemas win on a name clash. `base` is not modified.
 * @example
 * const merged = mergeOpenApiDocuments(app.swagger(), buildOpenApiDocument(app));
 */
export function mergeOpenApiDocuments<T extends Record<string, unknown>>(base: T, chains: OpenApiDocument): T & OpenApiDocument {
  const b = base as Partial<OpenApiDocument>;
  const components = (b.components ?? {}) as OpenApiDocument["components"];
  const tags = [...(b.tags ?? [])];
  for (const tag of chains.tags) if (!tags.some((t) => t.name === tag.name)) tags.push(tag);
  const merged = {
    ...base,
    paths: { ...chains.paths, ...(b.paths ?? {}) },
    components: { ...components, schemas: { ...chains.components.schemas, ...(components.schemas ?? {}) } },
    tags,
  } as unknown as T & OpenApiDocument;
  const schemes = { ...chains.components.securitySchemes, ...components.securitySchemes };
  if (Object.keys(schemes).length > 0) merged.components.securitySchemes = schemes;
  if (b.servers === undefined && chains.servers !== undefined) merged.servers = chains.servers;
  return merged;
}

/**
 * A `transformObject` for `@fastify/swagger` that adds the chains of `app` to the document it
 * builds from the app's routes (chainserve's own routes are hidden from its route scan).
 * @example
 * await app.register(fastifySwagger, { openapi: { openapi: "3.1.0", info }, transformObject: openApiTransform(app) });
 */
export function openApiTransform(app: FastifyInstance<any, any, any, any, any>, options: OpenApiOptions = {}) {
  return ({ openapiObject }: { openapiObject?: Partial<Record<string, unknown>> }): Record<string, unknown> =>
    mergeOpenApiDocuments((openapiObject ?? {}) as Record<string, unknown>, buildOpenApiDocument(app, options));
}

function addChain(doc: OpenApiDocument, chain: OpenApiChain): void {
  const tag = chain.path.replace(/^\//, "") || "root";
  const id = tag.replace(/[^A-Za-z0-9]+/g, "_");
  const schemas = doc.components.schemas;
  schemas[`${id}Input`] = chainSchema(schemas, `${id}Input`, chain.inputSchema, "input", chain.inputJsonSchema);
  schemas[`${id}Output`] = chainSchema(schemas, `${id}Output`, chain.outputSchema, "output", chain.outputJsonSchema);
  schemas[`${id}Config`] = hoistDefs(schemas, `${id}Config`, chain.configJsonSchema);
  Object.assign(schemas, envelopes(id));
  if (chain.security !== undefined) doc.components.securitySchemes = { ...doc.components.securitySchemes, ...chain.security.schemes };
  const enabled = new Set(chain.endpoints);
  const withHash = chain.configHashes;
  doc.tags.push({ name: tag, description: `Runnable \`${chain.name}\` mounted at \`${chain.path}\`.` });
  if (withHash) doc.tags.push({ name: `${tag}/config`, description: "The same endpoints with a default config from an lz-string `config_hash`." });
  const ops = operations(id, chain, { input: exampleOf(schemas[`${id}Input`], schemas) });
  for (const [endpoint, operation] of Object.entries(ops)) {
    if (!enabled.has(endpoint as OpenApiChain["endpoints"][number])) continue;
    const method = endpoint.endsWith("_schema") ? "get" : "post";
    doc.paths[`${chain.path}/${endpoint}`] = { [method]: { tags: [tag], operationId: `${id}_${endpoint}`, ...operation } };
    if (!withHash) continue;
    doc.paths[`${chain.path}/c/{config_hash}/${endpoint}`] = {
      [method]: {
        tags: [`${tag}/config`],
        operationId: `${id}_${endpoint}_with_config`,
        ...operation,
        parameters: [{ name: "config_hash", in: "path", required: true, schema: { type: "string" }, description: "lz-string `compressToEncodedURIComponent` of a JSON config object." }],
        responses: { ...(operation.responses as object), "400": { description: "Invalid config hash", content: { "application/json": { schema: { $ref: "#/components/schemas/HTTPError" } } } } },
      },
    };
  }
}

function chainSchema(components: Record<string, JsonSchema>, name: string, schema: z.ZodType | undefined, io: "input" | "output", fallback: JsonSchema): JsonSchema {
  if (schema === undefined) return hoistDefs(components, name, fallback);
  const generated = z.toJSONSchema(schema, { io, unrepresentable: "any" }) as JsonSchema;
  return hoistDefs(components, name, { title: fallback.title, ...generated });
}
