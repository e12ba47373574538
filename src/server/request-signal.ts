/**
 * The abort signal of one request's run: it fires when the client goes away before the
 * response finished, or when the server stops the run early. Built on first read (a
 * {@link DeferredSignal}): most runs never look at their signal, and building one costs
 * Node 20 ~2.5 µs, a tenth of an `/invoke` (issue #5). Until then, a client that left is
 * noticed from the response's state (`destroyed` before `writableFinished`), so nothing is
 * listened to per request.
 */
import type { ServerResponse } from "node:http";
import type { DeferredSignal } from "../core/config.js";
import { ChainserveError } from "../core/errors.js";

/**
 * One request's run signal.
 * @example
 * const run = new RequestSignal(reply.raw);
 * const config = withDeferredSignal(ensureConfig(), run);
 * run.abort(new ChainserveError("ABORTED", "The stream stopped before the run finished"));
 */
export class RequestSignal implements DeferredSignal {
  readonly #raw: ServerResponse;
  #controller: AbortController | undefined;
  #aborted = false;
  #reason: unknown = undefined;

  constructor(raw: ServerResponse) {
    this.#raw = raw;
  }

  get signal(): AbortSignal {
    if (this.#controller === undefined) {
      const controller = new AbortController();
      this.#controller = controller;
      if (this.aborted) {
        controller.abort(this.#reason);
      } else {
        const raw = this.#raw;
        raw.once("close", () => {
          if (!raw.writableFinished) this.abort(clientGone());
        });
      }
    }
    return this.#controller.signal;
  }

  get created(): boolean {
    return this.#controller !== undefined;
  }

  get aborted(): boolean {
    if (!this.#aborted && this.#raw.destroyed && !this.#raw.writableFinished) {
      this.#aborted = true;
      this.#reason = clientGone();
    }
    return this.#aborted;
  }

  get reason(): unknown {
    return this.aborted ? this.#reason : undefined;
  }

  /** Fires the signal (once; later calls keep the first reason). */
  abort(reason: unknown): void {
    if (!this.#aborted) {
      this.#aborted = true;
      this.#reason = reason;
    }
    this.#controller?.abort(this.#reason);
  }
}

function clientGone(): ChainserveError {
  return new ChainserveError("ABORTED", "Client disconnected");
}
