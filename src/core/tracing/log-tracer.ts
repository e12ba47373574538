/**
 * Turns run events into stream_log patches, in the form Python LangChain's
 * `astream_log` produces (and LangServe streams): one patch per event, root output
 * as `/final_output` diffs after every chunk.
 */
import { tryConcat } from "../concat.js";
import { diffOutput } from "./final-output-diff.js";
import type { RunFilter } from "./filters.js";
import type { StreamTracer, TracerContext } from "./pump.js";
import type { Run } from "./run.js";
import { RunLogPatch, type LogEntry, type Operation, type RunState } from "./run-log.js";
import { cloneValue, isoTime, logRunType, pointerSegment, textOf } from "./values.js";
import { isPlainObject } from "../utils/objects.js";

/** The `final_output` of a finished sub-run, in Python's standardized form. */
function standardOutput(run: Run, output: unknown, streamed: boolean): unknown {
  switch (run.runType) {
    case "prompt":
      return cloneValue(output);
    case "retriever":
      return { documents: cloneValue(output) };
    case "chat_model":
    case "llm":
      return {
        generations: [[generation(run, output, streamed)]],
        llm_output: null,
        run: null,
        type: "LLMResult",
      };
    case "chain":
    case "parser":
    case "tool":
      return isPlainObject(output) ? cloneValue(output) : { output: cloneValue(output) };
  }
}

function generation(run: Run, output: unknown, streamed: boolean): Record<string, unknown> {
  const text = textOf(output);
  if (run.runType === "llm") return { text, generation_info: null, type: streamed ? "GenerationChunk" : "Generation" };
  const isChunk = typeof (output as { concat?: unknown } | null)?.concat === "function";
  return { text, generation_info: null, type: isChunk ? "ChatGenerationChunk" : "ChatGeneration", message: output };
}

/** The paths of one sub-run's log entry, made once per run (not per streamed token). */
interface RunPaths {
  entry: string;
  streamedOutputStr: string;
  streamedOutput: string;
  finalOutput: string;
  endTime: string;
}

function runPaths(key: string): RunPaths {
  const entry = `/logs/${key}`;
  return {
    entry,
    streamedOutputStr: `${entry}/streamed_output_str/-`,
    streamedOutput: `${entry}/streamed_output/-`,
    finalOutput: `${entry}/final_output`,
    endTime: `${entry}/end_time`,
  };
}

/** Listener that emits {@link RunLogPatch}es. */
export class LogTracer implements StreamTracer {
  private root: Run | undefined;
  /** JSON-pointer paths of every included, unfinished sub-run, by run id. */
  private readonly paths = new Map<string, RunPaths>();
  private readonly nameCounts = new Map<string, number>();
  /** Model runs that streamed tokens (their generations are chunks). */
  private readonly streamedModels = new Set<string>();
  /** The root output accumulated with `+`, and a private copy of it to diff against. */
  private output: { accumulated: unknown; snapshot: unknown } | undefined;

  constructor(
    private readonly context: TracerContext<RunLogPatch>,
    private readonly include: RunFilter,
  ) {}

  onStart(run: Run): void {
    if (this.root === undefined && run.parent === undefined) {
      this.root = run;
      const state: RunState = { id: run.id, streamed_output: [], final_output: null, logs: {}, name: run.name, type: logRunType(run.runType) };
      this.emit([{ op: "replace", path: "", value: state }]);
      return;
    }
    const type = logRunType(run.runType);
    if (!this.include(run.name, type, run.tags)) return;
    const count = (this.nameCounts.get(run.name) ?? 0) + 1;
    this.nameCounts.set(run.name, count);
    const paths = runPaths(pointerSegment(count === 1 ? run.name : `${run.name}:${count}`));
    this.paths.set(run.id, paths);
    const entry: LogEntry = {
      id: run.id,
      name: run.name,
      type,
      tags: [...run.tags],
      metadata: cloneValue(run.metadata),
      start_time: isoTime(run.startTime),
      streamed_output: [],
      streamed_output_str: [],
      final_output: null,
      end_time: null,
    };
    this.emit([{ op: "add", path: paths.entry, value: entry }]);
  }

  onChunk(run: Run, chunk: unknown): void {
    // The root's chunks are taken from the consumer side (onOutput), like Python does.
    const paths = this.paths.get(run.id);
    if (paths === undefined) return;
    if (run.runType === "chat_model" || run.runType === "llm") {
      this.streamedModels.add(run.id);
      const text = textOf(chunk);
      this.emit([
        { op: "add", path: paths.streamedOutputStr, value: text },
        { op: "add", path: paths.streamedOutput, value: run.runType === "llm" ? text : cloneValue(chunk) },
      ]);
      return;
    }
    this.emit([{ op: "add", path: paths.streamedOutput, value: cloneValue(chunk) }]);
  }

  onEnd(run: Run, output: unknown): void {
    this.finish(run, standardOutput(run, output, this.streamedModels.has(run.id)));
  }

  onError(run: Run): void {
    this.finish(run, null);
  }

  onCustomEvent(): void {
    // Custom events are a streamEvents feature; stream_log ignores them (as Python does).
  }

  onOutput(chunk: unknown): void {
    if (this.root === undefined) this.onStart(this.context.detachedRoot());
    const previous = this.output;
    let accumulated = chunk;
    let base: { value: unknown } | undefined;
    if (previous !== undefined) {
      const sum = tryConcat(previous.accumulated, chunk);
      accumulated = sum.value;
      // Python: when `+` is not supported, the new chunk replaces the output wholesale.
      if (sum.supported) base = { value: previous.snapshot };
    }
    const ops: Operation[] = [{ op: "add", path: "/streamed_output/-", value: cloneValue(chunk) }];
    ops.push(...diffOutput(base, accumulated, "/final_output"));
    this.output = { accumulated, snapshot: cloneValue(accumulated) };
    this.emit(ops);
  }

  onFinish(): void {
    if (this.root === undefined) this.onStart(this.context.detachedRoot());
  }

  private finish(run: Run, finalOutput: unknown): void {
    const paths = this.paths.get(run.id);
    if (paths === undefined) return;
    this.paths.delete(run.id);
    this.streamedModels.delete(run.id);
    this.emit([
      { op: "add", path: paths.finalOutput, value: finalOutput },
      { op: "add", path: paths.endTime, value: isoTime(Date.now()) },
    ]);
  }

  private emit(ops: Operation[]): void {
    this.context.emit(new RunLogPatch(ops));
  }
}
