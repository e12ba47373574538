/**
 * The client against Python LangServe's recorded wire: every capture in
 * ../shared/spec/langserve-captures is replayed as recorded (replay-server.ts) and the
 * client must decode it — outputs revived, chunks concatenating to the recorded result,
 * stream_log patches folding to the right final_output, events keeping parent_ids, and error
 * replies raising RemoteRunnableError with the recorded status.
 */
import type { Server } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AIMessage, AIMessageChunk, Document, concat, type RunnableConfig } from "../../src/core/index.js";
import { RunLogPatch } from "../../src/core/tracing/run-log.js";
import { fromLangServe } from "../../src/serde/lc-json.js";
import { RemoteRunnable, isRemoteRunnableError, type RunLog, type StreamEvent } from "../../src/client/index.js";
import { capturesDir, loadCaptures, mediaType, parseSse, type Capture } from "../e2e/captures.js";
import { startReplayServer } from "./replay-server.js";

const JOKE = "Why don't bears wear shoes? Because they have bear feet!";
const RAG = { question: "where did harrison work?", context: [new Document({ pageContent: "harrison worked at kensho", metadata: {} })], output: "Harrison worked at Kensho." };
/** What each chain's stream adds up to (also its stream_log final_output). */
const FINAL: Record<string, (value: unknown) => void> = {
  chat: (v) => {
    expect(v).toBeInstanceOf(AIMessageChunk);
    expect((v as AIMessageChunk).content).toBe(JOKE);
  },
  rag: (v) => expect(v).toEqual(RAG),
  assign: (v) => expect(v).toEqual({ extra: { num: 1, mult: 3 }, modified: 2 }),
  echo: (v) => expect(v).toEqual({ a: 1 }),
};
/** No client method reads `/openapi.json`. */
const NOT_FOR_CLIENTS = new Set(["openapi_json"]);

const dir = capturesDir();
if (dir === undefined) {
  console.warn("\n*** replay.test.ts SKIPPED: ../shared/spec/langserve-captures not found next to the repo ***\n");
}
const captures = dir === undefined ? [] : loadCaptures(dir).filter((c) => !NOT_FOR_CLIENTS.has(c.name));

interface Outcome {
  value?: unknown;
  items: unknown[];
  error?: unknown;
}

type Json = Record<string, unknown>;

function body(capture: Capture): Json {
  try {
    return (JSON.parse(capture.request.body ?? "") as Json | null) ?? {};
  } catch {
    return {};
  }
}

function configOf(wire: unknown): RunnableConfig {
  if (typeof wire !== "object" || wire === null) return {};
  const { tags, metadata } = wire as { tags?: string[]; metadata?: Record<string, unknown> };
  return { tags, metadata };
}

function filtersOf(b: Json): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const key of ["include_names", "include_types", "include_tags", "exclude_names", "exclude_types", "exclude_tags"]) {
    const camel = key.replace(/_(\w)/g, (_m, c: string) => c.toUpperCase());
    if (Array.isArray(b[key])) out[camel] = b[key] as string[];
  }
  return out;
}

/** Call the client method the capture's endpoint belongs to, as a caller would. */
async function call(capture: Capture, base: string): Promise<Outcome> {
  const segments = capture.request.path.split("/");
  const endpoint = segments.pop();
  const remote = new RemoteRunnable<any, any>({ url: `${base}/${capture.name}${segments.join("/")}` });
  const b = body(capture);
  const input = b.input ?? { a: 1 };
  const outcome: Outcome = { items: [] };
  try {
    switch (endpoint) {
      case "invoke":
        outcome.value = await remote.invoke(input, configOf(b.config));
        break;
      case "batch": {
        const inputs = Array.isArray(b.inputs) ? b.inputs : [b.inputs];
        outcome.value = await remote.batch(inputs, Array.isArray(b.config) ? b.config.map(configOf) : configOf(b.config));
        break;
      }
      case "stream":
        for await (const chunk of await remote.stream(input)) outcome.items.push(chunk);
        break;
      case "stream_log":
        for await (const log of remote.streamLog(input, undefined, { ...filtersOf(b), diff: b.diff === false ? false : undefined })) outcome.items.push(log);
        break;
      case "stream_events":
        for await (const event of remote.streamEvents(input, { version: "v2" }, filtersOf(b))) outcome.items.push(event);
        break;
      case "input_schema":
        outcome.value = await remote.fetchInputSchema();
        break;
      case "output_schema":
        outcome.value = await remote.fetchOutputSchema();
        break;
      case "config_schema":
        outcome.value = await remote.fetchConfigSchema();
        break;
      default:
        throw new Error(`no client method for ${capture.request.path}`);
    }
  } catch (error) {
    outcome.error = error;
  }
  return outcome;
}

