/**
 * The loop behind `/stream`, `/stream_log` and `/stream_events`: pull one item, encode it once,
 * queue its frame, and pull the next only when the socket can take more. Called after every
 * validation passed (so 4xx answers are plain JSON); from here on a failure is one `error`
 * event, after which the response ends cleanly (LangServe cut the connection instead, §4.4).
 */
import type { OutgoingHttpHeaders } from "node:http";
import type { FastifyReply, FastifyRequest } from "fastify";
import { isBuffered } from "../core/tracing/pump.js";
import { encodeErrorFrame, SSE_END_FRAME } from "../serde/sse.js";
import { logFailure, toHttpError } from "./error-mapper.js";
import type { EndpointName, ResolvedOptions } from "./options.js";
import type { RunScope } from "./run-scope.js";
import { SseWriter } from "./sse-writer.js";
import { isAscii, nonAsciiCount } from "./chunk-json.js";
import { noteStreamItem, noteStreamOpen, probeOf } from "./observability/run-probe.js";

/** What one SSE run needs. */
export interface SseRun {
  request: FastifyRequest;
  reply: FastifyReply;
  mount: ResolvedOptions;
  /** The admitted run: stopping it (timeout, drain deadline) ends the stream with one terminal frame. */
  scope: RunScope;
  endpoint: EndpointName;
  runId: string;
  /** Produces the items; its `return()` is called when the client goes away. */
  source: () => AsyncIterator<unknown>;
  /**
   * One item to one complete frame. Built on chunk-json's writers: a frame is sent as ASCII
   * when encoding it left {@link nonAsciiCount} unchanged.
   */
  encode: (item: unknown) => string;
  /** Sent just before the first frame (`/stream`'s metadata event). */
  firstFrame?: string;
  /**
   * Aborts the run's signal. Called when the loop stops before the source finished (the client
   * left, or encoding failed): the server's runs do not race their signal (config-pipeline.ts),
   * so this is what stops them.
   */
  abort: () => void;
}

const SSE_HEADERS: Readonly<OutgoingHttpHeaders> = {
  "content-type": "text/event-stream; charset=utf-8",
  "cache-control": "no-cache",
  "x-accel-buffering": "no",
};

function headersFor(reply: FastifyReply): OutgoingHttpHeaders {
  // Headers hooks put on the reply (CORS, request id) must reach the client too.
  // getHeaders() returns a fresh object: add to it rather than copying it again.
  const headers = Object.assign(reply.getHeaders() as OutgoingHttpHeaders, SSE_HEADERS);
  delete headers["content-length"];
  // No `connection` header of ours: Node writes `Connection: keep-alive` itself when the
  // client keeps the connection (as LangServe's head has it), `close` when it asked to close,
  // and nothing on HTTP/2, where connection headers are forbidden.
  return headers;
}

/** Streams `run.source()` as SSE frames; resolves when the response is over. Never throws. */
export async function streamSse(run: SseRun): Promise<void> {
  const { reply, request, mount } = run;
  const probe = probeOf(request); // observability: first chunk, chunks, tokens, error code
  const writer = new SseWriter(reply.raw, { pingIntervalMs: mount.pingIntervalMs });
  reply.hijack();
  try {
    writer.open(200, headersFor(reply));
    noteStreamOpen(probe);
  } catch (error) {
    // A header a hook set may be invalid; nothing was sent, and nothing sensible can be.
    logFailure(request, toHttpError(error), error, run.runId);
    reply.raw.destroy();
    run.scope.finish();
    return;
  }
  let iterator: AsyncIterator<unknown> | undefined;
  let done = false;
  let items = 0;
  let outcome = "completed";
  let stopped = false;
  // A stop ends the response here and now: the loop below may be parked in a run that ignores
  // its signal and never yields again, and the client must not wait for it.
  run.scope.onStop = (error) => {
    stopped = true;
    const frame = encodeErrorFrame(error.status, error.message, { code: error.code });
    writer.end(frame, isAscii(frame));
    iterator?.return?.()?.catch(() => undefined);
    request.log.info({ run_id: run.runId, endpoint: run.endpoint, items, outcome: error.code.toLowerCase() }, "stream stopped");
  };
  try {
    iterator = run.source();
    // stream_log / stream_events sources hold bursts of items already made (a tracer emits
    // several per chunk): those are taken at once rather than one promise round trip each.
    const buffered = isBuffered(iterator) ? iterator : undefined;
    while (true) {
      const result = await iterator.next();
      if (result.done === true) {
        done = true;
        break;
      }
      if (writer.closed || stopped) break;
      const before = nonAsciiCount();
      let frame = run.encode(result.value);
      let ascii = true;
      if (items === 0 && run.firstFrame !== undefined) {
        frame = run.firstFrame + frame;
        ascii = isAscii(run.firstFrame);
      }
      items++;
      noteStreamItem(probe, result.value);
      if (buffered !== undefined) {
        for (const item of buffered.takeBuffered()) {
          noteStreamItem(probe, item);
          frame += run.encode(item);
          items++;
        }
      }
      const ok = writer.write(frame, ascii && nonAsciiCount() === before);
      if (!ok) await writer.ready();
      if (writer.closed || stopped) break;
    }
    if (stopped) return;
    if (writer.closed) outcome = "disconnected";
    else writer.end(SSE_END_FRAME, true);
  } catch (error) {
    if (stopped) return;
    if (writer.closed) {
      outcome = "disconnected";
    } else {
      const http = toHttpError(error, mount.errorMapper);
      logFailure(request, http, error, run.runId);
      if (probe !== undefined) probe.code = http.code;
      const frame = encodeErrorFrame(http.status, http.message, { retryAfter: http.retryAfter });
      writer.end(frame, isAscii(frame));
      outcome = "error";
    }
  } finally {
    // Stop the producer without awaiting: a generator stuck in an await would hold us here.
    // (After it threw, return() is a no-op.)
    if (!done) {
      run.abort();
      iterator?.return?.()?.catch(() => undefined);
    }
    writer.end();
    run.scope.finish();
  }
  // The run-end line at info is observability/run-log.ts's.
  request.log.debug({ run_id: run.runId, endpoint: run.endpoint, items, outcome }, "stream finished");
}
