/**
 * Core benchmark: the same chains built with chainserve and with @langchain/core 1.x,
 * measured in one process on one core, alternating rounds. Prints ops/s and the ratio and
 * writes bench/results/core.json.
 */
import { writeFile, mkdir } from "node:fs/promises";
import { RunnableLambda as LcLambda, RunnableParallel as LcParallel, RunnablePassthrough as LcPassthrough, RunnableSequence as LcSequence } from "@langchain/core/runnables";
import { ChatPromptTemplate as LcChatPrompt } from "@langchain/core/prompts";
import { StringOutputParser as LcStrParser } from "@langchain/core/output_parsers";
import { FakeListChatModel as LcFakeModel } from "@langchain/core/utils/testing";
import {
  ChatPromptTemplate,
  FakeChatModel,
  RunnableLambda,
  RunnableParallel,
  RunnablePassthrough,
  RunnableSequence,
  StrOutputParser,
} from "../src/core/index.js";
import { machine, type Machine } from "./machine.js";
import { compare, type MeasureOptions } from "./measure.js";

/** One case's figures. */
export interface CoreCase extends Machine {
  chainserve_ops: number;
  langchain_ops: number;
  ratio: number;
}

/** 56 one-character chunks: FakeChatModel splits on whitespace keeping separators, LangChain's fake streams per character. */
const RESPONSE = "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcd".split("").join(" ").slice(0, 55) + " ";

async function drain(iterable: AsyncIterable<unknown> | Promise<AsyncIterable<unknown>>): Promise<void> {
  for await (const _ of await iterable) {
    // consume
  }
}

function chains() {
  const steps = Array.from({ length: 10 }, () => (x: number) => x + 1);
  const ours = {
    seq: RunnableSequence.from(steps.map((f) => RunnableLambda.from(f)) as [RunnableLambda<number, number>, ...RunnableLambda<number, number>[]]),
    assign: RunnableParallel.from({
      extra: RunnablePassthrough.assign({ mult: (x: { num: number }) => x.num * 3 }),
      modified: (x: { num: number }) => x.num + 1,
    }),
    chat: ChatPromptTemplate.fromTemplate("tell me a joke about {topic}").pipe(new FakeChatModel({ responses: [RESPONSE] })).pipe(new StrOutputParser()),
  };
  const theirs = {
    seq: LcSequence.from(steps.map((f) => LcLambda.from(f)) as unknown as [LcLambda<number, number>, LcLambda<number, number>]),
    assign: LcParallel.from({
      extra: LcPassthrough.assign({ mult: (x: { num: number }) => x.num * 3 }),
      modified: (x: { num: number }) => x.num + 1,
    }),
    chat: LcChatPrompt.fromTemplate("tell me a joke about {topic}").pipe(new LcFakeModel({ responses: [RESPONSE] })).pipe(new LcStrParser()),
  };
  return { ours, theirs };
}

/** Run every case; `quick` shortens rounds. */
export async function runCoreBench(options: { quick?: boolean; log?: (line: string) => void } = {}): Promise<Record<string, CoreCase>> {
  const log = options.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  const measure: MeasureOptions = options.quick === true ? { warmupMs: 200, roundMs: 400, rounds: 3 } : { warmupMs: 500, roundMs: 1000, rounds: 5 };
  const { ours, theirs } = chains();
  const input = { topic: "bears" };
  const cases: [string, () => Promise<unknown>, () => Promise<unknown>][] = [
    ["seq10_invoke", () => ours.seq.invoke(0), () => theirs.seq.invoke(0)],
    ["assign_invoke", () => ours.assign.invoke({ num: 1 }), () => theirs.assign.invoke({ num: 1 })],
    ["chat_stream", () => drain(ours.chat.stream(input)), () => drain(theirs.chat.stream(input))],
    ["chat_stream_log", () => drain(ours.chat.streamLog(input)), () => drain(theirs.chat.streamLog(input))],
    [
      "chat_stream_events",
      () => drain(ours.chat.streamEvents(input, { version: "v2" })),
      () => drain(theirs.chat.streamEvents(input, { version: "v2" })),
    ],
  ];
  const results: Record<string, CoreCase> = {};
  for (const [name, a, b] of cases) {
    const { a: oursOps, b: theirsOps } = await compare(a, b, measure);
    results[name] = { chainserve_ops: Math.round(oursOps), langchain_ops: Math.round(theirsOps), ratio: Number((oursOps / theirsOps).toFixed(2)), ...machine() };
    log(`${name.padEnd(20)} chainserve ${Math.round(oursOps).toString().padStart(8)}/s   @langchain/core ${Math.round(theirsOps).toString().padStart(7)}/s   ratio ${(oursOps / theirsOps).toFixed(2)}x`);
  }
  return results;
}

/** Write results to bench/results/core.json. */
export async function writeCoreResults(results: Record<string, CoreCase>): Promise<void> {
  const dir = new URL("./results/", import.meta.url);
  await mkdir(dir, { recursive: true });
  await writeFile(new URL("core.json", dir), `${JSON.stringify(results, null, 2)}\n`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const results = await runCoreBench({ quick: process.argv.includes("--quick") });
  await writeCoreResults(results);
}
