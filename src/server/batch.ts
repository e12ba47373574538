/**
 * `POST {path}/batch`: outputs in input order, one run id per input. One failure fails the
 * request (neither LangServe client supports per-item errors).
 */
import type { FastifyReply, FastifyRequest } from "fastify";
import { batchResponse } from "../serde/envelopes.js";
import { toLangServe } from "../serde/lc-json.js";
import { replyRunError } from "./error-mapper.js";
import type { MountGuard } from "./mount-guard.js";
import type { ResolvedOptions } from "./options.js";
import { prepareBatch, replyPrepareError, type PreparedBatch, type RunConfig } from "./prepare.js";
import { noteOutput } from "./observability/run-probe.js";

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

/** The batch handler for `mount`; `guard` admits its runs (a batch takes one slot). */
export function batchHandler(mount: ResolvedOptions, guard: MountGuard) {
  return async function batch(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
    const scope = guard.open(reply, "batch");
    let run: PreparedBatch;
    try {
      run = await prepareBatch(request, mount, scope.signal);
      const admitted = guard.admit(scope, reply, "batch");
      if (admitted !== undefined) await admitted;
    } catch (error) {
      return replyPrepareError(request, reply, error, mount);
    }
    const runIds = run.configs.map((c) => c.runId);
    try {
      const outputs = run.inputs.length === 0 ? [] : await mount.runnable.batch(run.inputs, run.configs, { maxConcurrency: batchConcurrency(run.configs, mount) });
      if (scope.stopped !== undefined) return reply;
      noteOutput(request, outputs, true); // observability: tokens, logged output
      const serialized = outputs.map((o) => toLangServe(o, { concretePromptValues: true }) ?? null);
      return reply.header("content-type", "application/json").send(JSON.stringify(batchResponse(serialized, runIds)));
    } catch (error) {
      if (scope.stopped !== undefined) return reply;
      return replyRunError(request, reply, error, mount.errorMapper, runIds.join(","));
    } finally {
      scope.finish();
    }
  };
}
