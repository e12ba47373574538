/**
 * The admission step every run of one mount goes through after its request was validated:
 * refused once the server is closing, queued or refused by the mount's run gate, then given its
 * deadline (`runTimeoutMs`, and `maxStreamDurationMs` for streams) and registered with the
 * server's lifecycle so that a graceful close can stop it.
 *
 * Why not Fastify's `handlerTimeout`: it answers 503 rather than 504, is cleared when a reply
 * is hijacked (every stream is), and destroys a response whose head was sent: the cut without
 * a terminal frame that this module exists to avoid.
 */
import type { FastifyReply } from "fastify";
import { ChainserveError } from "../core/errors.js";
import { lifecycleOf, shuttingDown, type Lifecycle } from "./lifecycle.js";
import type { FastifyInstance } from "fastify";
import type { ResolvedLimits } from "./options-limits.js";
import type { EndpointName } from "./options.js";
import { RunGate } from "./run-gate.js";
import { RunRefused, RunScope } from "./run-scope.js";

/** A mount's load, as metrics read it. */
export interface MountLoad {
  /** Runs in flight. */
  active(): number;
  /** Requests waiting for a run slot. */
  queued(): number;
  /** Requests refused with OVERLOADED so far, by endpoint. */
  rejected(): Readonly<Partial<Record<EndpointName, number>>>;
}

const STREAMING: ReadonlySet<EndpointName> = new Set<EndpointName>(["stream", "stream_log", "stream_events"]);

/**
 * The admission control of one mount.
 * @example
 * const guard = new MountGuard(mount.limits, app);
 * const scope = guard.open(reply, "invoke");
 * const admitted = guard.admit(scope, reply); // throws / rejects with RunRefused
 * if (admitted !== undefined) await admitted;
 */
export class MountGuard {
  readonly #limits: ResolvedLimits;
  readonly #lifecycle: Lifecycle;
  readonly #gate: RunGate | undefined;
  readonly #rejected: Partial<Record<EndpointName, number>> = {};
  #active = 0;

  constructor(limits: ResolvedLimits, app: FastifyInstance) {
    this.#limits = limits;
    this.#lifecycle = lifecycleOf(app);
    if (limits.maxConcurrentRuns !== undefined) {
      const gate = new RunGate({ max: limits.maxConcurrentRuns, maxQueued: limits.maxQueuedRuns, timeoutMs: limits.queueTimeoutMs });
      this.#gate = gate;
      this.#lifecycle.onClosing(() => gate.rejectAll(shuttingDown()));
    }
  }

  /** The load figures of this mount (live: read them when needed). */
  readonly load: MountLoad = {
    active: () => this.#active,
    queued: () => this.#gate?.queued ?? 0,
    rejected: () => Object.assign({}, this.#rejected),
  };

  /** The scope of a new request on `endpoint` (its signal is what the run config gets). */
  open(reply: FastifyReply, endpoint: EndpointName): RunScope {
    return new RunScope(reply, STREAMING.has(endpoint));
  }

  /**
   * Starts `scope`'s run: returns at once when a slot is free (or there is no gate), a promise
   * when it waits; throws (or rejects with) a {@link RunRefused}.
   */
  admit(scope: RunScope, reply: FastifyReply, endpoint: EndpointName): void | Promise<void> {
    if (this.#lifecycle.closing) throw new RunRefused(shuttingDown());
    const gate = this.#gate;
    if (gate === undefined || gate.tryAcquire()) {
      this.#start(scope);
      return;
    }
    return gate.wait(reply.raw).then(
      () => {
        if (this.#lifecycle.closing) {
          gate.release();
          throw new RunRefused(shuttingDown());
        }
        this.#start(scope);
      },
      (error: ChainserveError) => {
        if (error.code === "OVERLOADED") {
          this.#rejected[endpoint] = (this.#rejected[endpoint] ?? 0) + 1;
          void reply.header("retry-after", String(this.#limits.retryAfterSeconds));
        }
        throw new RunRefused(error);
      },
    );
  }

  #start(scope: RunScope): void {
    this.#active++;
    this.#lifecycle.runs.add(scope);
    const { runTimeoutMs, maxStreamDurationMs } = this.#limits;
    const streamMs = scope.streaming ? maxStreamDurationMs : undefined;
    if (runTimeoutMs === undefined && streamMs === undefined) {
      scope.admitted(this.#finish, undefined, timeoutError);
    } else if (streamMs !== undefined && (runTimeoutMs === undefined || streamMs < runTimeoutMs)) {
      scope.admitted(this.#finish, streamMs, () => new ChainserveError("TIMEOUT", `The stream exceeded its maximum duration of ${streamMs} ms`));
    } else {
      scope.admitted(this.#finish, runTimeoutMs, () => new ChainserveError("TIMEOUT", `The run exceeded its timeout of ${runTimeoutMs} ms`));
    }
  }

  readonly #finish = (scope: RunScope): void => {
    this.#active--;
    this.#lifecycle.runs.delete(scope);
    this.#gate?.release();
  };
}

function timeoutError(): ChainserveError {
  return new ChainserveError("TIMEOUT", "The run timed out");
}
