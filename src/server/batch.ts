/**
 * `POST {path}/batch`: outputs in input order, one run id per input. One failure fails the
 * request (neither LangServe client supports per-item errors).
 */
import type { FastifyReply, FastifyRequest } from "fastify";
import { batchResponse } from "../serde/envelopes.js";
import { toLangServe } from "../serde/lc-json.js";
import { replyRunError } from "./error-mapper.js";
import type { ResolvedOptions } from "./options.js";
import { RequestSignal } from "./request-signal.js";
import { noteOutput } from "./observability/run-probe.js";
import { prepareBatch, replyPrepareError, type PreparedBatch } from "./prepare.js";

/** The batch handler for `mount`. */
export function batchHandler(mount: ResolvedOptions) {
  return async function batch(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
    const signal = new RequestSignal(reply.raw);
    let run: PreparedBatch;
    try {
      run = await prepareBatch(request, mount, signal);
    } catch (error) {
      return replyPrepareError(request, reply, error, mount);
    }
    const runIds = run.configs.map((c) => c.runId);
    try {
      const outputs = run.inputs.length === 0 ? [] : await mount.runnable.batch(run.inputs, run.configs);
      noteOutput(request, outputs, true); // observability: tokens, logged output
      const serialized = outputs.map((o) => toLangServe(o, { concretePromptValues: true }) ?? null);
      return reply.header("content-type", "application/json").send(JSON.stringify(batchResponse(serialized, runIds)));
    } catch (error) {
      return replyRunError(request, reply, error, mount.errorMapper, runIds.join(","));
    }
  };
}
