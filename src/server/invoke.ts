/** `POST {path}/invoke`: one input, one output, `{output, metadata: {run_id, feedback_tokens}}`. */
import type { FastifyReply, FastifyRequest } from "fastify";
import { invokeResponse } from "../serde/envelopes.js";
import { toLangServe } from "../serde/lc-json.js";
import { replyRunError } from "./error-mapper.js";
import type { ResolvedOptions } from "./options.js";
import { RequestSignal } from "./request-signal.js";
import { noteOutput } from "./observability/run-probe.js";
import { prepareSingle, replyPrepareError, type PreparedRun } from "./prepare.js";

/** The invoke handler for `mount`. */
export function invokeHandler(mount: ResolvedOptions) {
  return async function invoke(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
    const signal = new RequestSignal(reply.raw);
    let run: PreparedRun;
    try {
      const prepared = prepareSingle(request, mount, "invoke", signal);
      run = prepared instanceof Promise ? await prepared : prepared;
    } catch (error) {
      return replyPrepareError(request, reply, error, mount);
    }
    const runId = run.config.runId;
    try {
      const output = await mount.runnable.invoke(run.input, run.config);
      noteOutput(request, output, false); // observability: tokens, logged output
      // A root chat prompt value is typed on invoke (LangServe's declared-output quirk, §3.1).
      const body = JSON.stringify(invokeResponse(toLangServe(output, { concretePromptValues: true }) ?? null, runId));
      return reply.header("content-type", "application/json").send(body);
    } catch (error) {
      return replyRunError(request, reply, error, mount.errorMapper, runId);
    }
  };
}