function finalState(capture: Capture, items: unknown[]): RunLog {
  if (body(capture).diff === false) return items.at(-1) as RunLog;
  const [first, ...rest] = items as RunLogPatch[];
  return rest.reduce<RunLog>((log, patch) => log.concat(patch), new RunLogPatch([]).concat(first as RunLogPatch));
}

function checkSuccess(capture: Capture, outcome: Outcome, dataEvents: { event: string | undefined; data: string | undefined }[]): void {
  const chain = capture.name.split("_")[0] as string;
  const endpoint = capture.request.path.split("/").pop();
  if (endpoint === "invoke" || endpoint === "batch") {
    const recorded = (JSON.parse(capture.response.body) as { output: unknown }).output;
    expect(outcome.value).toEqual(fromLangServe(recorded));
    if (capture.name === "chat_invoke") expect(outcome.value).toBeInstanceOf(AIMessage);
    if (capture.name === "chat_batch") expect((outcome.value as unknown[]).every((m) => m instanceof AIMessage)).toBe(true);
    return;
  }
  if (endpoint?.endsWith("_schema") === true) return void expect(outcome.value).toEqual(JSON.parse(capture.response.body));
  expect(outcome.items).toHaveLength(dataEvents.length);
  if (endpoint === "stream") return void FINAL[chain]?.(outcome.items.reduce((acc, chunk) => concat(acc, chunk)));
  if (endpoint === "stream_log") {
    const state = finalState(capture, outcome.items).state;
    FINAL[chain]?.(state.final_output);
    if (capture.name === "chat_stream_log_filtered") expect(Object.keys(state.logs)).toEqual(["GenericFakeChatModel"]);
    return;
  }
  const events = outcome.items as StreamEvent[];
  const recorded = dataEvents.map((m) => (JSON.parse(m.data ?? "null") as { parent_ids: string[] }).parent_ids);
  expect(events.map((e) => e.parent_ids)).toEqual(recorded);
  const tokens = events.filter((e) => e.event === "on_chat_model_stream").map((e) => (e.data as { chunk: AIMessageChunk }).chunk);
  expect(tokens.every((t) => t instanceof AIMessageChunk)).toBe(true);
  if (chain === "chat") expect(tokens.reduce((acc, t) => concat(acc, t)).content).toBe(JOKE);
  if (chain === "rag") {
    const docs = events.find((e) => e.event === "on_retriever_end");
    expect((docs?.data as { output: unknown[] }).output[0]).toBeInstanceOf(Document);
  }
}

describe.skipIf(dir === undefined)("replaying LangServe's recorded wire", () => {
  let server: Server;
  let base: string;
  beforeAll(async () => {
    ({ server, base } = await startReplayServer(captures));
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it.each(captures.map((c) => [c.name, c] as const))("decodes %s", async (_name, capture) => {
    const outcome = await call(capture, base);
    const sse = mediaType(capture.response.headers["content-type"]) === "text/event-stream";
    const messages = sse ? parseSse(capture.response.body) : [];
    const dataEvents = messages.filter((m) => m.event === "data");
    const streamError = messages.find((m) => m.event === "error");
    if (capture.response.status >= 400 || streamError !== undefined) {
      expect(isRemoteRunnableError(outcome.error), String(outcome.error)).toBe(true);
      const error = outcome.error as { status: number; detail: unknown };
      if (streamError !== undefined) {
        expect(error.status).toBe((JSON.parse(streamError.data ?? "{}") as { status_code: number }).status_code);
        expect(outcome.items).toHaveLength(dataEvents.length);
      } else {
        expect(error.status).toBe(capture.response.status);
        const recorded = (JSON.parse(capture.response.body.startsWith("{") ? capture.response.body : "{}") as { detail?: unknown }).detail;
        expect(error.detail).toEqual(recorded);
      }
      return;
    }
    expect(outcome.error).toBeUndefined();
    checkSuccess(capture, outcome, dataEvents);
  });
});
