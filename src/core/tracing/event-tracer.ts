/**
 * Turns run events into stream_events v2 events, in the form Python LangChain's
 * `astream_events(version="v2")` produces and LangServe's `/stream_events` sends.
 */
import { concat } from "../concat.js";
import { eventInput, eventOutput } from "./event-data.js";
import type { RunEventName, StreamEvent, StreamEventData } from "./event-types.js";
import type { RunFilter } from "./filters.js";
import type { StreamTracer, TracerContext } from "./pump.js";
import type { Run } from "./run.js";
import { copied } from "../utils/objects.js";

/** Listener that emits {@link StreamEvent}s. */
export class EventTracer implements StreamTracer {
  private root: Run | undefined;
  /** Ids of the runs that passed the filters and have not ended. */
  private readonly included = new Set<string>();
  /** Root chunks reported by the root run itself, and root chunks the consumer side saw. */
  private reportedRootChunks = 0;
  private seenRootChunks = 0;
  /** The root's end, held back so the root's end event is always the last event. */
  private rootEnd: { output: unknown } | undefined;
  /** Set when the runnable opened no run of its own and a stand-in root is used. */
  private detachedOutput: { value: unknown } | undefined;

  constructor(
    private readonly context: TracerContext<StreamEvent>,
    private readonly include: RunFilter,
    private readonly input: unknown,
  ) {}

  onStart(run: Run): void {
    const isRoot = this.root === undefined && run.parent === undefined;
    if (isRoot) this.root = run;
    if (!this.include(run.name, run.runType, run.tags)) return;
    this.included.add(run.id);
    // The root's input is the caller's input as given (Python sets it on the first event).
    const data: StreamEventData = isRoot ? { input: this.input } : run.inputKnown ? { input: eventInput(run, run.input) } : {};
    this.context.emit({
      event: eventName(run, "start"),
      data,
      name: run.name,
      tags: [...run.tags],
      run_id: run.id,
      metadata: copied(run.metadata),
      parent_ids: [...run.parentIds],
    });
  }

  onChunk(run: Run, chunk: unknown): void {
    if (run === this.root) this.reportedRootChunks += 1;
    if (this.included.has(run.id)) this.emitChunk(run, chunk);
  }

  onEnd(run: Run, output: unknown): void {
    if (run === this.root) {
      this.rootEnd = { output };
      return;
    }
    if (!this.included.delete(run.id)) return;
    const data: StreamEventData = { output: eventOutput(run, output) };
    if (run.input !== undefined) data.input = eventInput(run, run.input);
    this.emitEnd(run, data);
  }

  onError(run: Run): void {
    // No error event (Python emits none for chains); the stream itself throws.
    if (run !== this.root) this.included.delete(run.id);
  }

  onCustomEvent(run: Run | undefined, name: string, data: unknown): void {
    if (run === undefined) return;
    // Python filters custom events by their own name, used as both name and type.
    if (!this.include(name, name, run.tags)) return;
    this.context.emit({
      event: "on_custom_event",
      run_id: run.id,
      name,
      tags: [...run.tags],
      metadata: copied(run.metadata),
      data,
      parent_ids: [...run.parentIds],
    });
  }

  onOutput(chunk: unknown): void {
    if (this.root === undefined) {
      this.detachedOutput = { value: undefined };
      this.onStart(this.context.detachedRoot());
    }
    const root = this.root as Run;
    if (this.detachedOutput !== undefined) {
      this.detachedOutput.value = this.seenRootChunks === 0 ? chunk : concat(this.detachedOutput.value, chunk);
    }
    this.seenRootChunks += 1;
    // A root that does not report its chunks (e.g. one that only implements invoke) still streams.
    if (this.seenRootChunks > this.reportedRootChunks) {
      this.reportedRootChunks = this.seenRootChunks;
      if (this.included.has(root.id)) this.emitChunk(root, chunk);
    }
  }

  onFinish(): void {
    if (this.root === undefined) {
      this.detachedOutput = { value: undefined };
      this.onStart(this.context.detachedRoot());
    }
    const root = this.root as Run;
    const end = this.rootEnd ?? (this.detachedOutput === undefined ? undefined : { output: this.detachedOutput.value });
    if (end === undefined || !this.included.delete(root.id)) return;
    // The root's end carries no input: the first event already has it.
    this.emitEnd(root, { output: eventOutput(root, end.output) });
  }

  private emitChunk(run: Run, chunk: unknown): void {
    const event = eventName(run, "stream");
    const tags = [...run.tags];
    const metadata = copied(run.metadata);
    // Key order differs by source in Python: model token events put `data` second.
    if (run.runType === "chat_model" || run.runType === "llm") {
      this.context.emit({ event, data: { chunk }, run_id: run.id, name: run.name, tags, metadata, parent_ids: [...run.parentIds] });
    } else {
      this.context.emit({ event, run_id: run.id, name: run.name, tags, metadata, data: { chunk }, parent_ids: [...run.parentIds] });
    }
  }

  private emitEnd(run: Run, data: StreamEventData): void {
    this.context.emit({
      event: eventName(run, "end"),
      data,
      run_id: run.id,
      name: run.name,
      tags: [...run.tags],
      metadata: copied(run.metadata),
      parent_ids: [...run.parentIds],
    });
  }
}

type Phase = "start" | "stream" | "end";

// Made once per run type: a name built per event is a fresh string to scan and copy each time.
const EVENT_NAMES = new Map<string, Record<Phase, RunEventName>>();

function eventName(run: Run, phase: Phase): RunEventName {
  let names = EVENT_NAMES.get(run.runType);
  if (names === undefined) {
    const type = run.runType;
    names = { start: `on_${type}_start`, stream: `on_${type}_stream`, end: `on_${type}_end` };
    EVENT_NAMES.set(type, names);
  }
  return names[phase];
}
