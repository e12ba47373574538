/**
 * The second baseline of the LangChain.js serving benchmark (issue 13): how a team without
 * chainserve serves a `@langchain/core` chain — a hand-written Fastify route that calls the
 * same chain's `stream()` (`chains/lc-chat.ts`, the chain `/lc/chat` mounts) and writes each
 * chunk as an SSE `data` frame with `JSON.stringify`, then `event: end`. It validates nothing
 * but the JSON body, and aborts the chain when the client leaves.
 */
import Fastify, { type FastifyInstance } from "fastify";

/** Frames as chainserve writes them (CRLF), so the bytes per frame are alike. */
const END = "event: end\r\n\r\n";

/**
 * The hand-written app (not listening): `POST /lc/chat/stream` only.
 * @example
 * const app = await createLangChainHandwrittenApp();
 */
export async function createLangChainHandwrittenApp(): Promise<FastifyInstance> {
  const { lcChat } = await import("../chains/lc-chat.js");
  const app = Fastify();
  app.post("/lc/chat/stream", async (request, reply) => {
    const input = (request.body as { input?: unknown } | null)?.input;
    if (typeof input !== "object" || input === null) return reply.code(422).send({ detail: "input must be an object" });
    const controller = new AbortController();
    reply.raw.on("close", () => controller.abort());
    reply.hijack();
    reply.raw.writeHead(200, { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache" });
    try {
      for await (const chunk of await lcChat.stream(input as { topic: string }, { signal: controller.signal })) {
        reply.raw.write(`event: data\r\ndata: ${JSON.stringify(chunk)}\r\n\r\n`);
      }
      reply.raw.end(END);
    } catch (error) {
      reply.raw.end(`event: error\r\ndata: ${JSON.stringify({ message: error instanceof Error ? error.message : String(error) })}\r\n\r\n`);
    }
    return reply;
  });
  return app;
}
