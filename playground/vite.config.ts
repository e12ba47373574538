/**
 * Builds the playground page (Preact, no JSX plugin: Vite 8's Oxc transform handles TSX with
 * Preact's automatic runtime) into dist/playground/, which `addRoutes` serves. `base: "./"`
 * keeps every asset URL relative, so the page works under any mount path, Fastify prefix or
 * proxy path prefix.
 */
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  base: "./",
  oxc: { jsx: { runtime: "automatic", importSource: "preact" } },
  logLevel: "warn",
  build: {
    outDir: fileURLToPath(new URL("../dist/playground", import.meta.url)),
    emptyOutDir: true,
    target: "es2022",
    sourcemap: false,
    // The polyfill is only for browsers without modulepreload; every target here has it.
    modulePreload: { polyfill: false },
    // Everything is served from the package: no inlined data: assets to allow in the CSP either.
    assetsInlineLimit: 0,
  },
});
