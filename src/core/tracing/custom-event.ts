/** Custom events: progress and other app data a runnable reports to streamEvents consumers. */
import { RUN_CONTEXT, type RunnableConfig } from "../config.js";

/**
 * Report a custom event from inside a runnable. It reaches streamEvents consumers as
 * `{event: "on_custom_event", name, data, run_id: <the dispatching run>, …}`. Pass the
 * config the runnable received; without tracing (plain invoke/stream) this does nothing.
 * @example
 * const step = RunnableLambda.from(async (input: string, config) => {
 *   dispatchCustomEvent("progress", { pct: 50 }, config);
 *   return input;
 * });
 */
export function dispatchCustomEvent(name: string, data: unknown, config?: RunnableConfig): void {
  const ctx = config?.[RUN_CONTEXT];
  if (ctx === undefined) return;
  ctx.listener.onCustomEvent(ctx.parent, name, data);
}
