/**
 * One call's cancellation: the caller's `signal`, plus a timer that is either a total
 * timeout (non-streaming calls) or an idle timeout (streams: the longest silence between
 * bytes; server pings count as activity). Both end in one AbortSignal handed to the
 * transport, and {@link CallGuard.settle} turns whatever the transport threw into the error
 * the caller should see.
 */
import { ERROR_CODES } from "../core/errors.js";
import { abortReason } from "../core/utils/signal.js";
import { isRemoteRunnableError, RemoteRunnableError } from "./errors.js";

/**
 * Aborts a call on the caller's signal or on its timer.
 * @example
 * const guard = new CallGuard(config.signal, 60_000, true);
 * try {
 *   for await (const bytes of body) guard.touch();
 * } catch (error) {
 *   throw guard.settle(error, url);
 * } finally {
 *   guard.dispose();
 * }
 */
export class CallGuard {
  /** The signal to give the transport. */
  readonly signal: AbortSignal;
  private readonly controller = new AbortController();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private lastActivity = 0;
  private timedOut = false;
  private readonly onAbort = (): void => this.controller.abort(abortReason(this.caller as AbortSignal));

  /**
   * @param caller the caller's signal (`config.signal`), if any
   * @param ms the timeout in ms; 0 or Infinity disables it
   * @param idle true: restart the timeout on every {@link touch}; false: a total timeout
   */
  constructor(
    private readonly caller: AbortSignal | undefined,
    private readonly ms: number,
    private readonly idle: boolean,
  ) {
    this.signal = this.controller.signal;
    if (caller?.aborted === true) this.onAbort();
    else caller?.addEventListener("abort", this.onAbort, { once: true });
    if (ms > 0 && Number.isFinite(ms)) {
      this.lastActivity = Date.now();
      this.arm(ms);
    }
  }

  /**
   * Record activity (idle mode). Cheap on purpose — a timestamp, no timer churn per event:
   * the timer, when it fires, re-arms itself for the remaining time.
   */
  readonly touch = (): void => {
    this.lastActivity = Date.now();
  };

  private arm(delay: number): void {
    this.timer = setTimeout(this.onTimer, delay);
  }

  private readonly onTimer = (): void => {
    if (this.idle) {
      const quiet = Date.now() - this.lastActivity;
      if (quiet < this.ms) {
        this.arm(this.ms - quiet);
        return;
      }
    }
    this.timedOut = true;
    this.controller.abort(new DOMException("The remote call timed out", "TimeoutError"));
  };

  /**
   * The error to throw for `error`: the caller's abort reason when the caller aborted, a
   * TIMEOUT {@link RemoteRunnableError} when the timer fired, our own errors as they are, and
   * anything else (a network failure) as UPSTREAM_ERROR with the original as `cause`.
   */
  settle(error: unknown, url: string, runId?: string): unknown {
    if (this.caller?.aborted === true) return abortReason(this.caller);
    if (this.timedOut) {
      const what = this.idle ? `No data from the stream for ${this.ms} ms` : `No response within ${this.ms} ms`;
      return new RemoteRunnableError("TIMEOUT", what, { url, runId, cause: error });
    }
    if (isRemoteRunnableError(error)) return error;
    const reason = error instanceof Error ? error.message : String(error);
    return new RemoteRunnableError("UPSTREAM_ERROR", `Request to ${url} failed: ${reason}`, {
      status: ERROR_CODES.UPSTREAM_ERROR,
      url,
      runId,
      cause: error,
    });
  }

  /** Stop the timer and the listener (always, in a `finally`). */
  dispose(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.caller?.removeEventListener("abort", this.onAbort);
  }
}
