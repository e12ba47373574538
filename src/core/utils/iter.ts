/** Async-iteration helpers: tee, one-item streams, concurrency-limited mapping. */

/**
 * The stream of one known value, as a plain iterator rather than a generator (a streamed run
 * makes one per step). {@link tee} copies it without buffering.
 */
class Single<T> implements AsyncGenerator<T> {
  #value: T;
  #done = false;

  constructor(value: T) {
    this.#value = value;
  }

  /** The value, when nothing has been read yet. */
  get unread(): { value: T } | undefined {
    return this.#done ? undefined : { value: this.#value };
  }

  next(): Promise<IteratorResult<T>> {
    if (this.#done) return Promise.resolve({ done: true, value: undefined });
    this.#done = true;
    const value = this.#value;
    this.#value = undefined as T;
    return Promise.resolve({ done: false, value });
  }

  return(value?: unknown): Promise<IteratorResult<T>> {
    this.#done = true;
    this.#value = undefined as T;
    return Promise.resolve({ done: true, value: value as T });
  }

  throw(error?: unknown): Promise<IteratorResult<T>> {
    this.#done = true;
    return Promise.reject(error);
  }

  [Symbol.asyncIterator](): AsyncGenerator<T> {
    return this;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.return();
  }
}

/** An async iterable that yields `value` once. */
export function singleton<T>(value: T): AsyncGenerator<T> {
  return new Single(value);
}

/** What the copies of one {@link tee} share: the source and one buffer per copy. */
class TeeSource<T> {
  readonly iterator: AsyncIterator<T>;
  readonly buffers: T[][];
  done = false;
  failure: { error: unknown } | undefined = undefined;
  active: number;
  #pending: Promise<void> | undefined = undefined;

  constructor(source: AsyncIterable<T>, n: number) {
    this.iterator = source[Symbol.asyncIterator]();
    this.buffers = Array.from({ length: n }, () => []);
    this.active = n;
  }

  /** One `next()` of the source at a time, its item pushed to every buffer. */
  pull(): Promise<void> {
    this.#pending ??= this.iterator.next().then(this.#onResult, this.#onError);
    return this.#pending;
  }

  readonly #onResult = (result: IteratorResult<T>): void => {
    this.#pending = undefined;
    if (result.done === true) this.done = true;
    else for (const buffer of this.buffers) buffer.push(result.value);
  };

  readonly #onError = (error: unknown): void => {
    this.#pending = undefined;
    this.failure = { error };
    this.done = true;
  };
}

/**
 * One copy of a {@link tee}. A plain iterator, not an async generator made per call: V8 gives
 * every generator function object its own map, which points back at the function and so at
 * the closure's variables. Maps live in old space, so a young-generation GC kept every stream
 * of a `tee` made that way alive and promoted it (rag_stream: scavenges of ~7 ms, ~20% of the
 * server's CPU, issue #5).
 */
class TeeCopy<T> implements AsyncGenerator<T> {
  readonly #source: TeeSource<T>;
  readonly #buffer: T[];
  #finished = false;

  constructor(source: TeeSource<T>, index: number) {
    this.#source = source;
    this.#buffer = source.buffers[index] as T[];
  }

  next(): Promise<IteratorResult<T>> {
    if (this.#finished) return Promise.resolve({ done: true, value: undefined });
    if (this.#buffer.length > 0) return Promise.resolve({ done: false, value: this.#buffer.shift() as T });
    const source = this.#source;
    if (!source.done) return source.pull().then(() => this.next());
    const failure = source.failure;
    return this.#finish().then(() => {
      if (failure !== undefined) throw failure.error;
      return { done: true, value: undefined };
    });
  }

  return(value?: unknown): Promise<IteratorResult<T>> {
    if (this.#finished) return Promise.resolve({ done: true, value: value as T });
    return this.#finish().then(() => ({ done: true, value: value as T }));
  }

  throw(error?: unknown): Promise<IteratorResult<T>> {
    if (this.#finished) return Promise.reject(error);
    return this.#finish().then(() => Promise.reject(error));
  }

  /** This copy reads no more; the last copy to stop early closes the source. */
  #finish(): Promise<void> {
    this.#finished = true;
    this.#buffer.length = 0;
    const source = this.#source;
    source.active -= 1;
    if (source.active > 0 || source.done || typeof source.iterator.return !== "function") return Promise.resolve();
    return source.iterator.return().then(() => undefined);
  }

  [Symbol.asyncIterator](): AsyncGenerator<T> {
    return this;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.return();
  }
}

/**
 * Split one async iterable into `n` that each see every item. The source is pulled
 * on demand by whichever copy is furthest ahead; slower copies read from a buffer.
 */
export function tee<T>(source: AsyncIterable<T>, n: number): AsyncGenerator<T>[] {
  // One value nobody has read: each copy is that value (the common case, a step's stream of
  // its one input).
  const unread = source instanceof Single ? (source as Single<T>).unread : undefined;
  if (unread !== undefined) {
    void (source as Single<T>).return();
    return Array.from({ length: n }, () => new Single(unread.value));
  }
  const shared = new TeeSource(source, n);
  return Array.from({ length: n }, (_, i) => new TeeCopy(shared, i));
}

/**
 * Run `fn` over `items` with at most `limit` calls in flight; results in input order.
 * With `settle`, failures are returned in place (as `{ error }`) instead of rejecting.
 */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number | undefined,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const max = limit === undefined || limit <= 0 ? items.length : Math.min(limit, items.length);
  if (max >= items.length) return Promise.all(items.map(fn));
  const results = new Array<R>(items.length);
  let next = 0;
  let failed = false;
  const worker = async (): Promise<void> => {
    while (!failed && next < items.length) {
      const index = next++;
      try {
        results[index] = await fn(items[index] as T, index);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: max }, worker));
  return results;
}

