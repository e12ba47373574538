/**
 * What the server observes of each run request, for the run-end log line, metrics and span
 * ends. One {@link RouteProbe} per mounted endpoint (made at boot, shared by the endpoint's
 * `/c/{config_hash}/…` twin, so config hashes fold into one series) and one {@link RunProbe}
 * per request, made by a route-level `onRequest` hook in callback style and finished by the
 * response's `close` event (which fires for finished and for cut responses alike; Fastify's
 * `onResponse` misses a client that left). Both listeners are shared functions: nothing is
 * closed over per request.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from "fastify";
import type { ErrorCode } from "../../core/errors.js";
import type { EndpointName, ResolvedOptions } from "../options.js";
import { ensureState, type ChainserveState } from "../plugin.js";
import { logRunEnd } from "./run-log.js";
import { tallyItem, tallyOutput, type TokenTally } from "./tokens.js";

/** How a run request ended. */
export type RunOutcome = "ok" | "error" | "disconnected";

/** A finished run request, as observers see it (read-only, valid during the call only). */
export interface RunRecord {
  /** The mount path (`"/"` for a root mount). */
  readonly chain: string;
  /** The endpoint (config-hash twins included). */
  readonly endpoint: EndpointName;
  /** The run id (the first one of a batch); undefined when the request failed before its config was built. */
  readonly runId: string | undefined;
  /** HTTP status sent; 499 when the client left before the status line was sent. */
  readonly status: number;
  /** Error code: the JSON error's, the SSE `error` frame's, or ABORTED for a client that left. */
  readonly code: ErrorCode | undefined;
  /** How it ended. */
  readonly outcome: RunOutcome;
  /**
   * Whether the run was stopped through its abort signal: it failed with ABORTED, or it was a
   * stream the server stopped because the client left.
   */
  readonly cancelled: boolean;
  /** From the request's arrival to the response's end, in milliseconds. */
  readonly durationMs: number;
  /** Streams: from the request's arrival to the first data frame, in ms (undefined when none was sent). */
  readonly firstChunkMs: number | undefined;
  /** Streams: items streamed (chunks, patches or events). */
  readonly chunks: number;
  /** Output tokens: summed `usage_metadata.output_tokens` when the model reported any, else counted chunks. */
  readonly tokens: number | undefined;
  /** Where {@link tokens} came from. */
  readonly tokenSource: "usage" | "chunks" | undefined;
  /** The Fastify request (its logger, its parsed body). */
  readonly request: FastifyRequest;
  /** The invoke / batch output, kept only when the mount's `runLog.output` asks for it. */
  readonly output: unknown;
}

/** Receives every finished run request of an app. Synchronous; must not throw. */
export interface RunObserver {
  runEnded(record: RunRecord, route: RouteProbe): void;
}

/** Per-app registry of observers and endpoint probes. */
export interface ObservabilityHub {
  readonly observers: RunObserver[];
  readonly routes: RouteProbe[];
}

const hubs = new WeakMap<ChainserveState, ObservabilityHub>();

/** @internal The hub of `app`'s chainserve state (created on first use). */
export function hubOf(app: FastifyInstance): ObservabilityHub {
  const state = ensureState(app);
  let hub = hubs.get(state);
  if (hub === undefined) {
    hub = { observers: [], routes: [] };
    hubs.set(state, hub);
  }
  return hub;
}

/** One endpoint of one mount: its labels and its live counts. */
export class RouteProbe {
  /** Requests in flight on this endpoint. */
  inFlight = 0;
  /** Streams open (headers sent, not yet ended) on this endpoint. */
  streaming = 0;
  /** Per-route series handles cached by observers (e.g. metrics children by status). */
  readonly cache = new Map<unknown, unknown>();

  constructor(
    readonly hub: ObservabilityHub,
    readonly mount: ResolvedOptions,
    readonly chain: string,
    readonly endpoint: EndpointName,
  ) {}
}

const PROBE: unique symbol = Symbol("chainserve.runProbe");
type ProbedMessage = IncomingMessage & { [PROBE]?: RunProbe };

/** One run request in flight. Fields are written by the server code that sees them. */
export class RunProbe implements RunRecord, TokenTally {
  readonly start: number;
  runId: string | undefined = undefined;
  status = 0;
  code: ErrorCode | undefined = undefined;
  outcome: RunOutcome = "ok";
  cancelled = false;
  durationMs = 0;
  firstChunkMs: number | undefined = undefined;
  chunks = 0;
  usageTokens = 0;
  usageSeen = false;
  countedTokens = 0;
  output: unknown = undefined;
  streamOpen = false;
  /** Called with the outcome when the response is over (ends spans still open). */
  closers: ((probe: RunProbe) => void)[] | undefined = undefined;

