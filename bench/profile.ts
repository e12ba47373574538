/**
 * Profile the chainserve server under one benchmark scenario and print where its CPU time
 * goes: `tsx bench/profile.ts <scenario> [seconds] [--baseline]` (e.g. `stream_chat 10`). The server child
 * (pinned like in the benchmark) records a V8 CPU profile of the measured window only (after
 * a warm-up, through the inspector — what `--cpu-prof` records, minus startup), the load
 * generator drives it, then the `.cpuprofile` is summarised by self time per function and per
 * file. The file is kept (its path is printed) for a flame-graph viewer (Chrome DevTools,
 * speedscope). Functions of the built bundle are named by their source file; under `--tsx`,
 * which strips whitespace, locations read `file@column`.
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { REPO_ROOT } from "./children.js";
import { captureRoute, LoadClient, prepareEntries, startServer } from "./harness.js";
import { SCENARIOS, type Scenario } from "./scenarios.js";
import { rawRequest } from "./load.js";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** One line of the summary. */
export interface SelfTime {
  name: string;
  ms: number;
  share: number;
}

const regions = new Map<string, { line: number; file: string }[]>();

/** esbuild marks each bundled module with a `// path/to/file.ts` line: map a bundle line back. */
function sourceOf(path: string, line: number): string | undefined {
  if (!path.endsWith(".mjs")) return undefined;
  let list = regions.get(path);
  if (list === undefined) {
    list = [];
    try {
      readFileSync(path, "utf8")
        .split("\n")
        .forEach((text, i) => {
          const m = /^\/\/ (\S+\.[cm]?[jt]s)$/.exec(text);
          if (m !== null) list?.push({ line: i, file: m[1] as string });
        });
    } catch {
      // not readable: keep the bundle's own name
    }
    regions.set(path, list);
  }
  let found: string | undefined;
  for (const region of list) {
    if (region.line > line) break;
    found = region.file;
  }
  return found;
}

function where(url: string, line = -1): string {
  if (url === "") return "";
  const path = url.startsWith("file://") ? url.slice(7) : url;
  const source = sourceOf(path, line);
  if (source !== undefined) return source;
  const rel = relative(REPO_ROOT, path);
  const nm = rel.lastIndexOf("node_modules/");
  return nm === -1 ? rel : rel.slice(nm + "node_modules/".length);
}

/**
 * Self time per function (`name file:line`) and per file, largest first.
 * @example
 * summariseProfile(JSON.parse(readFileSync("x.cpuprofile", "utf8")), 25);
 */
export function summariseProfile(profile: CpuProfile, top = 30): { functions: SelfTime[]; files: SelfTime[]; inclusive: SelfTime[]; totalMs: number } {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const fn = new Map<string, number>();
  const file = new Map<string, number>();
  let total = 0;
  for (const [id, us] of selfUs) {
    const frame = (byId.get(id) as ProfileNode).callFrame;
    if (frame.functionName === "(idle)") continue;
    total += us;
    const loc = where(frame.url, frame.lineNumber);
    const pos = frame.url.endsWith(".mjs") ? "" : frame.lineNumber === 0 ? `@${frame.columnNumber}` : `:${frame.lineNumber + 1}`;
    const key = `${frame.functionName || "(anonymous)"} ${loc === "" ? "" : `${loc}${pos}`}`.trim();
    fn.set(key, (fn.get(key) ?? 0) + us);
    const fileKey = loc === "" ? frame.functionName : loc.startsWith("node:") ? "node: internals" : loc;
    file.set(fileKey, (file.get(fileKey) ?? 0) + us);
  }
  // Inclusive time: a node's own samples plus its descendants', counted once per stack even
  // when a function recurses. Async continuations start new stacks (under runMicrotasks), so
  // this is the synchronous share of each function.
  const incl = new Map<string, number>();
  const childrenOf = (node: ProfileNode): ProfileNode[] => (node.children ?? []).map((c) => byId.get(c) as ProfileNode);
  const keyOf = (node: ProfileNode): string => {
    const frame = node.callFrame;
    const loc = where(frame.url, frame.lineNumber);
    return `${frame.functionName || "(anonymous)"} ${loc}`.trim();
  };
  const totalOf = new Map<number, number>();
  const sum = (node: ProfileNode): number => {
    let t = selfUs.get(node.id) ?? 0;
    for (const child of childrenOf(node)) t += sum(child);
    totalOf.set(node.id, t);
    return t;
  };
  const root = profile.nodes[0] as ProfileNode;
  sum(root);
  const walk = (node: ProfileNode, active: Set<string>): void => {
    const key = keyOf(node);
    const fresh = !active.has(key);
    if (fresh) {
      incl.set(key, (incl.get(key) ?? 0) + (totalOf.get(node.id) ?? 0));
      active.add(key);
    }
    for (const child of childrenOf(node)) walk(child, active);
    if (fresh) active.delete(key);
  };
  walk(root, new Set());
  for (const key of ["(root)", "(idle)", "(program)", "(garbage collector)"]) incl.delete(key);
  const rank = (m: Map<string, number>): SelfTime[] =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, us]) => ({ name, ms: Math.round(us / 1000), share: Math.round((us / total) * 1000) / 10 }));
  return { functions: rank(fn), files: rank(file), inclusive: rank(incl), totalMs: Math.round(total / 1000) };
}

