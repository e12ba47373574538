/** A fake streaming model for the fault tests: a chunk every `intervalMs`, its signal watched. */
import { Runnable, type RunnableConfig } from "../../src/core/index.js";

/** What happened to one run. */
export interface RunRecord {
  startedAt: number;
  abortedAt?: number;
  /** Chunks pulled after the signal fired (should stay 0). */
  pulledAfterAbort: number;
  finished: boolean;
}

/** Streams `chunks` chunks of `chunkBytes`, one per `intervalMs`; records every run by its input id. */
export class SlowStream extends Runnable<{ id: number }, string> {
  readonly runs = new Map<number, RunRecord>();
  constructor(readonly chunks: number, readonly intervalMs: number, readonly chunkBytes = 16) {
    super();
  }

  override async invoke(input: { id: number }, config?: RunnableConfig): Promise<string> {
    let out = "";
    for await (const chunk of this._streamIterator(input, config)) out += chunk;
    return out;
  }

  override async *_streamIterator(input: { id: number }, config?: RunnableConfig): AsyncGenerator<string> {
    const record: RunRecord = { startedAt: performance.now(), pulledAfterAbort: 0, finished: false };
    this.runs.set(input.id, record);
    const signal = config?.signal;
    signal?.addEventListener("abort", () => (record.abortedAt = performance.now()), { once: true });
    const chunk = "t".repeat(this.chunkBytes);
    try {
      for (let i = 0; i < this.chunks; i++) {
        if (record.abortedAt !== undefined) record.pulledAfterAbort++;
        if (this.intervalMs > 0) await new Promise((r) => setTimeout(r, this.intervalMs));
        yield chunk;
      }
    } finally {
      record.finished = true;
    }
  }
}
