/**
 * The shape every streaming endpoint shares: watch for a disconnect, validate everything
 * (a 4xx before any SSE byte), then stream what `source` yields as SSE frames.
 */
import type { FastifyReply, FastifyRequest } from "fastify";
import { ChainserveError } from "../core/errors.js";
import type { MountGuard } from "./mount-guard.js";
import type { EndpointName, ResolvedOptions } from "./options.js";
import { prepareSingle, replyPrepareError, type PreparedRun } from "./prepare.js";
import { streamSse } from "./sse-stream.js";
import { parseStreamFilters, type StreamFilterOptions } from "./validate.js";

/** What distinguishes one streaming endpoint from another. */
export interface SseEndpoint {
  /** The endpoint name (logs, `__langserve_endpoint`). */
  endpoint: EndpointName;
  /** Whether the body carries stream_log/stream_events filters (validated after the input). */
  filters: boolean;
  /** The run's output stream. */
  source(run: PreparedRun, filters: StreamFilterOptions): AsyncIterator<unknown>;
  /** A fresh frame encoder for one response (encoders keep per-stream caches). */
  encoder(): (item: unknown) => string;
  /** A frame sent just before the first data frame (the `/stream` metadata event). */
  firstFrame?(run: PreparedRun): string;
}

/** A Fastify handler for one streaming endpoint of `mount`; `guard` admits its runs. */
export function sseHandler(mount: ResolvedOptions, guard: MountGuard, spec: SseEndpoint) {
  return async function stream(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> {
    const scope = guard.open(reply, spec.endpoint);
    const signal = scope.signal;
    let run: PreparedRun;
    let filters: StreamFilterOptions = {};
    try {
      const prepared = prepareSingle(request, mount, spec.endpoint, signal);
      run = prepared instanceof Promise ? await prepared : prepared;
      if (spec.filters) filters = parseStreamFilters(run.body);
      const admitted = guard.admit(scope, reply, spec.endpoint);
      if (admitted !== undefined) await admitted;
    } catch (error) {
      return replyPrepareError(request, reply, error, mount);
    }
    const prepared = run;
    if (scope.stopped !== undefined) return undefined;
    await streamSse({
      request,
      reply,
      mount,
      scope,
      endpoint: spec.endpoint,
      runId: prepared.config.runId,
      source: () => spec.source(prepared, filters),
      encode: spec.encoder(),
      abort: () => signal.abort(new ChainserveError("ABORTED", "The stream stopped before the run finished")),
      firstFrame: spec.firstFrame?.(prepared),
    });
    return undefined;
  };
}
