/**
 * Bundle `src/client/index.ts` for browsers with esbuild and report its size, minified and
 * minified+gzipped, plus the largest inputs. `npx tsx scripts/client-size.ts` prints the line
 * for the README; test/client/import-graph.test.ts uses {@link measureClientBundle} to check
 * the import graph.
 */
import { builtinModules } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";

/** What one browser build of the client entry produced. */
export interface ClientBundle {
  /** Minified bytes. */
  minified: number;
  /** Minified, then gzipped (level 9) bytes. */
  gzipped: number;
  /** Every module in the bundle (paths relative to the repo). */
  inputs: string[];
  /** The largest inputs by bytes in the output, biggest first. */
  largest: { path: string; bytes: number }[];
  /** Imports that stayed external (a browser bundle must have none). */
  externals: string[];
  /** The minified code. */
  code: Uint8Array;
}

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");

/** Node built-in module names, with and without the `node:` prefix. */
export const NODE_BUILTINS = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);

/**
 * Build the client entry as a browser ESM bundle (throws if anything needs Node to resolve).
 * @example
 * const { gzipped } = await measureClientBundle();
 */
export async function measureClientBundle(entry = join(ROOT, "src/client/index.ts")): Promise<ClientBundle> {
  const result = await build({
    entryPoints: [entry],
    absWorkingDir: ROOT,
    bundle: true,
    minify: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    write: false,
    metafile: true,
    logLevel: "silent",
  });
  const output = result.outputFiles[0];
  if (output === undefined) throw new Error("esbuild produced no output");
  const meta = Object.values(result.metafile.outputs)[0];
  const largest = Object.entries(meta?.inputs ?? {})
    .map(([path, info]) => ({ path, bytes: info.bytesInOutput }))
    .sort((a, b) => b.bytes - a.bytes);
  const externals = Object.values(result.metafile.inputs).flatMap((input) => input.imports.filter((i) => i.external === true).map((i) => i.path));
  return {
    minified: output.contents.length,
    gzipped: gzipSync(output.contents, { level: 9 }).length,
    inputs: Object.keys(result.metafile.inputs),
    largest: largest.slice(0, 10),
    externals,
    code: output.contents,
  };
}

/** `12.3 kB` */
export function kB(bytes: number): string {
  return `${(bytes / 1000).toFixed(1)} kB`;
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const bundle = await measureClientBundle();
  process.stdout.write(`chainserve/client (browser, esbuild --minify): ${kB(bundle.minified)} minified, ${kB(bundle.gzipped)} min+gzip\n`);
  for (const { path, bytes } of bundle.largest) process.stdout.write(`  ${kB(bytes).padStart(8)}  ${path}\n`);
}
