/**
 * The OpenAPI document: the committed `openapi/openapi.json` is what the example app
 * generates today (regenerate with `npm run openapi`), and the document is
 * structurally valid OpenAPI 3.1 (refs resolve, path parameters declared, ids unique…).
 */
import { readFileSync } from "node:fs";
import SwaggerParser from "@apidevtools/swagger-parser";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { OPENAPI_FILE, generateOpenApiDocument } from "../../openapi/generate.js";
import { buildOpenApiFromChains, type OpenApiChain, type OpenApiDocument } from "../../src/server/index.js";

const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/** Structural OpenAPI 3.1 checks; one line per problem. */
function problems(doc: OpenApiDocument): string[] {
  const out: string[] = [];
  if (doc.openapi !== "3.1.0") out.push(`openapi: expected 3.1.0, got ${String(doc.openapi)}`);
  if (typeof doc.info?.title !== "string" || typeof doc.info.version !== "string") out.push("info: title and version are required strings");
  const tags = new Set(doc.tags.map((t) => t.name));
  const operationIds = new Set<string>();
  for (const [path, item] of Object.entries(doc.paths)) {
    if (!path.startsWith("/")) out.push(`${path}: paths start with /`);
    const templated = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
    for (const [method, raw] of Object.entries(item)) {
      const where = `${method.toUpperCase()} ${path}`;
      if (!METHODS.includes(method)) out.push(`${where}: unknown method`);
      const op = raw as { operationId?: string; tags?: string[]; parameters?: { name: string; in: string; required?: boolean }[]; responses?: Record<string, { description?: unknown; content?: Record<string, { schema?: unknown }> }>; requestBody?: { content?: Record<string, { schema?: unknown }> } };
      if (op.operationId === undefined) out.push(`${where}: no operationId`);
      else if (operationIds.has(op.operationId)) out.push(`${where}: duplicate operationId ${op.operationId}`);
      else operationIds.add(op.operationId);
      for (const tag of op.tags ?? []) if (!tags.has(tag)) out.push(`${where}: tag ${tag} is not declared`);
      const pathParams = (op.parameters ?? []).filter((p) => p.in === "path");
      for (const name of templated) {
        if (!pathParams.some((p) => p.name === name && p.required === true)) out.push(`${where}: path parameter {${name}} not declared as required`);
      }
      for (const p of pathParams) if (!templated.includes(p.name)) out.push(`${where}: parameter ${p.name} is not in the path`);
      const responses = Object.entries(op.responses ?? {});
      if (!responses.some(([status]) => /^2\d\d$/.test(status))) out.push(`${where}: no 2xx response`);
      for (const [status, response] of responses) {
        if (!/^[1-5]\d\d$/.test(status)) out.push(`${where}: bad status ${status}`);
        if (typeof response.description !== "string") out.push(`${where} ${status}: description is required`);
        for (const [type, media] of Object.entries(response.content ?? {})) if (media.schema === undefined) out.push(`${where} ${status} ${type}: no schema`);
      }
      for (const [type, media] of Object.entries(op.requestBody?.content ?? {})) if (media.schema === undefined) out.push(`${where} body ${type}: no schema`);
    }
  }
  const walk = (value: unknown, at: string): void => {
    if (Array.isArray(value)) value.forEach((v, i) => walk(v, `${at}[${i}]`));
    else if (typeof value === "object" && value !== null) {
      for (const [key, inner] of Object.entries(value)) {
        if (key === "$ref") {
          const name = typeof inner === "string" ? /^#\/components\/schemas\/(.+)$/.exec(inner)?.[1] : undefined;
          if (name === undefined || !(name in doc.components.schemas)) out.push(`${at}: unresolved $ref ${String(inner)}`);
        } else if (key === "$defs" || key === "$schema") out.push(`${at}.${key}: must be hoisted/removed`);
        else walk(inner, `${at}.${key}`);
      }
    } else if (value === undefined) out.push(`${at}: undefined`);
  };
  walk(doc, "$");
  return out;
}

describe("openapi/openapi.json", () => {
  it("matches the document the example app generates (run `npx tsx openapi/generate.ts` after changing routes or schemas)", async () => {
    const committed = JSON.parse(readFileSync(OPENAPI_FILE, "utf8")) as unknown;
    expect(committed).toEqual(await generateOpenApiDocument());
  });

  it("is structurally valid OpenAPI 3.1", async () => {
    expect(problems(await generateOpenApiDocument())).toEqual([]);
  });

  it("passes @apidevtools/swagger-parser's OpenAPI 3.1 validation", async () => {
    await expect(SwaggerParser.validate(JSON.parse(readFileSync(OPENAPI_FILE, "utf8")) as never)).resolves.toBeDefined();
  });

  it("documents every chain's endpoints, their /c/{config_hash} twins and the envelopes", async () => {
    const doc = await generateOpenApiDocument();
    for (const path of ["/echo", "/assign", "/chat", "/rag", "/boom"]) {
      for (const endpoint of ["invoke", "batch", "stream", "stream_log", "stream_events"]) {
        expect(doc.paths[`${path}/${endpoint}`]).toHaveProperty("post");
        expect(doc.paths[`${path}/c/{config_hash}/${endpoint}`]).toHaveProperty("post");
      }
      for (const endpoint of ["input_schema", "output_schema", "config_schema"]) expect(doc.paths[`${path}/${endpoint}`]).toHaveProperty("get");
    }
    expect(doc.components.schemas.chatInput).toMatchObject({ type: "object", properties: { topic: { type: "string" } }, required: ["topic"] });
    expect(doc.components.schemas.ragInput).toMatchObject({ type: "string" });
    expect(doc.components.schemas.chatStreamLogRequest).toMatchObject({ properties: { include_names: {}, exclude_tags: {}, diff: {} }, required: ["input"] });
    const stream = doc.paths["/chat/stream"]?.post as { responses: Record<string, { content: Record<string, unknown> }> };
    expect(Object.keys(stream.responses["200"]?.content ?? {})).toEqual(["text/event-stream"]);
    expect(Object.keys(stream.responses)).toEqual(expect.arrayContaining(["422", "500"]));
  });
});

describe("buildOpenApiFromChains", () => {
  const chain = (over: Partial<OpenApiChain>): OpenApiChain => ({
    path: "/t",
    name: "T",
    endpoints: ["invoke", "batch", "stream", "stream_log", "stream_events", "input_schema", "output_schema", "config_schema"],
    configHashes: false,
    inputJsonSchema: { title: "TInput" },
    outputJsonSchema: { title: "TOutput" },
    configJsonSchema: { title: "TConfig", type: "object", properties: {} },
    ...over,
  });

  it("leaves out disabled endpoints and, without config hashes, the /c/ twins", () => {
    const doc = buildOpenApiFromChains([chain({ endpoints: ["invoke"] })], { info: { title: "t", version: "1" } });
    expect(Object.keys(doc.paths)).toEqual(["/t/invoke"]);
    expect(problems(doc)).toEqual([]);
  });

  it("hoists zod's $defs into components so recursive schemas resolve", () => {
    interface Tree {
      value: number;
      children: Tree[];
    }
    const tree: z.ZodType<Tree> = z.lazy(() => z.object({ value: z.number(), children: z.array(tree) }));
    const doc = buildOpenApiFromChains([chain({ inputSchema: z.object({ a: tree, b: tree }) })], { info: { title: "t", version: "1" } });
    expect(problems(doc)).toEqual([]);
    expect(JSON.stringify(doc.components.schemas.tInput)).toContain("#/components/schemas/");
  });
});
