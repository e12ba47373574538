/**
 * `npm run soak -- --seconds N`: the example app in a child process (`routes/main.ts`, fake
 * models), under mixed load from this process for N seconds: invoke, batch, the three stream
 * endpoints, streams aborted by the client at random points, bad requests and failing runs
 * (whose 4xx / 5xx answers are expected), probes. Checks every answer, samples the server's
 * RSS each second, then sends SIGTERM and expects a graceful exit 0.
 *
 * Fails (exit 1) on any unexpected answer or error, when the RSS drift (the mean of the last
 * tenth of the samples against the mean of the first tenth after warm-up) exceeds
 * `--max-drift` percent, or when the app does not exit 0. Traffic goes to 127.0.0.1 only.
 *
 * The heap after a full GC (the app gets `--expose-gc` and a SIGUSR2 probe) is reported after
 * warm-up and at the end too: RSS also moves with how much garbage the GC lets pile up.
 *
 * Options: `--seconds` (60), `--concurrency` (50), `--max-drift` (10), `--max-heap-drift` (percent, on the live heap after a full GC; unchecked by default), `--warmup` seconds
 * (10% of the run, at most 30).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer } from "node:net";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { Agent, request } from "undici";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");

/**
 * Loaded into the app before it starts: on SIGUSR2, a full GC and the live heap on stderr. RSS
 * also moves with how much garbage the GC lets pile up; the heap after a full GC is what a leak
 * makes grow.
 */
const HEAP_PROBE = `data:text/javascript,${encodeURIComponent('process.on("SIGUSR2", () => { globalThis.gc(); globalThis.gc(); process.stderr.write("SOAK_HEAP " + process.memoryUsage().heapUsed + "\\n"); });')}`;

interface Scenario {
  name: string;
  weight: number;
  /** Resolves when the answer is as expected; throws with what was wrong otherwise. */
  run(base: string, agent: Agent): Promise<void>;
}

const JSON_HEADERS = { "content-type": "application/json" };

async function postJson(agent: Agent, url: string, body: string, status: number, check?: (json: Record<string, unknown>) => boolean): Promise<void> {
  const res = await request(url, { method: "POST", body, headers: JSON_HEADERS, dispatcher: agent });
  const text = await res.body.text();
  if (res.statusCode !== status) throw new Error(`${url}: status ${res.statusCode}, expected ${status}: ${text.slice(0, 200)}`);
  if (check !== undefined && !check(JSON.parse(text) as Record<string, unknown>)) throw new Error(`${url}: unexpected body ${text.slice(0, 200)}`);
}

async function stream(agent: Agent, url: string, body: string): Promise<void> {
  const res = await request(url, { method: "POST", body, headers: JSON_HEADERS, dispatcher: agent });
  const text = await res.body.text();
  if (res.statusCode !== 200 || !text.endsWith("event: end\r\n\r\n")) throw new Error(`${url}: status ${res.statusCode}, ends with ${JSON.stringify(text.slice(-60))}`);
}

async function abortedStream(agent: Agent, url: string, body: string): Promise<void> {
  const controller = new AbortController();
  const res = await request(url, { method: "POST", body, headers: JSON_HEADERS, dispatcher: agent, signal: controller.signal });
  if (res.statusCode !== 200) throw new Error(`${url}: status ${res.statusCode}`);
  const leaveAfter = Math.floor(Math.random() * 4);
  let chunks = 0;
  try {
    for await (const _chunk of res.body) {
      if (chunks++ >= leaveAfter) {
        controller.abort();
        break;
      }
    }
  } catch (error) {
    if ((error as { name?: string }).name !== "AbortError") throw error;
  }
}

