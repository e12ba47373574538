/**
 * The server benchmark's moving parts: building and starting the children (servers on
 * CPU 0, the load generator on CPU 1), talking to them over IPC, and capturing a response
 * for the baseline to replay.
 */
import { request as httpRequest } from "undici";
import { VOLATILE_HEADERS, type CapturedRoute, type SseFraming } from "./baseline-app.js";
import { buildBenchEntries, builtEntry } from "./build.js";
import { spawnBenchChild, type BenchChild } from "./children.js";
import type { IdleStreamsJob, IdleStreamsResult } from "./idle-streams.js";
import type { LoadJob, LoadResult } from "./load.js";
import type { PacedStats } from "./paced-app.js";
import type { PacedStreamsJob, PacedStreamsResult } from "./paced-load.js";
import type { Scenario } from "./scenarios.js";

/** How the benchmark's children run. */
export type Runtime = "built" | "tsx";

/** The entry files of the children for `runtime`; builds them first when needed. */
export async function prepareEntries(runtime: Runtime): Promise<{ server: string; load: string }> {
  if (runtime === "tsx") return { server: "bench/server-main.ts", load: "bench/load-main.ts" };
  await buildBenchEntries();
  return { server: builtEntry("server-main"), load: builtEntry("load-main") };
}

/** The load-generator child with request/response over IPC. */
export class LoadClient {
  private nextId = 1;
  constructor(readonly child: BenchChild) {}

  static async start(entry: string): Promise<LoadClient> {
    const child = spawnBenchChild({ entry, cpu: 1, label: "load generator" });
    await child.waitFor((m: { type?: string }) => m.type === "ready");
    return new LoadClient(child);
  }

  async load(job: LoadJob): Promise<LoadResult> {
    const id = this.nextId++;
    this.child.send({ id, kind: "load", job });
    const answer = await this.child.waitFor<{ type: string; result?: LoadResult; message?: string }>(
      (m: { id?: number; type?: string }) => m.id === id && (m.type === "result" || m.type === "error"),
      job.durationMs + 120_000,
    );
    if (answer.type === "error" || answer.result === undefined) throw new Error(`load generator: ${answer.message ?? "no result"}`);
    return answer.result;
  }

  /** Runs an idle-streams job; `whileOpen(open)` is awaited after each of its waves. */
  async idle(job: IdleStreamsJob, whileOpen: (open: number) => Promise<void>): Promise<IdleStreamsResult> {
    const id = this.nextId++;
    this.child.send({ id, kind: "idle", job });
    for (let wave = 0; wave < Math.max(1, Math.floor(job.waves ?? 1)); wave++) {
      const open = await this.child.waitFor<{ type: string; open?: number; message?: string }>(
        (m: { id?: number; type?: string }) => m.id === id && (m.type === "all-open" || m.type === "error"),
      );
      if (open.type === "error") throw new Error(`load generator: ${open.message ?? ""}`);
      await whileOpen(open.open ?? 0);
      this.child.send({ id, kind: "continue" });
    }
    const answer = await this.child.waitFor<{ type: string; result?: IdleStreamsResult; message?: string }>(
      (m: { id?: number; type?: string }) => m.id === id && (m.type === "result" || m.type === "error"),
    );
    if (answer.result === undefined) throw new Error(`load generator: ${answer.message ?? "no result"}`);
    return answer.result;
  }

  /** Runs a paced-streams job; `whileStreaming()` is awaited once every stream had its first token. */
  async paced(job: PacedStreamsJob, whileStreaming: () => Promise<void>): Promise<PacedStreamsResult> {
    const id = this.nextId++;
    this.child.send({ id, kind: "paced", job });
    const started = await this.child.waitFor<{ type: string; message?: string }>(
      (m: { id?: number; type?: string }) => m.id === id && (m.type === "all-started" || m.type === "error"),
      (job.timeoutMs ?? 60_000) + 30_000,
    );
    if (started.type === "error") throw new Error(`load generator: ${started.message ?? ""}`);
    await whileStreaming();
    this.child.send({ id, kind: "continue" });
    const answer = await this.child.waitFor<{ type: string; result?: PacedStreamsResult; message?: string }>(
      (m: { id?: number; type?: string }) => m.id === id && (m.type === "result" || m.type === "error"),
      (job.timeoutMs ?? 60_000) + 30_000,
    );
    if (answer.result === undefined) throw new Error(`load generator: ${answer.message ?? "no result"}`);
    return answer.result;
  }

