/**
 * Calls the chain with the project's own client: `invoke`, or `/stream_log`, whose run log
 * feeds both the output (the root run's streamed output) and the intermediate steps.
 */
import { RemoteRunnable, isAbortError, isRemoteRunnableError } from "../../src/client/index.js";
import type { RunnableConfig } from "../../src/client/index.js";
import { concat } from "../../src/core/concat.js";

/** One run of the log, as the steps panel shows it. */
export interface Step {
  id: string;
  name: string;
  type: string;
  /** Only when the server sends it: LangServe's stream_log wire carries no inputs. */
  inputs?: unknown;
  hasInputs: boolean;
  output: unknown;
  startTime?: string;
  endTime?: string;
  /** Milliseconds, when the run ended. */
  durationMs?: number;
}

/** What the page shows about the current call. */
export interface RunView {
  status: "idle" | "running" | "done" | "stopped" | "error";
  output?: unknown;
  steps: Step[];
  error?: string;
  /** How many updates arrived (a stream shows more than one). */
  updates: number;
}

interface LogEntry {
  id?: string;
  name?: string;
  type?: string;
  inputs?: unknown;
  start_time?: string;
  end_time?: string | null;
  streamed_output?: unknown[];
  final_output?: unknown;
}

interface LogState {
  streamed_output?: unknown[];
  final_output?: unknown;
  logs?: Record<string, LogEntry>;
}

function accumulate(streamed: unknown[] | undefined, final: unknown): unknown {
  if (final !== null && final !== undefined) return final;
  let out: unknown;
  for (const chunk of streamed ?? []) out = concat(out, chunk);
  return out;
}

function toStep(entry: LogEntry): Step {
  const step: Step = {
    id: entry.id ?? "",
    name: entry.name ?? "?",
    type: entry.type ?? "?",
    hasInputs: "inputs" in entry,
    output: accumulate(entry.streamed_output, entry.final_output),
  };
  if (step.hasInputs) step.inputs = entry.inputs;
  if (entry.start_time !== undefined) step.startTime = entry.start_time;
  if (typeof entry.end_time === "string") {
    step.endTime = entry.end_time;
    if (entry.start_time !== undefined) step.durationMs = Date.parse(entry.end_time) - Date.parse(entry.start_time);
  }
  return step;
}

/** A readable message for a failed call. */
export function describeError(error: unknown): string {
  if (isRemoteRunnableError(error)) return `${error.status ?? ""} ${error.code ?? ""}: ${error.message}`.trim();
  return error instanceof Error ? error.message : String(error);
}

/** Everything a call needs. */
export interface CallOptions {
  url: string;
  headers: () => Record<string, string>;
  input: unknown;
  /** Config keys set in the page (configurable, tags, …); the signal is added here. */
  config: Partial<RunnableConfig>;
  signal: AbortSignal;
  onUpdate: (view: RunView) => void;
}

function remoteFor(options: CallOptions): RemoteRunnable {
  // No idle timeout: a slow model may think for long; the Stop button ends a call.
  return new RemoteRunnable({ url: options.url, headers: options.headers, timeout: 0, streamIdleTimeout: 0 });
}

function configOf(options: CallOptions): Partial<RunnableConfig> {
  return { ...options.config, signal: options.signal };
}

async function settle(options: CallOptions, current: () => RunView, body: () => Promise<void>): Promise<RunView> {
  let view: RunView;
  try {
    await body();
    view = { ...current(), status: "done" };
  } catch (error) {
    view = isAbortError(error) || options.signal.aborted ? { ...current(), status: "stopped" } : { ...current(), status: "error", error: describeError(error) };
  }
  options.onUpdate(view);
  return view;
}

/** POST `/invoke`. */
export function invokeChain(options: CallOptions): Promise<RunView> {
  let view: RunView = { status: "running", steps: [], updates: 0 };
  options.onUpdate(view);
  return settle(options, () => view, async () => {
    const output = await remoteFor(options).invoke(options.input, configOf(options));
    view = { ...view, output, updates: 1 };
  });
}

/** POST `/stream_log`: the output and steps update with every patch. */
export function streamChain(options: CallOptions): Promise<RunView> {
  let view: RunView = { status: "running", steps: [], updates: 0 };
  options.onUpdate(view);
  return settle(options, () => view, async () => {
    const logs = remoteFor(options).streamLog(options.input, configOf(options), { diff: false });
    for await (const log of logs) {
      const state = log.state as LogState;
      view = {
        status: "running",
        output: accumulate(state.streamed_output, state.final_output),
        steps: Object.values(state.logs ?? {}).map(toStep),
        updates: view.updates + 1,
      };
      options.onUpdate(view);
    }
  });
}
