/**
 * Client benchmark: the client-side cost per streamed event, chainserve's RemoteRunnable vs
 * LangChain.js 0.3's (`lc03/runnables/remote`), both reading the same pre-encoded LangServe
 * stream from a local `node:http` server (so server work is the same tiny `write` for both and
 * the difference is the client). Also measures the two choices behind the client: the SSE
 * parser (ours vs eventsource-parser) and the Node transport (undici `request` vs `fetch`).
 */
import { createServer, type Server } from "node:http";
import { createParser } from "eventsource-parser";
import { RemoteRunnable as LcRemoteRunnable } from "lc03/runnables/remote";
import { Agent, request } from "undici";
import { RemoteRunnable } from "../src/client/index.js";
import { SseDecoder } from "../src/serde/sse-parse.js";
import { compare, type MeasureOptions } from "./measure.js";

/** Events per streamed response. */
export const EVENTS = 1000;

/** Figures of one ours-vs-theirs comparison. */
export interface ClientCase {
  /** What is counted per second. */
  unit: string;
  ours: number;
  theirs: number;
  /** ours / theirs. */
  ratio: number;
}

const STRING_FRAME = 'event: data\r\ndata: "tok "\r\n\r\n';
const MESSAGE_FRAME = `event: data\r\ndata: ${JSON.stringify({
  content: "tok ",
  additional_kwargs: {},
  response_metadata: {},
  type: "AIMessageChunk",
  name: null,
  id: "run--d10c7a52-aa89-4734-a96b-581024e49d8b",
  example: false,
  tool_calls: [],
  invalid_tool_calls: [],
  usage_metadata: null,
  tool_call_chunks: [],
})}\r\n\r\n`;

function sseBody(frame: string): string {
  return `event: metadata\r\ndata: {"run_id": "00000000-0000-0000-0000-000000000001"}\r\n\r\n${frame.repeat(EVENTS)}event: end\r\n\r\n`;
}

async function startServer(): Promise<{ server: Server; base: string }> {
  const bodies: Record<string, Buffer> = { "/strings/stream": Buffer.from(sseBody(STRING_FRAME)), "/messages/stream": Buffer.from(sseBody(MESSAGE_FRAME)) };
  const invoke = Buffer.from('{"output":{"a":1},"metadata":{"run_id":"r","feedback_tokens":[]}}');
  const server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      const body = bodies[req.url ?? ""];
      if (body === undefined) res.writeHead(200, { "content-type": "application/json" }).end(invoke);
      else res.writeHead(200, { "content-type": "text/event-stream; charset=utf-8" }).end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  return { server, base: `http://127.0.0.1:${typeof address === "object" && address !== null ? address.port : 0}` };
}

async function count(iterable: AsyncIterable<unknown> | Promise<AsyncIterable<unknown>>): Promise<number> {
  let n = 0;
  for await (const _ of await iterable) n += 1;
  if (n !== EVENTS) throw new Error(`expected ${EVENTS} chunks, got ${n}`);
  return n;
}

function toCase(unit: string, result: { a: number; b: number }, scale: number): ClientCase {
  return { unit, ours: result.a * scale, theirs: result.b * scale, ratio: result.a / result.b };
}

async function streams(base: string, options: MeasureOptions): Promise<Record<string, ClientCase>> {
  const out: Record<string, ClientCase> = {};
  for (const kind of ["strings", "messages"] as const) {
    const ours = new RemoteRunnable({ url: `${base}/${kind}` });
    const theirs = new LcRemoteRunnable({ url: `${base}/${kind}` });
    const result = await compare(
      () => count(ours.stream(null)),
      () => count(theirs.stream(null)),
      options,
    );
    out[`stream_${kind}`] = toCase("events/s", result, EVENTS);
  }
  return out;
}

function sseParsers(options: MeasureOptions): Promise<ClientCase> {
  // One network chunk per frame, as uvicorn and chainserve write them.
  const pieces = sseBody(MESSAGE_FRAME).split(/(?<=\r\n\r\n)/);
  const ours = (): Promise<number> => {
    let n = 0;
    const decoder = new SseDecoder(() => void (n += 1));
    for (const piece of pieces) decoder.push(piece);
    decoder.end();
    return Promise.resolve(n);
  };
  const theirs = (): Promise<number> => {
    let n = 0;
    const parser = createParser({ onEvent: () => void (n += 1) });
    for (const piece of pieces) parser.feed(piece);
    return Promise.resolve(n);
  };
  return compare(ours, theirs, options).then((r) => toCase("events/s", r, pieces.length));
}

async function transports(base: string, options: MeasureOptions): Promise<ClientCase> {
  const agent = new Agent({ keepAliveTimeout: 30_000 });
  const body = JSON.stringify({ input: 1, config: {}, kwargs: {} });
  const headers = { "content-type": "application/json" };
  try {
    const result = await compare(
      async () => (await request(`${base}/x/invoke`, { method: "POST", headers, body, dispatcher: agent })).body.text(),
      async () => (await fetch(`${base}/x/invoke`, { method: "POST", headers, body })).text(),
      options,
    );
    return toCase("invokes/s", result, 1);
  } finally {
    await agent.close();
  }
}

/**
 * Run every case; `quick` shortens rounds. Prints one line per case and returns the figures.
 * @example
 * const figures = await runClientBench({ quick: true });
 */
export async function runClientBench(options: { quick?: boolean; log?: (line: string) => void } = {}): Promise<Record<string, ClientCase>> {
  const log = options.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  const measure: MeasureOptions = options.quick === true ? { warmupMs: 200, roundMs: 400, rounds: 3 } : { warmupMs: 500, roundMs: 1500, rounds: 5 };
  const { server, base } = await startServer();
  try {
    const figures: Record<string, ClientCase> = {
      ...(await streams(base, measure)),
      sse_parser: await sseParsers(measure),
      transport_invoke: await transports(base, measure),
    };
    const labels: Record<string, [string, string]> = {
      stream_strings: ["chainserve RemoteRunnable", "LangChain.js 0.3 RemoteRunnable"],
      stream_messages: ["chainserve RemoteRunnable", "LangChain.js 0.3 RemoteRunnable"],
      sse_parser: ["chainserve SseDecoder", "eventsource-parser"],
      transport_invoke: ["undici request + Agent", "fetch"],
    };
    for (const [name, c] of Object.entries(figures)) {
      const [a, b] = labels[name] ?? ["ours", "theirs"];
      log(`client ${name.padEnd(17)} ${a}: ${Math.round(c.ours).toLocaleString("en")} ${c.unit} | ${b}: ${Math.round(c.theirs).toLocaleString("en")} ${c.unit} | ×${c.ratio.toFixed(2)}`);
    }
    return figures;
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
}
