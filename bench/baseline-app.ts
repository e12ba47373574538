/**
 * The ceiling the server benchmark compares against: bare Fastify 5 routes that replay,
 * byte for byte, a response chainserve gave once for the same request (same status, the
 * headers that matter, the same body bytes). JSON bodies go through `reply.send`, as a
 * hand-written handler would. SSE bodies go to the raw response with chunked framing, by
 * default one `write()` per frame, all in the same tick — "the same frames written straight
 * to the socket", the hand-written handler of issue #5 and reference-chains.md (~14,000
 * req/s there for the 17 `/chat/stream` frames). `one-write` sends the whole body in a single
 * write instead: the bare cost of moving the bytes, which no server producing frames one by
 * one can approach (for orientation, not the target's yardstick).
 */
import Fastify, { type FastifyInstance } from "fastify";

/** One response to replay, as captured from the server under test. */
export interface CapturedRoute {
  method: "POST" | "GET";
  path: string;
  status: number;
  /** Response headers to send again (lower-case names). */
  headers: Record<string, string>;
  /** The body bytes, base64. */
  body: string;
}

/** Headers Node/Fastify write per response, or that describe framing rather than content. */
export const VOLATILE_HEADERS = new Set(["date", "content-length", "transfer-encoding", "keep-alive", "connection"]);

/** How the baseline writes an SSE body. */
export type SseFraming = "per-frame" | "one-write";

/** Split an SSE body after each blank line (CRLF or LF), keeping the separators. */
export function splitFrames(body: Buffer): Buffer[] {
  const text = body.toString("latin1");
  const frames: Buffer[] = [];
  const boundary = /\r\n\r\n|\n\n/g;
  let start = 0;
  for (let m = boundary.exec(text); m !== null; m = boundary.exec(text)) {
    const end = m.index + m[0].length;
    frames.push(body.subarray(start, end));
    start = end;
  }
  if (start < body.length) frames.push(body.subarray(start));
  return frames;
}

/** Build the replay app (not listening). */
export function buildBaselineApp(routes: readonly CapturedRoute[], sseFraming: SseFraming = "per-frame"): FastifyInstance {
  const app = Fastify({ logger: false });
  for (const route of routes) {
    const body = Buffer.from(route.body, "base64");
    const frames = splitFrames(body);
    const headers = Object.fromEntries(Object.entries(route.headers).filter(([name]) => !VOLATILE_HEADERS.has(name)));
    const isSse = (route.headers["content-type"] ?? "").startsWith("text/event-stream");
    app.route({
      method: route.method,
      url: route.path,
      handler: !isSse
        ? (_request, reply) => reply.code(route.status).headers(headers).send(body)
        : sseFraming === "one-write"
          ? (_request, reply) => {
              reply.hijack();
              reply.raw.writeHead(route.status, headers);
              reply.raw.end(body);
            }
          : (_request, reply) => {
              reply.hijack();
              const raw = reply.raw;
              raw.writeHead(route.status, headers);
              for (const frame of frames) raw.write(frame);
              raw.end();
            },
    });
  }
  return app;
}