  constructor(
    readonly route: RouteProbe,
    readonly request: FastifyRequest,
  ) {
    this.start = performance.now();
  }

  get chain(): string {
    return this.route.chain;
  }

  get endpoint(): EndpointName {
    return this.route.endpoint;
  }

  get tokens(): number | undefined {
    if (this.usageSeen) return this.usageTokens;
    return this.countedTokens > 0 || this.chunks > 0 ? this.countedTokens : undefined;
  }

  get tokenSource(): "usage" | "chunks" | undefined {
    if (this.usageSeen) return "usage";
    return this.countedTokens > 0 || this.chunks > 0 ? "chunks" : undefined;
  }
}

function onRunRequest(this: RouteProbe, request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction): void {
  const probe = new RunProbe(this, request);
  (request.raw as ProbedMessage)[PROBE] = probe;
  this.inFlight++;
  reply.raw.on("close", onResponseClose);
  done();
}

function onResponseClose(this: ServerResponse): void {
  const probe = (this.req as ProbedMessage | undefined)?.[PROBE];
  if (probe === undefined) return;
  const route = probe.route;
  route.inFlight--;
  const streaming = probe.streamOpen;
  if (streaming) {
    probe.streamOpen = false;
    route.streaming--;
  }
  probe.durationMs = performance.now() - probe.start;
  if (!this.writableFinished) {
    probe.outcome = "disconnected";
    if (!this.headersSent) probe.status = 499;
    // sse-stream.ts aborts the run of a stream whose client left.
    if (streaming && probe.code === undefined) probe.cancelled = true;
  } else if (probe.code !== undefined) {
    probe.outcome = "error";
  }
  if (probe.code === "ABORTED") probe.cancelled = true;
  if (probe.status === 0) probe.status = this.statusCode;
  if (probe.closers !== undefined) for (const close of probe.closers) close(probe);
  for (const observer of route.hub.observers) observer.runEnded(probe, route);
  logRunEnd(probe, route.mount.runLog);
}

/**
 * @internal The `onRequest` hook of one endpoint of `mount` (undefined for the schema
 * endpoints, which run nothing).
 */
export function runProbeHook(app: FastifyInstance, mount: ResolvedOptions, endpoint: EndpointName) {
  if (endpoint.endsWith("_schema")) return undefined;
  const hub = hubOf(app);
  const route = new RouteProbe(hub, mount, mount.fullPath === "" ? "/" : mount.fullPath, endpoint);
  hub.routes.push(route);
  return onRunRequest.bind(route);
}

/** @internal The probe of `request`, when its route has one. */
export function probeOf(request: FastifyRequest): RunProbe | undefined {
  return (request.raw as ProbedMessage)[PROBE];
}

/** @internal Records the error code sent for `reply`'s request. */
export function noteErrorCode(reply: FastifyReply, code: ErrorCode): void {
  const probe = (reply.request.raw as ProbedMessage)[PROBE];
  if (probe !== undefined) probe.code = code;
}

/** @internal Records an invoke / batch output (token usage; the output itself when logged). */
export function noteOutput(request: FastifyRequest, output: unknown, batch: boolean): void {
  const probe = (request.raw as ProbedMessage)[PROBE];
  if (probe === undefined) return;
  if (batch) for (const item of output as unknown[]) tallyOutput(probe, item);
  else tallyOutput(probe, output);
  if (probe.route.mount.runLog.output) probe.output = output;
}

/** @internal Marks the stream open (headers sent). */
export function noteStreamOpen(probe: RunProbe | undefined): void {
  if (probe === undefined) return;
  probe.streamOpen = true;
  probe.route.streaming++;
}

/** @internal Records one streamed item (the first one's time, tokens). */
export function noteStreamItem(probe: RunProbe | undefined, item: unknown): void {
  if (probe === undefined) return;
  if (probe.chunks === 0) probe.firstChunkMs = performance.now() - probe.start;
  probe.chunks++;
  tallyItem(probe, probe.route.endpoint, item);
}

/** @internal Registers `observer` on `app` (the app the chains are, or will be, mounted on). */
export function addRunObserver(app: FastifyInstance, observer: RunObserver): void {
  hubOf(app).observers.push(observer);
}
