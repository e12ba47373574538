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
