/**
 * Regenerates `openapi/openapi.json`, the committed OpenAPI document of the example app:
 * `npx tsx openapi/generate.ts`. test/server/openapi.test.ts fails when the file drifts.
 */
import { writeFileSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import { APP_INFO, buildApp } from "../routes/app.js";
import { buildOpenApiDocument, type OpenApiDocument } from "../src/server/index.js";

/** Where the committed document lives. */
export const OPENAPI_FILE = fileURLToPath(new URL("./openapi.json", import.meta.url));

/**
 * The document of the example app as served without OPENAI_* variables (the fake models;
 * the routes and schemas are the same either way).
 * @example
 * const doc = await generateOpenApiDocument();
 */
export async function generateOpenApiDocument(): Promise<OpenApiDocument> {
  const app = await buildApp({ env: {}, logger: false });
  try {
    await app.ready();
    return buildOpenApiDocument(app, { info: APP_INFO });
  } finally {
    await app.close();
  }
}

/** The document as written to disk: 2-space JSON and a final newline. */
export function formatOpenApiDocument(doc: OpenApiDocument): string {
  return `${JSON.stringify(doc, null, 2)}\n`;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  writeFileSync(OPENAPI_FILE, formatOpenApiDocument(await generateOpenApiDocument()));
  process.stdout.write(`wrote ${OPENAPI_FILE}\n`);
}
