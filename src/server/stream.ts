/**
 * `POST {path}/stream`: one `data` event per output chunk, preceded (just before the first
 * chunk) by `metadata` `{"run_id": …}`, ended by `end` (langserve-protocol.md §4.5–§4.6).
 */
import type { FastifyReply, FastifyRequest } from "fastify";
import { encodeDataFrame, encodeMetadataFrame } from "../serde/sse.js";
import type { ResolvedOptions } from "./options.js";
import { prepareSingle, replyPrepareError, watchDisconnect, type PreparedRun } from "./prepare.js";
import { createChunkEncoder } from "./chunk-json.js";
import { streamSse } from "./sse-stream.js";

/**
 * A frame encoder for one stream: each chunk (or log patch, or event) as a `data` frame of
 * its LangServe JSON; `undefined` is `null`. Per stream, because the JSON encoder remembers
 * the last messages it wrote (see chunk-json.ts).
 */
export function createFrameEncoder(): (chunk: unknown) => string {
  const toJson = createChunkEncoder();
  return (chunk) => encodeDataFrame(toJson(chunk));
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
      encode: createFrameEncoder(),
      firstFrame: encodeMetadataFrame(config.runId),
    });
    return undefined;
  };
}
