/**
 * One request's run as the limits and the drain see it: its abort signal, a deadline, and a
 * way to end it early with a coded error: a JSON error when nothing was sent yet, or (set by
 * the stream loop) one terminal `event: error` frame. Whatever ends it, the run slot is given
 * back once, at that moment, even when the runnable ignores its signal and never returns.
 */
import type { FastifyReply } from "fastify";
import type { ChainserveError } from "../core/errors.js";
import { sendHttpError, type HttpError } from "./error-mapper.js";
import type { Stoppable } from "./lifecycle.js";
import { RequestSignal } from "./request-signal.js";

/** A request refused before its run started (queue full, draining): sent with its own status. */
export class RunRefused {
  constructor(readonly error: ChainserveError) {}

  /** The wire form: 503s keep their code and message (toHttpError would make them a 500). */
  get http(): HttpError {
    return { status: this.error.status, code: this.error.code, message: this.error.message, detail: this.error.message };
  }
}

/**
 * Sends a coded error that chainserve raised itself (TIMEOUT, SHUTTING_DOWN, OVERLOADED) as
 * the JSON error body, unless a response already started.
 */
export function sendOwnError(reply: FastifyReply, error: ChainserveError): void {
  if (reply.sent || reply.raw.headersSent) return;
  sendHttpError(reply, new RunRefused(error).http);
}

/**
 * One request's run.
 * @example
 * const scope = guard.open(reply, "invoke");
 * await guard.admit(scope, reply);
 * try { await runnable.invoke(input, { signal: scope.signal.signal }); } finally { scope.finish(); }
 */
export class RunScope implements Stoppable {
  /** The run's abort signal (built on first read). */
  readonly signal: RequestSignal;
  readonly streaming: boolean;
  /**
   * How the response ends when the run is stopped; the stream loop sets it once its head is
   * written. Unset, the error is answered as JSON.
   */
  onStop: ((error: ChainserveError) => void) | undefined = undefined;
  readonly #reply: FastifyReply;
  #stopped: ChainserveError | undefined;
  #finished = false;
  #onFinish: ((scope: RunScope) => void) | undefined;
  #timer: NodeJS.Timeout | undefined;

  constructor(reply: FastifyReply, streaming: boolean) {
    this.#reply = reply;
    this.signal = new RequestSignal(reply.raw);
    this.streaming = streaming;
  }

  /** The error the run was stopped with, if it was. */
  get stopped(): ChainserveError | undefined {
    return this.#stopped;
  }

  /**
   * @internal Called by the guard when the run is admitted: `onFinish` runs once when it ends,
   * and after `deadlineMs` the run is stopped with `deadlineError()`.
   */
  admitted(onFinish: (scope: RunScope) => void, deadlineMs: number | undefined, deadlineError: () => ChainserveError): void {
    this.#onFinish = onFinish;
    if (deadlineMs !== undefined) {
      this.#timer = setTimeout(() => this.stop(deadlineError()), deadlineMs);
      this.#timer.unref();
    }
  }

  /** Ends the run now with `error`: aborts its signal, answers the client, frees the slot. */
  stop(error: ChainserveError): void {
    if (this.#stopped !== undefined || this.#finished) return;
    this.#stopped = error;
    this.signal.abort(error);
    if (this.onStop !== undefined) this.onStop(error);
    else sendOwnError(this.#reply, error);
    this.finish();
  }

  /** Marks the run over (idempotent): clears the deadline and gives the slot back. */
  finish(): void {
    if (this.#finished) return;
    this.#finished = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    const onFinish = this.#onFinish;
    this.#onFinish = undefined;
    onFinish?.(this);
  }
}
