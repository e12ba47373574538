/**
 * A single-consumer async queue: producers push synchronously, one consumer awaits.
 * Hands tracer output (streamLog, streamEvents) to a consumer as soon as it exists.
 * (RunnableMap's branch merge keeps its own three-line queue: importing this class put
 * ~0.3 kB min+gzip into the browser client, which never traces.)
 */
export class AsyncQueue<T> {
  private items: T[] = [];
  private head = 0;
  private waiter: ((value: void) => void) | undefined;
  private closed = false;
  private failure: { error: unknown } | undefined;

  /** Append an item; wakes the consumer. Ignored after close. */
  push(item: T): void {
    if (this.closed) return;
    this.items.push(item);
    this.wake();
  }

  /** No more items; the consumer finishes after draining. */
  close(): void {
    this.closed = true;
    this.wake();
  }

  /** Fail the consumer after it drains what was already pushed. */
  fail(error: unknown): void {
    if (this.closed) return;
    this.failure = { error };
    this.closed = true;
    this.wake();
  }

  /** True when nothing is buffered. */
  get isEmpty(): boolean {
    return this.head >= this.items.length;
  }

  /** Take everything buffered now (synchronously). */
  drain(): T[] {
    if (this.head === 0) {
      const out = this.items;
      this.items = [];
      return out;
    }
    const out = this.items.slice(this.head);
    this.items = [];
    this.head = 0;
    return out;
  }

  /** Resolves when an item is buffered or the queue is closed. */
  wait(): Promise<void> {
    if (!this.isEmpty || this.closed) return Promise.resolve();
    return new Promise<void>((resolve) => {
      this.waiter = resolve;
    });
  }

  /** Whether the producer side is finished. */
  get done(): boolean {
    return this.closed;
  }

  /** Throw the stored failure, if any (call after draining). */
  rethrow(): void {
    if (this.failure !== undefined) throw this.failure.error;
  }

  private wake(): void {
    const waiter = this.waiter;
    if (waiter !== undefined) {
      this.waiter = undefined;
      waiter();
    }
  }

  /** Iterate items until closed. */
  async *[Symbol.asyncIterator](): AsyncGenerator<T> {
    while (true) {
      if (this.isEmpty) {
        if (this.closed) {
          this.rethrow();
          return;
        }
        await this.wait();
        continue;
      }
      yield this.items[this.head++] as T;
      if (this.head > 1024 && this.head * 2 > this.items.length) {
        this.items = this.items.slice(this.head);
        this.head = 0;
      }
    }
  }
}
