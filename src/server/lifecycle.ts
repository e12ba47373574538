/**
 * What the drain needs to know about one server: whether it is draining, and every run in
 * flight on it. Kept per `http.Server` (shared by every encapsulated context of one Fastify
 * app) rather than in a decorator, so that `closeGracefully(app)`, `/ready` and every mount
 * see the same state whichever context registered them first.
 */
import type { FastifyInstance } from "fastify";
import { ChainserveError } from "../core/errors.js";

/** Something in flight that the drain may stop at its deadline. */
export interface Stoppable {
  /** Ends it now with `error` (a JSON error or a terminal `event: error` frame). */
  stop(error: ChainserveError): void;
  /** Whether it is a stream (streams are what the drain waits for longest). */
  readonly streaming: boolean;
}

/** The drain state of one server. */
export class Lifecycle {
  /** True from the moment a graceful close starts: `/ready` answers 503. */
  draining = false;
  /** True once the listener is closing: new runs are refused with SHUTTING_DOWN. */
  closing = false;
  /** Runs in flight (admitted, not yet finished). */
  readonly runs = new Set<Stoppable>();
  readonly #onClosing = new Set<() => void>();

  /** Calls `listener` once, when the server starts closing. */
  onClosing(listener: () => void): void {
    this.#onClosing.add(listener);
  }

  /** Marks the server draining (idempotent). */
  startDrain(): void {
    this.draining = true;
  }

  /** Marks the server closing (idempotent): new runs are refused, queued requests too. */
  startClosing(): void {
    if (this.closing) return;
    this.draining = true;
    this.closing = true;
    for (const listener of this.#onClosing) listener();
    this.#onClosing.clear();
  }
}

const LIFECYCLES = new WeakMap<object, Lifecycle>();

/**
 * The drain state of the server `app` belongs to.
 * @example
 * if (lifecycleOf(app).draining) reply.code(503);
 */
export function lifecycleOf(app: FastifyInstance): Lifecycle {
  const key = app.server as object;
  let lifecycle = LIFECYCLES.get(key);
  if (lifecycle === undefined) {
    lifecycle = new Lifecycle();
    LIFECYCLES.set(key, lifecycle);
  }
  return lifecycle;
}

/** The error a request gets while the server drains: retry it elsewhere. */
export function shuttingDown(): ChainserveError {
  return new ChainserveError("SHUTTING_DOWN", "The server is shutting down; retry the request (another instance will answer)");
}
