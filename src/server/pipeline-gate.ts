/**
 * One run per HTTP/1.1 connection at a time. Node answers pipelined requests in order, but
 * hands every one to its handler as soon as it is parsed: a client that wrote 300
 * `/stream_log` requests and never read made the server start all 300 runs and buffer every
 * answer (issue 14). Here a request waits until its response is the one the connection is
 * writing (Node assigns the socket then and emits `socket`), so a run starts only when its
 * output can go out and be slowed down by a client that does not read. Waiting costs no run;
 * more than `maxPipelinedRequests` waiting on one connection is refused (503 OVERLOADED,
 * `Retry-After`, `Connection: close`: RFC 9112 §9.3.2 lets the client retry what was not
 * answered on a new connection). Requests on their own connection, HTTP/2 streams and the
 * first request of a pipeline pass at once.
 */
import type { Socket } from "node:net";
import type { ServerResponse } from "node:http";
import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from "fastify";
import { errorBody } from "../serde/errors.js";

const WAITERS: unique symbol = Symbol("chainserve.pipelinedWaiters");

/** The requests waiting on one connection: what each does if the connection dies first. */
type Waiters = Set<() => void>;

type GatedSocket = Socket & { [WAITERS]?: Waiters };

const OVERLOADED = JSON.stringify(
  errorBody("OVERLOADED", "Too many pipelined requests on this connection; retry the rest on a new connection"),
);

// One `close` listener per connection, however many requests wait on it.
function waitersOf(socket: GatedSocket): Waiters {
  let waiters = socket[WAITERS];
  if (waiters === undefined) {
    const created: Waiters = new Set();
    waiters = created;
    socket[WAITERS] = created;
    socket.once("close", () => {
      for (const onClose of created) onClose();
      created.clear();
    });
  }
  return waiters;
}

/**
 * A `preHandler` hook that holds each request until its response owns the connection.
 * @example
 * app.addHook("preHandler", pipelineGate(16));
 */
export function pipelineGate(maxWaiting: number) {
  return function waitForTurn(request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction): void {
    const response = reply.raw as ServerResponse;
    // Null only for an HTTP/1.1 response queued behind an earlier one on its connection.
    if (response.socket !== null) {
      done();
      return;
    }
    const waiters = waitersOf(request.raw.socket as GatedSocket);
    if (waiters.size >= maxWaiting) {
      void reply
        .code(503)
        .header("retry-after", "1")
        .header("connection", "close")
        .header("content-type", "application/json")
        .send(OVERLOADED);
      return;
    }
    const onTurn = (): void => {
      waiters.delete(onClose);
      done();
    };
    // The connection died first: nobody will read this answer, so no run starts for it.
    const onClose = (): void => {
      response.removeListener("socket", onTurn);
      request.log.debug("connection closed while a pipelined request waited");
    };
    waiters.add(onClose);
    response.once("socket", onTurn);
  };
}
