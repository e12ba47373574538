/**
 * The playground: `GET {path}/playground/` (and `{path}/c/{config_hash}/playground/`) serves
 * the page built from `playground/` (Vite + Preact) into `dist/playground/`. Files go through
 * `@fastify/static` (its `@fastify/send` refuses `..`, encoded or not, and non-canonical
 * paths). Every URL inside the page is relative, so it works under a Fastify prefix and behind
 * a proxy that adds a path prefix; the page calls `../invoke`, `../stream_log`, … so the share
 * link `/c/{config_hash}/playground/` runs with the hashed config.
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { FastifyInstance, FastifyReply, FastifyRequest, FastifySchema } from "fastify";
import fastifyStatic from "@fastify/static";
import { ChainserveError } from "../core/errors.js";

/** The playground option of `addRoutes`. */
export interface PlaygroundOptions {
  /**
   * Serve the playground page at `{path}/playground/`. `disabledEndpoints: ["playground"]`
   * (LangServe's switch) turns it off too. @default true
   */
  playground?: boolean;
}

/** Whether the playground is on, from the option and the endpoint switch; throws INVALID_OPTIONS. */
export function playgroundEnabled(option: unknown, switchOn: boolean): boolean {
  if (option !== undefined && typeof option !== "boolean") {
    throw new ChainserveError("INVALID_OPTIONS", `addRoutes: "playground" must be a boolean`);
  }
  return switchOn && option !== false;
}

/**
 * The page may only talk to its own origin; scripts and styles are the built files (no
 * inline script). `style-src 'unsafe-inline'` is not needed: Preact sets styles through the
 * CSSOM, which CSP does not govern.
 */
export const PLAYGROUND_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'self'";

// Same relative location from dist/server (→ dist/playground) and from src/server or
// build-app/src/server (→ <root>/dist/playground, built by `npm run build:playground`).
const CANDIDATES = ["../playground/", "../../dist/playground/"];

let located: string | null | undefined;

/** @internal The directory of the built playground, or `undefined` when it was not built. */
export function playgroundRoot(): string | undefined {
  if (located === undefined) {
    located = null;
    for (const candidate of CANDIDATES) {
      const dir = fileURLToPath(new URL(candidate, import.meta.url));
      if (existsSync(`${dir}index.html`)) {
        located = dir;
        break;
      }
    }
  }
  return located ?? undefined;
}

function setHeaders(reply: FastifyReply, path: string): void {
  void reply.header("x-content-type-options", "nosniff");
  if (path.endsWith(".html")) {
    void reply.header("content-security-policy", PLAYGROUND_CSP).header("cache-control", "no-cache");
  } else {
    // Vite names assets by content hash.
    void reply.header("cache-control", "public, max-age=31536000, immutable");
  }
}

// A relative Location keeps the proxy's path prefix: `…/playground` → `…/playground/`.
async function addSlash(_request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  return reply.code(301).header("location", "playground/").send();
}

// `hide` is read by @fastify/swagger (which declares the key when installed): the page is no API.
const HIDDEN = { schema: { hide: true } as unknown as FastifySchema };

async function notBuilt(): Promise<never> {
  throw new ChainserveError("UNAVAILABLE", "The playground is not built: run `npm run build:playground`");
}

/**
 * @internal Registers the playground routes in a chain's encapsulated plugin (prefix = the
 * mount path). Hidden from OpenAPI documents (`schema.hide`).
 */
export async function playgroundRoutes(app: FastifyInstance, options: { configHashes: boolean }): Promise<void> {
  const root = playgroundRoot();
  const prefixes = options.configHashes ? ["/playground/", "/c/:config_hash/playground/"] : ["/playground/"];
  for (const prefix of prefixes) {
    const bare = prefix.slice(0, -1);
    app.get(bare, HIDDEN, addSlash);
    if (root === undefined) {
      app.log.warn("chainserve: the playground is not built (npm run build:playground); its routes answer 503");
      app.get(`${prefix}*`, HIDDEN, notBuilt);
      continue;
    }
    await app.register(fastifyStatic, {
      root,
      prefix,
      decorateReply: false,
      index: ["index.html"],
      redirect: false,
      list: false,
      dotfiles: "deny",
      schemaHide: true,
      setHeaders,
    });
  }
}
