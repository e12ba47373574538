/**
 * `POST {path}/stream_events`: one `data` event per stream event, in the version the server
 * chose (the client's is ignored), with every metadata key starting with `__` removed (§4.8).
 */
import type { FastifyReply, FastifyRequest } from "fastify";
import type { ResolvedOptions } from "./options.js";
import { prepareSingle, replyPrepareError, watchDisconnect } from "./prepare.js";
import { streamSse } from "./sse-stream.js";
import { createFrameEncoder } from "./stream.js";
import { parseStreamFilters, type StreamFilterOptions } from "./validate.js";

/** Returns `event` without `__`-prefixed metadata keys (the same object when it has none). */
export function stripServerMetadata(event: unknown): unknown {
  const metadata = (event as { metadata?: unknown } | null)?.metadata;
  if (typeof metadata !== "object" || metadata === null) return event;
  const keys = Object.keys(metadata);
  if (!keys.some((k) => k.startsWith("__"))) return event;
  const kept: Record<string, unknown> = {};
  for (const key of keys) if (!key.startsWith("__")) kept[key] = (metadata as Record<string, unknown>)[key];
  return { ...(event as object), metadata: kept };
}

function createEventEncoder(): (event: unknown) => string {
  const encode = createFrameEncoder();
  return (event) => encode(stripServerMetadata(event));
}

/** The stream_events handler for `mount`. */
export function streamEventsHandler(mount: ResolvedOptions) {
  return async function streamEvents(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> {
    const controller = watchDisconnect(reply);
    let prepared: Awaited<ReturnType<typeof prepareSingle>>;
    let filters: StreamFilterOptions;
    try {
      prepared = await prepareSingle(request, mount, "stream_events", controller.signal);
      filters = parseStreamFilters(prepared.body);
    } catch (error) {
      return replyPrepareError(request, reply, error, mount);
    }
    const { input, config } = prepared;
    await streamSse({
      request,
      reply,
      mount,
      endpoint: "stream_events",
      runId: config.runId,
      source: () => mount.runnable.streamEvents(input, { ...config, version: mount.streamEventsVersion }, filters),
      encode: createEventEncoder(),
    });
    return undefined;
  };
}
