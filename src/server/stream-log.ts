/**
 * `POST {path}/stream_log`: the run log as JSON-patch `{"ops": […]}` events. Always patches:
 * the client's `diff` is ignored, as in LangServe (the Python client sends true, the JS one false,
 * and both expect patches).
 */
import type { FastifyReply, FastifyRequest } from "fastify";
import type { StreamLogOptions } from "../core/index.js";
import type { ResolvedOptions } from "./options.js";
import { prepareSingle, replyPrepareError, watchDisconnect } from "./prepare.js";
import { streamSse } from "./sse-stream.js";
import { createFrameEncoder } from "./stream.js";
import { parseStreamFilters, type StreamFilterOptions } from "./validate.js";

function createPatchEncoder(): (patch: unknown) => string {
  const encode = createFrameEncoder();
  // Only `ops` is wire data; a patch object may carry more (methods, state).
  return (patch) => encode({ ops: (patch as { ops?: unknown }).ops ?? [] });
}

/** The stream_log handler for `mount`. */
export function streamLogHandler(mount: ResolvedOptions) {
  return async function streamLog(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> {
    const controller = watchDisconnect(reply);
    let prepared: Awaited<ReturnType<typeof prepareSingle>>;
    let filters: StreamFilterOptions;
    try {
      prepared = await prepareSingle(request, mount, "stream_log", controller.signal);
      filters = parseStreamFilters(prepared.body);
    } catch (error) {
      return replyPrepareError(request, reply, error, mount);
    }
    const { input, config } = prepared;
    const options: StreamLogOptions = { ...filters, diff: true };
    await streamSse({
      request,
      reply,
      mount,
      endpoint: "stream_log",
      runId: config.runId,
      source: () => mount.runnable.streamLog(input, config, options as StreamLogOptions & { diff: true }),
      encode: createPatchEncoder(),
    });
    return undefined;
  };
}
