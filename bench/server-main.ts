/**
 * Entry of a server child of the server benchmark (pinned to CPU 0 by bench/server.ts):
 * `node --import tsx bench/server-main.ts chainserve|baseline|floor|lc-handwritten|paced` (floor:
 * bench/floor-app.ts; lc-handwritten: bench/lc-handwritten-app.ts; paced: bench/paced-app.ts).
 * Listens on 127.0.0.1, port 0.
 *
 * IPC protocol (the only "admin" surface; nothing extra is mounted on the HTTP server):
 * child → `{ type: "hello" }` once it listens for messages; the baseline then expects
 * `{ kind: "routes", routes }`; child → `{ type: "ready", port }`.
 * `{ kind: "rss", gc }` → `{ type: "rss", rss, heapUsed }` (`gc` needs `--expose-gc`);
 * `{ kind: "cpu" }` → `{ type: "cpu", micros, user, system, at }` (CPU time used so far, µs, and
 * its user and kernel parts; wall clock in ms);
 * `{ kind: "profile-start" }` / `{ kind: "profile-stop", path }` → `{ type: "profiled" }`: a V8 CPU
 * profile of just that window, written to `path` (bench/profile.ts);
 * `{ kind: "paced-stats", reset }` → `{ type: "paced-stats", ...PacedStats }` (paced server only);
 * `{ kind: "stop" }` closes the server and exits.
 */
import { writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";
import type { FastifyInstance } from "fastify";
import { buildBaselineApp, type CapturedRoute, type SseFraming } from "./baseline-app.js";

/** Messages a server child accepts. */
export type ServerRequest =
  | { kind: "routes"; routes: CapturedRoute[]; sseFraming?: SseFraming }
  | { kind: "rss"; gc: boolean }
  | { kind: "cpu" }
  | { kind: "profile-start" }
  | { kind: "profile-stop"; path: string }
  | { kind: "paced-stats"; reset: boolean }
  | { kind: "stop" };

const which = process.argv[2];
if (which !== "chainserve" && which !== "baseline" && which !== "floor" && which !== "lc-handwritten" && which !== "paced") {
  process.stderr.write("usage: server-main.ts chainserve|baseline|floor|lc-handwritten|paced\n");
  process.exit(2);
}

const send = (message: unknown): void => {
  process.send?.(message);
};

let app: FastifyInstance | undefined;
let paced: typeof import("./paced-app.js") | undefined;
const profiler = new Session();

async function start(routes?: CapturedRoute[], sseFraming?: SseFraming): Promise<void> {
  // Imported only here, so the baseline process never loads chainserve.
  if (which === "chainserve") app = await (await import("./chainserve-app.js")).createChainserveApp();
  else if (which === "floor") app = await (await import("./floor-app.js")).createFloorApp();
  else if (which === "paced") {
    paced = await import("./paced-app.js");
    app = await paced.createPacedApp();
  } else if (which === "lc-handwritten") app = await (await import("./lc-handwritten-app.js")).createLangChainHandwrittenApp();
  else app = buildBaselineApp(routes ?? [], sseFraming);
  await app.listen({ host: "127.0.0.1", port: 0 });
  const address = app.server.address();
  send({ type: "ready", port: typeof address === "object" && address !== null ? address.port : 0 });
}

process.on("message", (message: ServerRequest) => {
  switch (message.kind) {
    case "routes":
      start(message.routes, message.sseFraming).catch(fail);
      break;
    case "rss": {
      if (message.gc) (globalThis as { gc?: () => void }).gc?.();
      const usage = process.memoryUsage();
      send({ type: "rss", rss: usage.rss, heapUsed: usage.heapUsed });
      break;
    }
    case "cpu": {
      const usage = process.cpuUsage();
      send({ type: "cpu", micros: usage.user + usage.system, user: usage.user, system: usage.system, at: performance.now() + performance.timeOrigin });
      break;
    }
    case "profile-start":
      profiler.connect();
      profiler
        .post("Profiler.enable")
        .then(() => profiler.post("Profiler.start"))
        .then(() => send({ type: "profiling" }), fail);
      break;
    case "profile-stop":
      profiler
        .post("Profiler.stop")
        .then(({ profile }) => {
          writeFileSync(message.path, JSON.stringify(profile));
          profiler.disconnect();
          send({ type: "profiled" });
        }, fail);
      break;
    case "paced-stats":
      if (paced === undefined) fail(new Error("paced-stats: not the paced server"));
      else send({ type: "paced-stats", ...paced.pacedStats(message.reset) });
      break;
    case "stop":
      void (app?.close() ?? Promise.resolve()).finally(() => process.exit(0));
      // A stream that never ends would keep close() waiting.
      setTimeout(() => process.exit(0), 3000).unref();
      break;
  }
});
process.on("disconnect", () => process.exit(0));

function fail(err: unknown): void {
  process.stderr.write(`${which} server failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
}

send({ type: "hello" });
if (which !== "baseline") start().catch(fail);
