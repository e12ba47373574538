/** `POST {path}/invoke`: one input, one output, `{output, metadata: {run_id, feedback_tokens}}`. */
import type { FastifyReply, FastifyRequest } from "fastify";
import { invokeResponse } from "../serde/envelopes.js";
import { toLangServe } from "../serde/lc-json.js";
import { replyRunError } from "./error-mapper.js";
import type { MountGuard } from "./mount-guard.js";
import type { ResolvedOptions } from "./options.js";
import { noteOutput } from "./observability/run-probe.js";
import { prepareSingle, replyPrepareError, type PreparedRun } from "./prepare.js";

/** The invoke handler for `mount`; `guard` admits its runs (limits, drain). */
export function invokeHandler(mount: ResolvedOptions, guard: MountGuard) {
  return async function invoke(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
    const scope = guard.open(reply, "invoke");
    let run: PreparedRun;
    try {
      const prepared = prepareSingle(request, mount, "invoke", scope.signal);
      run = prepared instanceof Promise ? await prepared : prepared;
      const admitted = guard.admit(scope, reply, "invoke");
      if (admitted !== undefined) await admitted;
    } catch (error) {
      return replyPrepareError(request, reply, error, mount);
    }
    const runId = run.config.runId;
    try {
      const output = await mount.runnable.invoke(run.input, run.config);
      // Stopped (timeout, drain deadline): the client has its error already.
      if (scope.stopped !== undefined) return reply;
      noteOutput(request, output, false); // observability: tokens, logged output
      // A root chat prompt value is typed on invoke (LangServe's declared-output quirk, §3.1).
      const body = JSON.stringify(invokeResponse(toLangServe(output, { concretePromptValues: true }) ?? null, runId));
      return reply.header("content-type", "application/json").send(body);
    } catch (error) {
      if (scope.stopped !== undefined) return reply;
      return replyRunError(request, reply, error, mount.errorMapper, runId);
    } finally {
      scope.finish();
    }
  };
}