  async stop(): Promise<void> {
    await this.child.stop({ id: 0, kind: "exit" });
  }
}

/** Start a server child and wait until it listens; the baseline gets its routes first. */
export async function startServer(
  entry: string,
  which: "chainserve" | "baseline" | "floor" | "lc-handwritten" | "paced",
  options: { routes?: CapturedRoute[]; nodeArgs?: string[]; sseFraming?: SseFraming } = {},
): Promise<{ child: BenchChild; port: number }> {
  const child = spawnBenchChild({ entry, args: [which], cpu: 0, nodeArgs: options.nodeArgs, label: `${which} server` });
  await child.waitFor((m: { type?: string }) => m.type === "hello");
  if (which === "baseline") child.send({ kind: "routes", routes: options.routes ?? [], sseFraming: options.sseFraming });
  const ready = await child.waitFor<{ port: number }>((m: { type?: string }) => m.type === "ready");
  return { child, port: ready.port };
}

/** CPU time a server child has used (µs; user + system, and each) and its wall clock (ms). */
export async function serverCpu(child: BenchChild): Promise<{ micros: number; user: number; system: number; at: number }> {
  child.send({ kind: "cpu" });
  return child.waitFor<{ micros: number; user: number; system: number; at: number }>((m: { type?: string }) => m.type === "cpu");
}

/** Ask a server child for its RSS and JS heap in use, after a forced GC unless `gc` is false. */
export async function serverMemory(child: BenchChild, gc = true): Promise<{ rss: number; heap: number }> {
  child.send({ kind: "rss", gc });
  const answer = await child.waitFor<{ rss: number; heapUsed: number }>((m: { type?: string }) => m.type === "rss");
  return { rss: answer.rss, heap: answer.heapUsed };
}

/** The paced server's token count and event-loop delay since the last reset (bench/paced-app.ts). */
export async function pacedServerStats(child: BenchChild, reset: boolean): Promise<PacedStats> {
  child.send({ kind: "paced-stats", reset });
  return child.waitFor<PacedStats>((m: { type?: string }) => m.type === "paced-stats");
}

/** Send one request with undici and keep what the baseline needs to replay it. */
export async function captureRoute(port: number, scenario: Pick<Scenario, "path" | "body">): Promise<CapturedRoute> {
  const response = await httpRequest(`http://127.0.0.1:${port}${scenario.path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: scenario.body,
  });
  const body = Buffer.from(await response.body.arrayBuffer());
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(response.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(", ") : value;
  }
  return { method: "POST", path: scenario.path, status: response.statusCode, headers, body: body.toString("base64") };
}

/** Check the baseline really answers byte for byte like chainserve did (run ids aside). */
export async function checkReplay(port: number, scenario: Pick<Scenario, "path" | "body">, expected: CapturedRoute): Promise<string | undefined> {
  const got = await captureRoute(port, scenario);
  if (got.status !== expected.status) return `status ${got.status} vs ${expected.status}`;
  if (got.body !== expected.body) return "body differs";
  for (const [name, value] of Object.entries(expected.headers)) {
    if (!VOLATILE_HEADERS.has(name) && got.headers[name] !== value) return `header ${name}: ${got.headers[name]} vs ${value}`;
  }
  const framing = (h: Record<string, string>): string => (h["transfer-encoding"] !== undefined ? "chunked" : "length");
  if (framing(got.headers) !== framing(expected.headers)) return `framing ${framing(got.headers)} vs ${framing(expected.headers)}`;
  return undefined;
}
