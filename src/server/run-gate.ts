/**
 * A counting semaphore with a bounded FIFO wait queue: at most `max` runs of one mount at
 * once, at most `maxQueued` more waiting, each for at most `timeoutMs`. A full queue, a wait
 * that times out, a client that leaves and a server that drains all settle the wait at once,
 * so nothing waits without bound.
 */
import type { ServerResponse } from "node:http";
import { ChainserveError } from "../core/errors.js";

interface Waiter {
  resolve(): void;
  reject(error: ChainserveError): void;
}

/** Options of {@link RunGate}. */
export interface RunGateOptions {
  /** Runs at once. */
  max: number;
  /** Requests that may wait. */
  maxQueued: number;
  /** Longest wait, in milliseconds. */
  timeoutMs: number;
}

/**
 * The run slots of one mount.
 * @example
 * const gate = new RunGate({ max: 4, maxQueued: 4, timeoutMs: 10_000 });
 * if (!gate.tryAcquire()) await gate.wait(reply.raw); // may reject with OVERLOADED
 * try { await run(); } finally { gate.release(); }
 */
export class RunGate {
  readonly #options: RunGateOptions;
  readonly #queue: Waiter[] = [];
  #active = 0;

  constructor(options: RunGateOptions) {
    this.#options = options;
  }

  /** Runs holding a slot. */
  get active(): number {
    return this.#active;
  }

  /** Requests waiting for a slot. */
  get queued(): number {
    return this.#queue.length;
  }

  /** Takes a slot when one is free and nobody waits for it. */
  tryAcquire(): boolean {
    if (this.#active >= this.#options.max || this.#queue.length > 0) return false;
    this.#active++;
    return true;
  }

  /**
   * Waits for a slot: resolves holding one; rejects with OVERLOADED when the queue is full or
   * the wait timed out, and with ABORTED when `raw` closes first (the client left).
   */
  wait(raw: ServerResponse): Promise<void> {
    if (this.#queue.length >= this.#options.maxQueued) {
      return Promise.reject(new ChainserveError("OVERLOADED", "Too many runs in progress on this path; retry later"));
    }
    return new Promise<void>((resolve, reject) => {
      const settle = (): void => {
        clearTimeout(timer);
        raw.off("close", onClose);
        const at = this.#queue.indexOf(waiter);
        if (at >= 0) this.#queue.splice(at, 1);
      };
      const waiter: Waiter = {
        resolve: () => {
          settle();
          resolve();
        },
        reject: (error) => {
          settle();
          reject(error);
        },
      };
      const onClose = (): void => waiter.reject(new ChainserveError("ABORTED", "Client disconnected while queued"));
      const timer = setTimeout(() => waiter.reject(new ChainserveError("OVERLOADED", `No run slot on this path within ${this.#options.timeoutMs} ms; retry later`)), this.#options.timeoutMs);
      raw.once("close", onClose);
      this.#queue.push(waiter);
    });
  }

  /** Frees a slot, handing it to the longest waiter. */
  release(): void {
    const next = this.#queue[0];
    if (next !== undefined) next.resolve();
    else this.#active--;
  }

  /** Settles every wait with `error` (the server is draining). */
  rejectAll(error: ChainserveError): void {
    for (const waiter of [...this.#queue]) waiter.reject(error);
  }
}