const SCENARIOS: Scenario[] = [
  { name: "invoke_echo", weight: 20, run: (b, a) => postJson(a, `${b}/echo/invoke`, '{"input":{"a":1}}', 200, (j) => (j.output as { a?: number }).a === 1) },
  { name: "batch_assign", weight: 10, run: (b, a) => postJson(a, `${b}/assign/batch`, '{"inputs":[{"num":1},{"num":2}]}', 200, (j) => Array.isArray(j.output) && j.output.length === 2) },
  { name: "stream_chat", weight: 20, run: (b, a) => stream(a, `${b}/chat/stream`, '{"input":{"topic":"bears"}}') },
  { name: "stream_log_chat", weight: 8, run: (b, a) => stream(a, `${b}/chat/stream_log`, '{"input":{"topic":"bears"}}') },
  { name: "stream_events_rag", weight: 8, run: (b, a) => stream(a, `${b}/rag/stream_events`, '{"input":"what is chainserve?"}') },
  { name: "aborted_stream", weight: 15, run: (b, a) => abortedStream(a, `${b}/chat/stream_events`, '{"input":{"topic":"bears"}}') },
  { name: "bad_request", weight: 8, run: (b, a) => postJson(a, `${b}/echo/invoke`, "nope", 422, (j) => j.code === "BAD_REQUEST") },
  { name: "failing_run", weight: 5, run: (b, a) => postJson(a, `${b}/boom/invoke`, '{"input":1}', 500, (j) => j.code === "INTERNAL") },
  {
    name: "ready",
    weight: 6,
    run: async (b, a) => {
      const res = await request(`${b}/ready`, { dispatcher: a });
      await res.body.dump();
      if (res.statusCode !== 200) throw new Error(`/ready: ${res.statusCode}`);
    },
  },
];

function pick(): Scenario {
  const total = SCENARIOS.reduce((sum, s) => sum + s.weight, 0);
  let x = Math.random() * total;
  for (const s of SCENARIOS) if ((x -= s.weight) < 0) return s;
  return SCENARIOS[0] as Scenario;
}

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once("error", fail);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => done(typeof address === "object" && address !== null ? address.port : 0));
    });
  });
}

function rssMb(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return match?.[1] === undefined ? Number.NaN : Number(match[1]) / 1024;
}

