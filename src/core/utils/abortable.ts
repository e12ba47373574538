import { abortReason } from "./signal.js";

/**
 * Iterate `source`, stopping as soon as `signal` fires: the pending pull is abandoned,
 * the source is told to return (so its `finally` blocks run and it stops pulling its own
 * upstream), and the abort reason is thrown. One abort listener serves the whole
 * iteration: adding and removing an EventTarget listener per chunk tripled the cost of
 * a streamed chunk.
 */
export function abortable<T>(source: AsyncIterable<T>, signal: AbortSignal | undefined): AsyncIterable<T> {
  // Without a signal there is nothing to race: the source itself, not a generator around it.
  return signal === undefined ? source : raceAbort(source, signal);
}

async function* raceAbort<T>(source: AsyncIterable<T>, signal: AbortSignal): AsyncGenerator<T> {
  if (signal.aborted) throw abortReason(signal);
  const iterator = source[Symbol.asyncIterator]();
  let rejectPending: ((reason: unknown) => void) | undefined;
  const onAbort = (): void => {
    rejectPending?.(abortReason(signal));
  };
  signal.addEventListener("abort", onAbort, { once: true });
  let finished = false;
  try {
    while (true) {
      if (signal.aborted) throw abortReason(signal);
      const result = await new Promise<IteratorResult<T>>((resolve, reject) => {
        rejectPending = reject;
        iterator.next().then(resolve, reject);
      });
      rejectPending = undefined;
      if (result.done === true) {
        finished = true;
        return;
      }
      yield result.value;
    }
  } finally {
    signal.removeEventListener("abort", onAbort);
    if (!finished) {
      // A pending next() keeps a generator busy; its return() then waits behind it, so do not await.
      iterator.return?.()?.catch(() => undefined);
    }
  }
}
