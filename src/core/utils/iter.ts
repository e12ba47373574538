/** Async-iteration helpers: tee, one-item streams, concurrency-limited mapping. */

/** An async iterable that yields `value` once. */
export async function* singleton<T>(value: T): AsyncGenerator<T> {
  yield value;
}

/**
 * Split one async iterable into `n` that each see every item. The source is pulled
 * on demand by whichever copy is furthest ahead; slower copies read from a buffer.
 */
export function tee<T>(source: AsyncIterable<T>, n: number): AsyncGenerator<T>[] {
  const iterator = source[Symbol.asyncIterator]();
  const buffers: T[][] = Array.from({ length: n }, () => []);
  let done = false;
  let failure: { error: unknown } | undefined;
  let pending: Promise<void> | undefined;
  let active = n;

  const pull = (): Promise<void> => {
    pending ??= iterator.next().then(
      (result) => {
        pending = undefined;
        if (result.done === true) done = true;
        else for (const buffer of buffers) buffer.push(result.value);
      },
      (error: unknown) => {
        pending = undefined;
        failure = { error };
        done = true;
      },
    );
    return pending;
  };

  const make = async function* (index: number): AsyncGenerator<T> {
    const buffer = buffers[index] as T[];
    try {
      while (true) {
        if (buffer.length > 0) {
          yield buffer.shift() as T;
          continue;
        }
        if (done) {
          if (failure !== undefined) throw failure.error;
          return;
        }
        await pull();
      }
    } finally {
      buffer.length = 0;
      active -= 1;
      if (active === 0 && !done) await iterator.return?.();
    }
  };
  return buffers.map((_, i) => make(i));
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
  const self: AsyncGenerator<T> = {
    next(): Promise<IteratorResult<T>> {
      return source.next().then((result) => {
        if (result.done !== true) fn(result.value);
        return result;
      });
    },
    return(value?: unknown): Promise<IteratorResult<T>> {
      if (typeof source.return === "function") return source.return(value as T);
      return Promise.resolve({ done: true, value: value as T });
    },
    throw(error?: unknown): Promise<IteratorResult<T>> {
      if (typeof source.throw === "function") return source.throw(error);
      return Promise.reject(error);
    },
    [Symbol.asyncIterator](): AsyncGenerator<T> {
      return self;
    },
  };
  return self;
}
