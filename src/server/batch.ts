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
import { prepareBatch, replyPrepareError, type PreparedBatch, type RunConfig } from "./prepare.js";

/**
 * How many items run at once: `maxBatchConcurrency`, lowered by a `maxConcurrency` in the
 * configs. The core reads the first config's `maxConcurrency` before the batch option, so a
 * higher one there is lowered to the cap (it then bounds the run's parallel maps too, as the
 * client asked).
 */
function batchConcurrency(configs: RunConfig[], mount: ResolvedOptions): number {
  const cap = mount.hardening.maxBatchConcurrency;
  for (const config of configs) {
    if (config.maxConcurrency !== undefined && config.maxConcurrency > cap) config.maxConcurrency = cap;
  }
  return cap;
}

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
      const outputs = run.inputs.length === 0 ? [] : await mount.runnable.batch(run.inputs, run.configs, { maxConcurrency: batchConcurrency(run.configs, mount) });
      const serialized = outputs.map((o) => toLangServe(o, { concretePromptValues: true }) ?? null);
      return reply.header("content-type", "application/json").send(JSON.stringify(batchResponse(serialized, runIds)));
    } catch (error) {
      return replyRunError(request, reply, error, mount.errorMapper, runIds.join(","));
    }
  };
}
