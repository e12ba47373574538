/**
 * The server of the `paced_streams` scenario (issue 16): the example app's chat chain
 * (`createChatChain`) over a model that streams like a real provider, one token every
 * 30 ms for ~10 s, mounted with the public `addRoutes` at `/chat` (and, with a short
 * reply, at `/warm` for the warm-up). The model stamps its first token with the machine's
 * monotonic clock (`process.hrtime`, CLOCK_MONOTONIC, shared by every process on the
 * machine), so the load generator can measure time-to-first-token overhead on one clock.
 */
import { monitorEventLoopDelay, type IntervalHistogram } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import type { FastifyInstance } from "fastify";
import { AIMessageChunk, BaseChatModel, type BaseChatModelCallOptions, type BaseMessage } from "../src/index.js";
import { chatInput, createChatChain } from "../chains/chat.js";
import { buildApp } from "../routes/app.js";
import { PACED_TOKENS, STAMP_PREFIX, TOKEN_INTERVAL_MS, WARM_TOKENS } from "./paced-config.js";


const WORDS = [" the", " bear", " walked", " into", " a", " bar", " and", " ordered", " honey", "."];

/** Tokens emitted by every {@link PacedChatModel} of this process. */
let tokensEmitted = 0;

/**
 * A chat model paced like a provider: `tokens` tokens, the i-th due `i × intervalMs` after
 * the first (on a schedule, so timer lateness does not accumulate). The first token is the
 * emission time stamp; the rest are short words. Honours `config.signal`.
 */
export class PacedChatModel extends BaseChatModel {
  constructor(
    readonly tokens: number,
    readonly intervalMs = TOKEN_INTERVAL_MS,
  ) {
    super({});
  }

  protected override defaultName(): string {
    return "PacedChatModel";
  }

  protected override async *_streamResponseChunks(_messages: BaseMessage[], options: BaseChatModelCallOptions): AsyncGenerator<AIMessageChunk> {
    const start = performance.now();
    for (let i = 0; i < this.tokens; i++) {
      const wait = start + i * this.intervalMs - performance.now();
      if (wait > 0) await sleep(wait, undefined, { signal: options.signal });
      tokensEmitted++;
      yield new AIMessageChunk(i === 0 ? `${STAMP_PREFIX}${process.hrtime.bigint()}` : (WORDS[i % WORDS.length] as string));
    }
  }
}

let delay: IntervalHistogram | undefined;

/** What {@link pacedStats} reports. */
export interface PacedStats {
  /** Tokens emitted since the last reset. */
  tokens: number;
  /** Event-loop delay since the last reset (ms). */
  loop_delay_p50_ms: number;
  loop_delay_p99_ms: number;
  loop_delay_max_ms: number;
}

/**
 * Counters since the previous call with `reset` (which starts a new event-loop delay
 * histogram, sampled every 10 ms, like `monitorEventLoopDelay`'s default).
 */
export function pacedStats(reset: boolean): PacedStats {
  const ms = (ns: number): number => Math.round(ns / 1e4) / 100;
  const stats: PacedStats = {
    tokens: tokensEmitted,
    loop_delay_p50_ms: delay === undefined ? 0 : ms(delay.percentile(50)),
    loop_delay_p99_ms: delay === undefined ? 0 : ms(delay.percentile(99)),
    loop_delay_max_ms: delay === undefined ? 0 : ms(delay.max),
  };
  if (reset) {
    delay?.disable();
    delay = monitorEventLoopDelay({ resolution: 10 });
    delay.enable();
    tokensEmitted = 0;
  }
  return stats;
}

/**
 * The paced server (not listening): the example app (request ids, its hooks, the same
 * `addRoutes` options as its `/chat`) with only `/chat` and `/warm`, both over a paced model;
 * logging off as in the other benchmark servers.
 */
export async function createPacedApp(): Promise<FastifyInstance> {
  const route = (path: string, tokens: number) => ({
    runnable: createChatChain(new PacedChatModel(tokens)),
    options: { path, inputSchema: chatInput },
    description: `the chat chain over a model streaming ${tokens} tokens ${TOKEN_INTERVAL_MS} ms apart`,
  });
  return buildApp({ logger: false, env: {}, routes: [route("/chat", PACED_TOKENS), route("/warm", WARM_TOKENS)] });
}
