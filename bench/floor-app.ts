/**
 * The encode-only floor of the streaming scenarios (`npm run bench:floor`): the example app,
 * except that `/chat/stream`, `/chat/stream_log`, `/chat/stream_events` and `/rag/stream`
 * skip validation, the run and its tracing, and send items made once at start-up through the
 * same encoders and {@link SseWriter} as the real endpoints. Against the baseline it shows how
 * near the ceiling a server could come that did nothing but encode and write the answer, so
 * how much room the targets leave for the rest: handling the request, running the chain,
 * tracing it.
 *
 * A floor, not a twin: the items are the same objects on every request (strings a previous
 * write flattened stay flat), and their run ids and times are fixed.
 */
import type { FastifyInstance } from "fastify";
import { chat } from "../chains/chat.js";
import { rag } from "../chains/rag.js";
import { createDataFrameEncoder, isAscii, nonAsciiCount } from "../src/server/chunk-json.js";
import { SseWriter } from "../src/server/sse-writer.js";
import { createEventEncoder } from "../src/server/stream-events.js";
import { encodeMetadataFrame, SSE_END_FRAME } from "../src/serde/sse.js";
import type { RunnableConfig } from "../src/index.js";
import { createChainserveApp } from "./chainserve-app.js";

/** One floor route: its items, their encoder, and the frame sent before them. */
interface FloorRoute {
  items: unknown[];
  encoder: () => (item: unknown) => string;
  firstFrame: string;
}

const RUN_ID = "00000000-0000-4000-8000-000000000000";

/** The config the server would give the run (its name and `__` metadata), minus the signal. */
function serverConfig(path: string, endpoint: string): RunnableConfig {
  return {
    runName: path,
    runId: RUN_ID,
    metadata: { __useragent: "floor", __langserve_version: "0.1.0", __langserve_endpoint: endpoint },
  };
}

async function collect(items: AsyncIterable<unknown>, map: (item: unknown) => unknown = (item) => item): Promise<unknown[]> {
  const out: unknown[] = [];
  for await (const item of items) out.push(map(item));
  return out;
}

async function floorRoutes(): Promise<Map<string, FloorRoute>> {
  const topic = { topic: "bears" };
  const question = "where did harrison work?";
  return new Map<string, FloorRoute>([
    ["/chat/stream", { items: await collect(await chat.stream(topic, serverConfig("/chat", "stream"))), encoder: createDataFrameEncoder, firstFrame: encodeMetadataFrame(RUN_ID) }],
    [
      "/chat/stream_log",
      {
        // The server encodes a patch's ops only (stream-log.ts).
        items: await collect(chat.streamLog(topic, serverConfig("/chat", "stream_log")), (patch) => ({ ops: (patch as { ops: unknown }).ops })),
        encoder: createDataFrameEncoder,
        firstFrame: "",
      },
    ],
    ["/chat/stream_events", { items: await collect(chat.streamEvents(topic, Object.assign(serverConfig("/chat", "stream_events"), { version: "v2" as const }))), encoder: createEventEncoder, firstFrame: "" }],
    ["/rag/stream", { items: await collect(await rag.stream(question, serverConfig("/rag", "stream"))), encoder: createDataFrameEncoder, firstFrame: encodeMetadataFrame(RUN_ID) }],
  ]);
}

const SSE_HEADERS = { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache", "x-accel-buffering": "no" };

/** The example app with the floor routes answered before their handlers run (not listening). */
export async function createFloorApp(): Promise<FastifyInstance> {
  const app = await createChainserveApp();
  const routes = await floorRoutes();
  app.addHook("preHandler", async (request, reply) => {
    const route = routes.get(request.url);
    if (route === undefined) return;
    reply.hijack();
    const writer = new SseWriter(reply.raw, { pingIntervalMs: 0 });
    writer.open(200, SSE_HEADERS);
    const encode = route.encoder();
    const before = nonAsciiCount();
    let frames = route.firstFrame;
    for (const item of route.items) frames += encode(item);
    writer.write(frames, isAscii(route.firstFrame) && nonAsciiCount() === before);
    writer.end(SSE_END_FRAME, true);
  });
  return app;
}
