/**
 * Listeners that only watch a run (an OpenTelemetry bridge, say), attached by whoever starts
 * the run. streamLog and streamEvents attach a listener of their own; an observing listener
 * already on the config is kept beside it (both see every run), where any other is replaced
 * as before (a nested streamLog is not a run of the outer log).
 */
import type { Run, RunListener } from "./run.js";

/** A {@link RunListener} that only observes: kept when streamLog / streamEvents trace the run. */
export interface ObservingListener extends RunListener {
  /** Marks the listener as observing. */
  readonly observing: true;
}

/** True when `listener` is an {@link ObservingListener}. */
export function isObserving(listener: RunListener): listener is ObservingListener {
  return (listener as Partial<ObservingListener>).observing === true;
}

/** `primary` then `observer`, for every callback. */
export class TeeListener implements RunListener {
  constructor(
    private readonly primary: RunListener,
    private readonly observer: RunListener,
  ) {}

  onStart(run: Run): void {
    this.primary.onStart(run);
    this.observer.onStart(run);
  }

  onChunk(run: Run, chunk: unknown): void {
    this.primary.onChunk(run, chunk);
    this.observer.onChunk(run, chunk);
  }

  onEnd(run: Run, output: unknown): void {
    this.primary.onEnd(run, output);
    this.observer.onEnd(run, output);
  }

  onError(run: Run, error: unknown): void {
    this.primary.onError(run, error);
    this.observer.onError(run, error);
  }

  onCustomEvent(run: Run | undefined, name: string, data: unknown): void {
    this.primary.onCustomEvent(run, name, data);
    this.observer.onCustomEvent(run, name, data);
  }
}