async function main(): Promise<void> {
  const name = process.argv[2] ?? "stream_chat";
  const seconds = Number(process.argv[3] ?? 10);
  const scenario = SCENARIOS.find((s) => s.name === name) as Scenario | undefined;
  if (scenario === undefined) throw new Error(`unknown scenario ${name}; one of ${SCENARIOS.map((s) => s.name).join(", ")}`);
  const dir = mkdtempSync(join(tmpdir(), "chainserve-prof-"));
  const entries = await prepareEntries(process.argv.includes("--tsx") ? "tsx" : "built");
  const loader = await LoadClient.start(entries.load);
  const file = join(dir, `${name}.cpuprofile`);
  // `--baseline`: profile the bare-Fastify replay of chainserve's answer instead, to see what
  // the ceiling itself spends (socket writes, HTTP parsing) next to chainserve's profile.
  const baseline = process.argv.includes("--baseline");
  let server = await startServer(entries.server, "chainserve");
  if (baseline) {
    const route = await captureRoute(server.port, scenario);
    await server.child.stop({ kind: "stop" });
    server = await startServer(entries.server, "baseline", { routes: [route], sseFraming: "per-frame" });
  }
  try {
    const job = {
      host: "127.0.0.1",
      port: server.port,
      request: rawRequest({ method: "POST", path: scenario.path, host: `127.0.0.1:${server.port}`, body: scenario.body }),
      connections: scenario.connections ?? 50,
      expectSseEnd: scenario.sse,
    };
    await loader.load({ ...job, durationMs: 2000 });
    server.child.send({ kind: "profile-start" });
    await server.child.waitFor((m: { type?: string }) => m.type === "profiling");
    const result = await loader.load({ ...job, durationMs: seconds * 1000 });
    server.child.send({ kind: "profile-stop", path: file });
    await server.child.waitFor((m: { type?: string }) => m.type === "profiled");
    process.stdout.write(`${name}: ${result.rps} req/s (p50 ${result.p50_ms} ms, p99 ${result.p99_ms} ms, ${result.errors} errors) — profiled, so slower than in the benchmark\n`);
  } finally {
    await server.child.stop({ kind: "stop" });
    await loader.stop();
  }
  const summary = summariseProfile(JSON.parse(readFileSync(file, "utf8")) as CpuProfile);
  process.stdout.write(`profile: ${file} (${summary.totalMs} ms of samples, idle excluded)\n\nself time by function:\n`);
  for (const f of summary.functions) process.stdout.write(`${f.share.toFixed(1).padStart(5)}%  ${String(f.ms).padStart(6)} ms  ${f.name}\n`);
  process.stdout.write("\ninclusive (synchronous) time by function:\n");
  for (const f of summary.inclusive) process.stdout.write(`${f.share.toFixed(1).padStart(5)}%  ${String(f.ms).padStart(6)} ms  ${f.name}\n`);
  process.stdout.write("\nself time by file:\n");
  for (const f of summary.files.slice(0, 20)) process.stdout.write(`${f.share.toFixed(1).padStart(5)}%  ${String(f.ms).padStart(6)} ms  ${f.name}\n`);
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
