/**
 * `POST {path}/stream`: one `data` event per output chunk, preceded (just before the first
 * chunk) by `metadata` `{"run_id": …}`, ended by `end` (langserve-protocol.md §4.5–§4.6).
 */
import type { FastifyReply, FastifyRequest } from "fastify";
import { toLangServe } from "../serde/lc-json.js";
import { encodeDataFrame, encodeMetadataFrame } from "../serde/sse.js";
import type { ResolvedOptions } from "./options.js";
import { prepareSingle, replyPrepareError, watchDisconnect, type PreparedRun } from "./prepare.js";
import { streamSse } from "./sse-stream.js";

/** Encodes one chunk (or log patch, or event) as a `data` frame; `undefined` is `null`. */
export function encodeChunk(chunk: unknown): string {
  return encodeDataFrame(typeof chunk === "string" ? JSON.stringify(chunk) : (JSON.stringify(toLangServe(chunk)) ?? "null"));
}

/** The stream handler for `mount`. */
export function streamHandler(mount: ResolvedOptions) {
  return async function stream(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> {
    const controller = watchDisconnect(reply);
    let run: PreparedRun;
    try {
      run = await prepareSingle(request, mount, "stream", controller.signal);
    } catch (error) {
      return replyPrepareError(request, reply, error, mount);
    }
    const { input, config } = run;
    await streamSse({
      request,
      reply,
      mount,
      endpoint: "stream",
      runId: config.runId,
      source: () => mount.runnable._streamIterator(input, config),
      encode: encodeChunk,
      firstFrame: encodeMetadataFrame(config.runId),
    });
    return undefined;
  };
}