const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function waitReady(base: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the app exited with ${child.exitCode}`);
    try {
      const res = await request(`${base}/ready`);
      await res.body.dump();
      if (res.statusCode === 200) return;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  throw new Error("the app did not become ready within 30 s");
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: { seconds: { type: "string", default: "60" }, concurrency: { type: "string", default: "50" }, "max-drift": { type: "string", default: "10" }, "max-heap-drift": { type: "string" }, warmup: { type: "string" } },
  });
  const seconds = Number(values.seconds);
  const concurrency = Number(values.concurrency);
  const maxDrift = Number(values["max-drift"]);
  // The live heap after a full GC: steady over short runs, where RSS swings with the GC (CI).
  const maxHeapDrift = values["max-heap-drift"] !== undefined ? Number(values["max-heap-drift"]) : undefined;
  const warmup = values.warmup !== undefined ? Number(values.warmup) : Math.min(30, seconds * 0.1);
  if (![seconds, concurrency, maxDrift, warmup, maxHeapDrift ?? 0].every((n) => Number.isFinite(n) && n >= 0) || seconds <= 0 || concurrency < 1) {
    throw new Error("usage: npm run soak -- --seconds N [--concurrency 50] [--max-drift 10] [--max-heap-drift P] [--warmup S]");
  }
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, ["--expose-gc", "--import", HEAP_PROBE, "--import", "tsx", "routes/main.ts"], {
    cwd: ROOT,
    env: { ...process.env, HOST: "127.0.0.1", PORT: String(port), LOG_LEVEL: "error", OPENAI_API_KEY: "", SHUTDOWN_DEADLINE_MS: "10000" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let logs = "";
  child.stdout?.on("data", (c: Buffer) => (logs = (logs + c.toString()).slice(-20_000)));
  const heaps: number[] = [];
  child.stderr?.on("data", (c: Buffer) => {
    const text = c.toString();
    for (const m of text.matchAll(/SOAK_HEAP (\d+)/g)) heaps.push(Number(m[1]) / 1_048_576);
    logs = (logs + text).slice(-20_000);
  });
  const exited = new Promise<number | null>((done) => child.once("exit", (code) => done(code)));
  try {
    await waitReady(base, child);
    const agent = new Agent({ connections: concurrency, keepAliveTimeout: 10_000 });
    const counts = new Map<string, number>();
    const unexpected: string[] = [];
    let unexpectedCount = 0;
    const started = Date.now();
    const end = started + seconds * 1_000;
    const samples: { t: number; rss: number }[] = [];
    const sampler = setInterval(() => samples.push({ t: (Date.now() - started) / 1_000, rss: rssMb(child.pid as number) }), 1_000);
    const probe = setTimeout(() => child.kill("SIGUSR2"), warmup * 1_000);
    const worker = async (): Promise<void> => {
      while (Date.now() < end) {
        const scenario = pick();
        try {
          await scenario.run(base, agent);
          counts.set(scenario.name, (counts.get(scenario.name) ?? 0) + 1);
        } catch (error) {
          unexpectedCount++;
          if (unexpected.length < 10) unexpected.push(`${scenario.name}: ${(error as Error).message}`);
        }
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    clearInterval(sampler);
    clearTimeout(probe);
    await agent.close();
    await sleep(500);
    child.kill("SIGUSR2");
    await sleep(1_000);
    const total = [...counts.values()].reduce((a, b) => a + b, 0);

    const after = samples.filter((s) => s.t >= warmup);
    const tenth = Math.max(1, Math.floor(after.length / 10));
    const first = mean(after.slice(0, tenth).map((s) => s.rss));
    const last = mean(after.slice(-tenth).map((s) => s.rss));
    const drift = ((last - first) / first) * 100;
    const rss = after.map((s) => s.rss);

    const killedAt = Date.now();
    child.kill("SIGTERM");
    const code = await Promise.race([exited, sleep(15_000).then(() => "timeout" as const)]);
    const exitMs = Date.now() - killedAt;

    console.log(`soak: ${seconds} s, ${concurrency} concurrent, ${total} requests (${Math.round(total / seconds)}/s), ${unexpectedCount} unexpected`);
    console.log(`  by scenario: ${[...counts].map(([k, v]) => `${k} ${v}`).join(", ")}`);
    for (const line of unexpected) console.log(`  unexpected: ${line}`);
    console.log(
      `  server RSS after ${warmup} s warm-up: first tenth ${first.toFixed(1)} MB, last tenth ${last.toFixed(1)} MB, drift ${drift >= 0 ? "+" : ""}${drift.toFixed(1)}% (max ${maxDrift}%), min ${Math.min(...rss).toFixed(1)} MB, max ${Math.max(...rss).toFixed(1)} MB, ${after.length} samples`,
    );
    const [heapStart, heapEnd] = [heaps[0], heaps.at(-1)];
    let heapDrift: number | undefined;
    if (heapStart !== undefined && heapEnd !== undefined && heaps.length >= 2) {
      heapDrift = ((heapEnd - heapStart) / heapStart) * 100;
      console.log(`  server heap after a full GC: ${heapStart.toFixed(1)} MB after warm-up, ${heapEnd.toFixed(1)} MB at the end (${heapDrift >= 0 ? "+" : ""}${heapDrift.toFixed(1)}%)`);
    }
    console.log(`  SIGTERM: exit ${code} after ${exitMs} ms`);
    const failures = [
      unexpectedCount > 0 ? `${unexpectedCount} unexpected answers` : "",
      !(drift <= maxDrift) ? `RSS drift ${drift.toFixed(1)}% over ${maxDrift}%` : "",
      maxHeapDrift !== undefined && heapDrift === undefined ? "no heap reading after a full GC" : "",
      maxHeapDrift !== undefined && heapDrift !== undefined && !(heapDrift <= maxHeapDrift) ? `heap drift ${heapDrift.toFixed(1)}% over ${maxHeapDrift}%` : "",
      code !== 0 ? `the app exited with ${code}` : "",
    ].filter((f) => f !== "");
    if (failures.length > 0) {
      console.log(`soak FAILED: ${failures.join("; ")}`);
      if (code !== 0) console.log(logs.slice(-2_000));
      return 1;
    }
    console.log("soak passed");
    return 0;
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  }
}

process.exitCode = await main();
