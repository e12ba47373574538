/**
 * OpenTelemetry spans for served runs, through `@opentelemetry/api` only: one span per run
 * (a batch item is a run) and one per model call, with the GenAI semantic-convention
 * attributes. Nothing happens unless the app registered a tracer provider (an SDK): the check
 * is one property read per run, and no run is traced for it. With a provider, the run's config
 * gets an observing listener (core/tracing/observer.ts), so the core reports every nested run,
 * as it does for stream_log; streamLog / streamEvents keep it beside their own.
 */
import { context, ProxyTracerProvider, SpanKind, SpanStatusCode, trace, type Attributes, type Span, type Tracer } from "@opentelemetry/api";
import { RUN_CONTEXT, type RunnableConfig } from "../../core/config.js";
import { AIMessage, AIMessageChunk } from "../../core/messages/ai.js";
import type { ObservingListener } from "../../core/tracing/observer.js";
import type { Run } from "../../core/tracing/run.js";
import { toHttpError } from "../error-mapper.js";
import type { EndpointName, ResolvedOptions } from "../options.js";
import type { RunProbe } from "./run-probe.js";

const NOOP_PROVIDER = new ProxyTracerProvider().getDelegate();
let tracer: Tracer | undefined;

/** True when a tracer provider other than the API's no-op one is registered. */
export function tracingEnabled(): boolean {
  const provider = trace.getTracerProvider();
  return !(provider instanceof ProxyTracerProvider) || provider.getDelegate() !== NOOP_PROVIDER;
}

function getTracer(version: string): Tracer {
  // A ProxyTracer follows the global provider, so one is enough for the process.
  tracer ??= trace.getTracer("chainserve", version);
  return tracer;
}

const MODEL_RUNS = new Set(["chat_model", "llm"]);

/** Opens the model runs' (or every run's) spans under the server run's span. */
class SpanListener implements ObservingListener {
  readonly observing = true as const;
  readonly #spans = new Map<string, Span>();
  #root: Span | undefined;

  constructor(
    root: Span,
    private readonly all: boolean,
  ) {
    this.#root = root;
  }

  onStart(run: Run): void {
    if (run.parent === undefined) {
      // The first root run is the one the server started (a batch item has a listener of its own).
      if (this.#root !== undefined) {
        this.#root.setAttribute("chainserve.run_name", run.name);
        this.#spans.set(run.id, this.#root);
        this.#root = undefined;
      }
      return;
    }
    const model = MODEL_RUNS.has(run.runType);
    if (!model && !this.all) return;
    const parent = this.parentSpan(run);
    if (parent === undefined) return;
    const ctx = trace.setSpan(context.active(), parent);
    if (!model) {
      this.#spans.set(run.id, getTracer("").startSpan(run.name, { attributes: { "chainserve.run_type": run.runType } }, ctx));
      return;
    }
    const operation = run.runType === "llm" ? "text_completion" : "chat";
    const requestModel = stringOr(run.metadata.ls_model_name, run.name);
    const attributes: Attributes = { "gen_ai.operation.name": operation, "gen_ai.request.model": requestModel };
    const provider = run.metadata.ls_provider;
    if (typeof provider === "string") {
      attributes["gen_ai.system"] = provider;
      attributes["gen_ai.provider.name"] = provider;
    }
    const span = getTracer("").startSpan(`${operation} ${requestModel}`, { kind: SpanKind.CLIENT, attributes }, ctx);
    this.#spans.set(run.id, span);
  }

  onChunk(): void {}

  onCustomEvent(): void {}

  onEnd(run: Run, output: unknown): void {
    const span = this.#spans.get(run.id);
    if (span === undefined) return;
    this.#spans.delete(run.id);
    if (MODEL_RUNS.has(run.runType)) setResponseAttributes(span, output);
    span.end();
  }

  onError(run: Run, error: unknown): void {
    const span = this.#spans.get(run.id);
    if (span === undefined) return;
    this.#spans.delete(run.id);
    failSpan(span, error);
    span.end();
  }

  /** Ends what the run left open (a stream the client left, a run that never started). */
  close(probe: RunProbe): void {
    const open = this.#root === undefined ? [...this.#spans.values()] : [this.#root, ...this.#spans.values()];
    this.#spans.clear();
    this.#root = undefined;
    for (const span of open) {
      if (probe.code !== undefined) {
        span.setAttribute("chainserve.error_code", probe.code);
        span.setStatus({ code: SpanStatusCode.ERROR, message: probe.code });
      }
      span.end();
    }
  }

  private parentSpan(run: Run): Span | undefined {
    for (let parent = run.parent; parent !== undefined; parent = parent.parent) {
      const span = this.#spans.get(parent.id);
      if (span !== undefined) return span;
    }
    return undefined;
  }
}

function stringOr(value: unknown, fallback: string): string {
  return typeof value === "string" && value !== "" ? value : fallback;
}

function setResponseAttributes(span: Span, output: unknown): void {
  if (!(output instanceof AIMessage) && !(output instanceof AIMessageChunk)) return;
  const usage = output.usage_metadata;
  if (usage !== undefined) {
    span.setAttribute("gen_ai.usage.input_tokens", usage.input_tokens);
    span.setAttribute("gen_ai.usage.output_tokens", usage.output_tokens);
  }
  const metadata = output.response_metadata;
  const finish = metadata.finish_reason ?? metadata.stop_reason;
  if (typeof finish === "string") span.setAttribute("gen_ai.response.finish_reasons", [finish]);
  if (typeof metadata.model_name === "string") span.setAttribute("gen_ai.response.model", metadata.model_name);
}

function failSpan(span: Span, error: unknown): void {
  const code = toHttpError(error).code;
  span.setAttribute("chainserve.error_code", code);
  span.setAttribute("error.type", code);
  if (error instanceof Error) span.recordException(error);
  span.setStatus({ code: SpanStatusCode.ERROR, message: code });
}

/**
 * Called once per run config the server builds (stampConfig): records the run id for the
 * run-end line and, when tracing is on, opens the run's span and attaches the listener.
 */
export function observeRun(config: RunnableConfig & { runId: string }, probe: RunProbe | undefined, mount: ResolvedOptions, endpoint: EndpointName): void {
  if (probe !== undefined) probe.runId ??= config.runId;
  if (mount.tracing === false || !tracingEnabled()) return;
  const span = getTracer(mount.serverVersion).startSpan(`chain ${mount.fullPath === "" ? "/" : mount.fullPath}`, {
    attributes: { "chainserve.chain": mount.fullPath === "" ? "/" : mount.fullPath, "chainserve.endpoint": endpoint, "chainserve.run_id": config.runId },
  });
  // A sampler that drops the run: no listener, so the run stays untraced (and cheap).
  if (!span.isRecording()) {
    span.end();
    return;
  }
  const listener = new SpanListener(span, mount.tracing === "all");
  config[RUN_CONTEXT] = { listener, parent: undefined, tag: undefined };
  if (probe !== undefined) (probe.closers ??= []).push((p) => listener.close(p));
}
