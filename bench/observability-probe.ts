/**
 * The probe path alone, in process, for instruction counts: `node --single-threaded` under
 * `valgrind --tool=callgrind`, run twice per variant with two counts; the difference divided by
 * the difference in counts is what one run request costs, start-up excluded. Each iteration
 * makes a real `IncomingMessage` / `ServerResponse` pair and emits the response's `close`;
 * variants add: `probe` (the route's onRequest hook, an output note, the close handler), `metrics`
 * (plus the prom-client observer), `log` (plus the run-end line into a discarding pino logger),
 * `objects` (nothing: the floor). `tsx bench/observability-probe.ts <variant> <count>`; timing
 * this on a shared machine means nothing, hence instructions.
 */
import { IncomingMessage, ServerResponse } from "node:http";
import { Socket } from "node:net";
import { Writable } from "node:stream";
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from "fastify";
import { pino } from "pino";
import { RunnableLambda } from "../src/index.js";
import { addRoutes, chainserveMetrics } from "../src/server/index.js";
import { noteOutput, runProbeHook } from "../src/server/observability/run-probe.js";
import { resolveOptions } from "../src/server/options.js";

type Hook = (request: FastifyRequest, reply: FastifyReply, done: () => void) => void;

const variant = process.argv[2] ?? "probe";
const count = Number(process.argv[3] ?? 10_000);
const log = variant === "log" ? pino({ level: "info" }, new Writable({ write: (_c, _e, done) => done() })) : pino({ level: "silent" });

async function hookFor(): Promise<Hook | undefined> {
  if (variant === "objects") return undefined;
  const app = Fastify() as unknown as FastifyInstance;
  if (variant === "metrics" || variant === "log") await chainserveMetrics(app, { path: false });
  await addRoutes(app, RunnableLambda.from((x: unknown) => x), { path: "/x" });
  const mount = resolveOptions(RunnableLambda.from((x: unknown) => x), { path: "/echo", runLog: variant === "log" ? undefined : false }, "");
  return runProbeHook(app, mount, "invoke") as Hook;
}

const socket = new Socket();
const done = (): void => undefined;
const hook = await hookFor();

function once(): void {
  const raw = new IncomingMessage(socket);
  const res = new ServerResponse(raw);
  const request = { raw, log, body: undefined } as unknown as FastifyRequest;
  const reply = { raw: res, request } as unknown as FastifyReply;
  if (hook !== undefined) {
    hook(request, reply, done);
    noteOutput(request, 1, false);
  }
  res.emit("close");
}

for (let i = 0; i < 2000; i++) once(); // warm-up, in both counts
for (let i = 0; i < count; i++) once();
process.stdout.write(`${variant}: ${count} requests\n`);
