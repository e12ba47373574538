/**
 * The stream_log data model: RFC 6902 operations, the root `RunState` and its `LogEntry`s,
 * and the two things `streamLog` yields, `RunLogPatch` (diff form) and `RunLog` (state form).
 */
// The ESM core module only: the package root also pulls in observe/compare (duplex), which
// nothing here uses and which would ride along into the browser client bundle.
import { applyPatch } from "fast-json-patch/module/core.mjs";
import { cloneValue, type LogRunType } from "./values.js";
import { merged } from "../utils/objects.js";

/** JSON-patch `add` (`path` ending in `/-` appends to a list). */
export interface AddOperation {
  op: "add";
  path: string;
  value: unknown;
}

/** JSON-patch `replace` (`path: ""` replaces the whole document). */
export interface ReplaceOperation {
  op: "replace";
  path: string;
  value: unknown;
}

/** JSON-patch `remove`. */
export interface RemoveOperation {
  op: "remove";
  path: string;
}

/** The JSON-patch operations stream_log produces. */
export type Operation = AddOperation | ReplaceOperation | RemoveOperation;

/** One sub-run in `RunState.logs`, keyed by name (`Name`, `Name:2`, …). */
export interface LogEntry {
  /** Run id. */
  id: string;
  /** Run name. */
  name: string;
  /** Run type (`llm` for chat models). */
  type: LogRunType;
  /** Structural tag first, then inherited tags. */
  tags: string[];
  /** Inherited metadata plus the runnable's own (`ls_provider`, …). */
  metadata: Record<string, unknown>;
  /** Start time, ISO-8601 with `+00:00` (Python's form). */
  start_time: string;
  /** Every chunk the run streamed (for models: the message chunks). */
  streamed_output: unknown[];
  /** Model runs: the text of every token. */
  streamed_output_str: string[];
  /**
   * Set at the end: prompts their prompt value, retrievers `{documents}`, models an
   * LLMResult, other runs their output when it is a plain object, else `{output}`;
   * `null` for a run that failed.
   */
  final_output: unknown;
  /** End time, set at the end. */
  end_time: string | null;
}

/** The state stream_log patches build: the root run, its output and its sub-runs. */
export interface RunState {
  /** Root run id. */
  id: string;
  /** Every chunk the root streamed. */
  streamed_output: unknown[];
  /** The `+`-accumulated root output so far (`null` before the first chunk). */
  final_output: unknown;
  /** Sub-runs that passed the filters, by key. */
  logs: Record<string, LogEntry>;
  /** Root run name. */
  name: string;
  /** Root run type. */
  type: LogRunType;
}

/**
 * Apply `ops` to `document` and return the result. The op values are copied first, so
 * the document never shares plain data with the ops (or with anyone holding them).
 */
export function applyOps(document: unknown, ops: readonly Operation[]): unknown {
  const copies = ops.map((op) => (op.op === "remove" ? op : merged(op, { value: cloneValue(op.value) })));
  return applyPatch(document, copies as Parameters<typeof applyPatch>[1], false, true).newDocument;
}

/**
 * One step of a stream_log: the ops for one event. Never empty.
 * @example
 * for await (const patch of chain.streamLog(input)) send({ ops: patch.ops });
 */
export class RunLogPatch {
  /** The operations, applied in order. */
  readonly ops: Operation[];

  constructor(ops: Operation[]) {
    this.ops = ops;
  }

  /** This patch followed by `other`, applied to an empty document. */
  concat(other: RunLogPatch): RunLog {
    const ops = [...this.ops, ...other.ops];
    return new RunLog(ops, applyOps(null, ops) as RunState);
  }
}

/**
 * The accumulated form (`diff: false`): every op so far and the state they build. Each
 * `RunLog` owns its state; later ones never change earlier ones.
 */
export class RunLog extends RunLogPatch {
  /** The state after all `ops`. */
  readonly state: RunState;

  constructor(ops: Operation[], state: RunState) {
    super(ops);
    this.state = state;
  }

  /** A new RunLog with `other`'s ops applied to a copy of this state. */
  override concat(other: RunLogPatch): RunLog {
    return new RunLog([...this.ops, ...other.ops], applyOps(cloneValue(this.state), other.ops) as RunState);
  }
}

/**
 * The `diff: false` form: each RunLog holds every op so far and its own copy of the state.
 * Ops are applied to a private state with their values copied first (`applyOps`), so a
 * consumer who also folds the patches never gets an op applied twice (the LangChain.js
 * client's aliasing bug, runnable-semantics.md B.7), and no yielded state aliases another.
 * @example
 * for await (const log of accumulateLogs(patches)) console.log(log.state.final_output);
 */
export async function* accumulateLogs(patches: AsyncIterable<RunLogPatch>): AsyncGenerator<RunLog> {
  let state: unknown = null;
  const ops: Operation[] = [];
  for await (const patch of patches) {
    state = applyOps(state, patch.ops);
    ops.push(...patch.ops);
    yield new RunLog([...ops], cloneValue(state) as RunState);
  }
}