/**
 * An async generator that runs `start` on the first `next()` and from then on hands every
 * call straight to the iterator `start` produced. Unlike `async function* () { yield* await
 * start(); }`, it adds no promise jobs per item: a stream that sits behind several runnables
 * (a sequence's last step) pays for its own generator only.
 */
export function deferredIterator<T>(start: () => Promise<AsyncIterator<T>>): AsyncGenerator<T> {
  let inner: AsyncIterator<T> | undefined;
  let starting: Promise<AsyncIterator<T>> | undefined;
  let closed = false;
  const done = (value?: unknown): IteratorResult<T> => ({ done: true, value: value as T });
  const self: AsyncGenerator<T> = {
    next(): Promise<IteratorResult<T>> {
      if (inner !== undefined) return inner.next();
      if (closed) return Promise.resolve(done());
      starting ??= start().catch((error: unknown) => {
        closed = true;
        throw error;
      });
      return starting.then((it) => {
        if (closed) {
          void it.return?.()?.catch(() => undefined);
          return done();
        }
        inner = it;
        return it.next();
      });
    },
    return(value?: unknown): Promise<IteratorResult<T>> {
      closed = true;
      if (inner !== undefined && typeof inner.return === "function") return inner.return(value as T);
      return Promise.resolve(done(value));
    },
    throw(error?: unknown): Promise<IteratorResult<T>> {
      if (inner !== undefined && typeof inner.throw === "function") return inner.throw(error);
      closed = true;
      return Promise.reject(error);
    },
    [Symbol.asyncIterator](): AsyncGenerator<T> {
      return self;
    },
  };
  return self;
}

/**
 * `source` with `fn` applied to each item as it passes (for in-place stamping), without an
 * async-generator layer: one `then` per item.
 */
export function tapIterator<T>(source: AsyncIterator<T>, fn: (item: T) => void): AsyncGenerator<T> {
  return mapIterator(source, (item: T) => {
    fn(item);
    return item;
  });
}

/**
 * `source` with each item replaced by `fn(item)`, without an async-generator layer: one `then`
 * per item. If `fn` throws, that `next()` rejects and the source is closed, as a generator's
 * `for await` loop would leave it.
 */
export function mapIterator<T, R>(source: AsyncIterator<T>, fn: (item: T) => R): AsyncGenerator<R> {
  let failed = false;
  const map = (result: IteratorResult<T>): IteratorResult<R> => {
    if (result.done === true) return result as IteratorResult<R>;
    try {
      return { done: false, value: fn(result.value) };
    } catch (error) {
      failed = true;
      void source.return?.()?.catch(() => undefined);
      throw error;
    }
  };
  const self: AsyncGenerator<R> = {
    next(): Promise<IteratorResult<R>> {
      if (failed) return Promise.resolve({ done: true, value: undefined as R });
      return source.next().then(map);
    },
    return(value?: unknown): Promise<IteratorResult<R>> {
      if (!failed && typeof source.return === "function") {
        return source.return(value as T).then(() => ({ done: true, value: value as R }));
      }
      return Promise.resolve({ done: true, value: value as R });
    },
    throw(error?: unknown): Promise<IteratorResult<R>> {
      if (!failed && typeof source.throw === "function") return source.throw(error).then(map);
      return Promise.reject(error);
    },
    [Symbol.asyncIterator](): AsyncGenerator<R> {
      return self;
    },
  };
  return self;
}

/**
 * `head`'s items, then `tail`'s. Once `head` is done, every call goes straight to `tail` (no
 * layer per tail item, unlike `yield* tail` in a generator). `started` is a `tail.next()`
 * already under way (to start slow work early): it answers the first call for `tail`. When
 * the consumer stops or `head` fails before `tail` was reached, `tail` is closed.
 */
export function concatIterators<T>(head: AsyncIterator<T>, tail: AsyncIterator<T>, started?: Promise<IteratorResult<T>>): AsyncGenerator<T> {
  let inTail = false;
  let pending = started;
  const closeTail = (): void => {
    void tail.return?.()?.catch(() => undefined);
  };
  const fromTail = (): Promise<IteratorResult<T>> => {
    inTail = true;
    const first = pending;
    pending = undefined;
    return first ?? tail.next();
  };
  const self: AsyncGenerator<T> = {
    next(): Promise<IteratorResult<T>> {
      if (inTail) return fromTail();
      return head.next().then(
        (result) => (result.done === true ? fromTail() : result),
        (error: unknown) => {
          inTail = true;
          pending = undefined;
          closeTail();
          throw error;
        },
      );
    },
    return(value?: unknown): Promise<IteratorResult<T>> {
      if (inTail) {
        pending = undefined;
        if (typeof tail.return === "function") return tail.return(value as T);
        return Promise.resolve({ done: true, value: value as T });
      }
      inTail = true;
      pending = undefined;
      // The tail (often an upstream stream) is closed before this resolves.
      const closing = typeof tail.return === "function" ? tail.return(value as T) : Promise.resolve();
      const closeHead = (): Promise<IteratorResult<T>> =>
        typeof head.return === "function" ? head.return(value as T) : Promise.resolve({ done: true, value: value as T });
      return closing.then(closeHead, (error: unknown) => closeHead().then(() => Promise.reject(error)));
    },
    throw(error?: unknown): Promise<IteratorResult<T>> {
      return self.return(undefined).then(() => Promise.reject(error));
    },
    [Symbol.asyncIterator](): AsyncGenerator<T> {
      return self;
    },
  };
  return self;
}
