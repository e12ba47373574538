import jsonPatch from "fast-json-patch";
import { describe, expect, test } from "vitest";
import {
  Runnable,
  RunnableLambda,
  RunnableParallel,
  RunnablePassthrough,
  RunnableSequence,
  type RunnableConfig,
} from "../../src/core/index.js";
import { Document } from "../../src/core/documents/index.js";
import { AIMessageChunk } from "../../src/core/messages/index.js";
import { ChatPromptValue } from "../../src/core/prompt-values.js";
import { diffOutput } from "../../src/core/tracing/final-output-diff.js";
import { RunLog, RunLogPatch, type Operation } from "../../src/core/tracing/stream-log.js";

import { FakeChatModel, FakePrompt, FakeRetriever, FakeStrParser, jokeChain } from "./tracing-fakes.js";

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

async function patchesOf(runnable: Runnable, input: unknown, options: Parameters<Runnable["streamLog"]>[2] = {}): Promise<Operation[][]> {
  const patches = await collect(runnable.streamLog(input, {}, { ...options, diff: true }));
  return patches.map((patch) => patch.ops);
}

const opPaths = (patches: Operation[][]): string[][] => patches.map((ops) => ops.map((op) => `${op.op} ${op.path}`));

/** Copies plain data and keeps class instances (messages, documents), so applying never touches the ops. */
function copyPlain(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(copyPlain);
  if (typeof value === "object" && value !== null && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, copyPlain(v)]));
  }
  return value;
}

function applyAll(patches: Operation[][]): Record<string, any> {
  let doc: unknown = {};
  for (const ops of patches) doc = jsonPatch.applyPatch(doc, copyPlain(ops) as jsonPatch.Operation[], false, true).newDocument;
  return doc as Record<string, any>;
}

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00$/;

// ---------------------------------------------------------------- the Python transcript

describe("streamLog in Python's form", () => {
  test("a prompt | model | parser chain with include_names reproduces the A.12 transcript", async () => {
    const patches = await patchesOf(jokeChain(), { topic: "bears" }, { includeNames: ["StrOutputParser"] });

    expect(opPaths(patches)).toEqual([
      ["replace "],
      ["add /logs/StrOutputParser"],
      ["add /logs/StrOutputParser/streamed_output/-"],
      ["add /streamed_output/-", "replace /final_output"],
      ["add /logs/StrOutputParser/streamed_output/-"],
      ["add /streamed_output/-", "replace /final_output"],
      ["add /logs/StrOutputParser/streamed_output/-"],
      ["add /streamed_output/-", "replace /final_output"],
      ["add /logs/StrOutputParser/final_output", "add /logs/StrOutputParser/end_time"],
    ]);
    const root = patches[0]?.[0] as { value: Record<string, unknown> };
    expect(Object.keys(root.value)).toEqual(["id", "streamed_output", "final_output", "logs", "name", "type"]);
    expect(root.value).toMatchObject({ streamed_output: [], final_output: null, logs: {}, name: "RunnableSequence", type: "chain" });

    const entry = patches[1]?.[0] as { value: Record<string, unknown> };
    expect(Object.keys(entry.value)).toEqual([
      "id", "name", "type", "tags", "metadata", "start_time", "streamed_output", "streamed_output_str", "final_output", "end_time",
    ]);
    expect(entry.value).toMatchObject({ name: "StrOutputParser", type: "parser", tags: ["seq:step:3"], final_output: null, end_time: null });
    expect(entry.value.start_time).toMatch(ISO);

    const values = patches.map((ops) => ops.map((op) => (op.op === "remove" ? undefined : op.value)));
    expect(values.slice(2, 8)).toEqual([["Hello"], ["Hello", "Hello"], [" "], [" ", "Hello "], ["world"], ["world", "Hello world"]]);
    expect(values[8]?.[0]).toEqual({ output: "Hello world" });
    expect(values[8]?.[1]).toMatch(ISO);
  });

  test("without filters a prompt | model chain follows the LangServe chat capture op by op", async () => {
    const chain = RunnableSequence.from([new FakePrompt(), new FakeChatModel(["Why", " ", "bears"])]);
    const patches = await patchesOf(chain, { topic: "bears" });

    expect(opPaths(patches)).toEqual([
      ["replace "],
      ["add /logs/ChatPromptTemplate"],
      ["add /logs/ChatPromptTemplate/final_output", "add /logs/ChatPromptTemplate/end_time"],
      ["add /logs/FakeChatModel"],
      ["add /logs/FakeChatModel/streamed_output_str/-", "add /logs/FakeChatModel/streamed_output/-"],
      ["add /streamed_output/-", "replace /final_output"],
      ["add /logs/FakeChatModel/streamed_output_str/-", "add /logs/FakeChatModel/streamed_output/-"],
      ["add /streamed_output/-", "replace /final_output"],
      ["add /logs/FakeChatModel/streamed_output_str/-", "add /logs/FakeChatModel/streamed_output/-"],
      ["add /streamed_output/-", "replace /final_output"],
      ["add /logs/FakeChatModel/final_output", "add /logs/FakeChatModel/end_time"],
    ]);
    const state = applyAll(patches);
    expect(state.logs.ChatPromptTemplate.final_output).toBeInstanceOf(ChatPromptValue);
    expect(state.logs.FakeChatModel).toMatchObject({ type: "llm", tags: ["seq:step:2"], metadata: { ls_provider: "fake", ls_model_type: "chat" } });
    expect(state.logs.FakeChatModel.streamed_output_str).toEqual(["Why", " ", "bears"]);
    expect(state.logs.FakeChatModel.streamed_output[0]).toBeInstanceOf(AIMessageChunk);
    const result = state.logs.FakeChatModel.final_output;
    expect(Object.keys(result)).toEqual(["generations", "llm_output", "run", "type"]);
    expect(result).toMatchObject({ llm_output: null, run: null, type: "LLMResult" });
    expect(result.generations[0][0]).toMatchObject({ text: "Why bears", generation_info: null, type: "ChatGenerationChunk" });
    expect(result.generations[0][0].message.text).toBe("Why bears");
    expect(state.final_output).toBeInstanceOf(AIMessageChunk);
    expect(state.final_output.text).toBe("Why bears");
  });

  test("the root state takes its id and name from runId and runName", async () => {
    const runId = "5eff0000-0000-4000-8000-000000000000";
    const [first] = await collect(jokeChain().streamLog({ topic: "x" }, { runId, runName: "/chat" }));
    expect(first?.ops).toEqual([
      { op: "replace", path: "", value: { id: runId, streamed_output: [], final_output: null, logs: {}, name: "/chat", type: "chain" } },
    ]);
  });

  test("a runnable that opens no run of its own still gets a root replace first", async () => {
    class Untraced extends Runnable<number, number> {
      override invoke(input: number): Promise<number> {
        return Promise.resolve(input + 1);
      }
    }
    const patches = await patchesOf(new Untraced(), 1);
    expect(opPaths(patches)).toEqual([["replace "], ["add /streamed_output/-", "replace /final_output"]]);
    expect(patches[0]?.[0]).toMatchObject({ value: { name: "Untraced", type: "chain" } });
    expect(applyAll(patches).final_output).toBe(2);
  });

  test("runs with the same name get keys Name, Name:2 and Name:3", async () => {
    const docs = (suffix: string) => new RunnableLambda({ func: (x: string) => `${x}${suffix}`, name: "Docs" });
    const chain = RunnableSequence.from([docs("a"), docs("b"), docs("c")]);
    const state = applyAll(await patchesOf(chain, ""));
    expect(Object.keys(state.logs)).toEqual(["Docs", "Docs:2", "Docs:3"]);
    expect(state.logs["Docs:3"]).toMatchObject({ name: "Docs", tags: ["seq:step:3"], final_output: { output: "abc" } });
  });

  test("retriever runs log their documents and parallel branches log dict outputs as they are", async () => {
    const chain = RunnableParallel.from({ context: new FakeRetriever(), question: new RunnablePassthrough() });
    const state = applyAll(await patchesOf(chain, "where did harrison work?"));
    expect(state.logs.Docs).toMatchObject({ type: "retriever", tags: ["map:key:context"] });
    expect(state.logs.Docs.final_output).toEqual({ documents: [new Document({ pageContent: "harrison worked at kensho" })] });
    expect(state.logs.RunnablePassthrough.final_output).toEqual({ output: "where did harrison work?" });
    expect(state.final_output).toEqual({ question: "where did harrison work?", context: [new Document({ pageContent: "harrison worked at kensho" })] });
  });

  test("a sub-run that fails is closed with a null final_output", async () => {
    const failing = new RunnableLambda({ func: (): string => { throw new Error("inner boom"); }, name: "Failing" });
    const outer = RunnableLambda.from(async (x: string, config: RunnableConfig) => {
      try {
        return await failing.invoke(x, config);
      } catch {
        return "recovered";
      }
    });
    const patches = await patchesOf(outer, "x");
    expect(patches).toContainEqual([
      { op: "add", path: "/logs/Failing/final_output", value: null },
      { op: "add", path: "/logs/Failing/end_time", value: expect.stringMatching(ISO) },
    ]);
    expect(applyAll(patches).final_output).toBe("recovered");
  });

  test("a run name containing a slash is escaped in the JSON pointer", async () => {
    const chain = RunnableSequence.from([new RunnableLambda({ func: (x: number) => x + 1, name: "a/b~c" }), (x: number) => x * 2]);
    const patches = await patchesOf(chain, 1);
    expect(patches[1]?.[0]?.path).toBe("/logs/a~1b~0c");
    expect(Object.keys(applyAll(patches).logs)).toContain("a/b~c");
  });
});

// ---------------------------------------------------------------- filters

describe("streamLog filters", () => {
  const filtered = async (options: Parameters<Runnable["streamLog"]>[2]) => applyAll(await patchesOf(jokeChain(), { topic: "t" }, options));

  test("include filters restrict logs but keep the root ops", async () => {
    const state = await filtered({ includeNames: ["FakeChatModel"] });
    expect(Object.keys(state.logs)).toEqual(["FakeChatModel"]);
    expect(state.streamed_output).toEqual(["Hello", " ", "world"]);
    expect(state.final_output).toBe("Hello world");
  });

  test("include_types matches the stream_log type, llm for chat models", async () => {
    expect(Object.keys((await filtered({ includeTypes: ["llm"] })).logs)).toEqual(["FakeChatModel"]);
    expect(Object.keys((await filtered({ includeTypes: ["chat_model"] })).logs)).toEqual([]);
  });

  test("a run is kept when it matches any include filter and dropped by any exclude filter", async () => {
    const state = await filtered({ includeTags: ["seq:step:1"], includeTypes: ["parser"] });
    expect(Object.keys(state.logs)).toEqual(["ChatPromptTemplate", "StrOutputParser"]);
    const excluded = await filtered({ excludeTags: ["seq:step:2"], excludeNames: ["StrOutputParser"] });
    expect(Object.keys(excluded.logs)).toEqual(["ChatPromptTemplate"]);
  });

  test("an empty include list matches nothing", async () => {
    expect((await filtered({ includeNames: [] })).logs).toEqual({});
  });
});

// ---------------------------------------------------------------- final_output diffs

describe("final_output diffs", () => {
  test("dict outputs are diffed key by key, as in the LangServe RAG capture", async () => {
    const doc = new Document({ pageContent: "harrison worked at kensho" });
    const root = RunnableLambda.from(async function* () {
      yield { question: "q" };
      yield { context: [doc] };
      yield { output: "Harrison" };
      yield { output: " worked" };
    });
    const patches = await patchesOf(root, null);
    const diffs = patches.slice(1).map((ops) => ops.slice(1));
    expect(diffs).toEqual([
      [{ op: "replace", path: "/final_output", value: { question: "q" } }],
      [{ op: "add", path: "/final_output/context", value: [doc] }],
      [{ op: "add", path: "/final_output/output", value: "Harrison" }],
      [{ op: "replace", path: "/final_output/output", value: "Harrison worked" }],
    ]);
  });

  test("nested dicts are diffed recursively, as in the LangServe assign capture", async () => {
    const root = RunnableLambda.from(async function* () {
      yield { extra: { num: 1 } };
      yield { modified: 2 };
      yield { extra: { mult: 3 } };
    });
    const diffs = (await patchesOf(root, null)).slice(2).map((ops) => ops.slice(1));
    expect(diffs).toEqual([
      [{ op: "add", path: "/final_output/modified", value: 2 }],
      [{ op: "add", path: "/final_output/extra/mult", value: 3 }],
    ]);
  });

  test("a chunk that cannot be added to the output replaces it", async () => {
    const root = RunnableLambda.from(async function* () {
      yield true;
      yield false;
    });
    const patches = await patchesOf(root, null);
    expect(patches.slice(1)).toEqual([
      [{ op: "add", path: "/streamed_output/-", value: true }, { op: "replace", path: "/final_output", value: true }],
      [{ op: "add", path: "/streamed_output/-", value: false }, { op: "replace", path: "/final_output", value: false }],
    ]);
  });

  test("lists that grow get index adds, dropped keys are removed and class instances are replaced whole", () => {
    expect(diffOutput({ value: [1] }, [1, 2, 3], "/final_output")).toEqual([
      { op: "add", path: "/final_output/1", value: 2 },
      { op: "add", path: "/final_output/2", value: 3 },
    ]);
    expect(diffOutput({ value: { a: 1, b: 2 } }, { b: 2, c: 3 }, "/f")).toEqual([
      { op: "remove", path: "/f/a" },
      { op: "add", path: "/f/c", value: 3 },
    ]);
    const before = new AIMessageChunk({ content: "Why", id: "x" });
    const after = before.concat(new AIMessageChunk({ content: " not", id: "x" }));
    expect(diffOutput({ value: before }, after, "/f")).toEqual([{ op: "replace", path: "/f", value: after }]);
    expect(diffOutput({ value: before }, new AIMessageChunk({ content: "Why", id: "x" }), "/f")).toEqual([]);
  });
});

// ---------------------------------------------------------------- invariants

describe("streamLog invariants", () => {
  const chains = (): [string, Runnable, unknown][] => [
    ["prompt | model | parser", jokeChain(), { topic: "bears" }],
    ["rag-like", RunnableSequence.from([
      RunnableParallel.from({ context: new FakeRetriever(), question: new RunnablePassthrough() }),
      RunnablePassthrough.assign({
        output: RunnableSequence.from([
          (x: { question: string }) => ({ topic: x.question }),
          new FakePrompt(),
          new FakeChatModel(["Harrison", " worked"]),
          new FakeStrParser(),
        ]),
      }),
    ]), "where did harrison work?"],
    ["a single lambda", RunnableLambda.from((x: number) => x + 1), 1],
  ];

  test.each(chains())("%s: every patch is non-empty and the first one is exactly the root replace", async (_name, chain, input) => {
    const patches = await patchesOf(chain, input);
    expect(patches[0]).toHaveLength(1);
    expect(patches[0]?.[0]).toMatchObject({ op: "replace", path: "" });
    for (const ops of patches) expect(ops.length).toBeGreaterThan(0);
    expect(patches.slice(1).flat().some((op) => op.path === "")).toBe(false);
  });

  test.each(chains())("%s: applying every op to {} gives invoke's output as final_output", async (_name, chain, input) => {
    const state = applyAll(await patchesOf(chain, input));
    expect(state.final_output).toEqual(await chain.invoke(input));
  });

  test("values already yielded are never changed by later patches", async () => {
    const snapshots: string[] = [];
    const patches: RunLogPatch[] = [];
    for await (const patch of chains()[1]?.[1].streamLog("where did harrison work?") ?? []) {
      patches.push(patch);
      snapshots.push(JSON.stringify(patch.ops));
    }
    applyAll(patches.map((patch) => patch.ops));
    expect(patches.map((patch) => JSON.stringify(patch.ops))).toEqual(snapshots);
  });

  test("diff false yields RunLogs whose states are separate copies", async () => {
    const logs = await collect(jokeChain().streamLog({ topic: "bears" }, {}, { diff: false }));
    const patches = await patchesOf(jokeChain(), { topic: "bears" });
    expect(logs).toHaveLength(patches.length);
    for (const log of logs) expect(log).toBeInstanceOf(RunLog);
    const first = logs[0] as RunLog;
    const last = logs[logs.length - 1] as RunLog;
    expect(first.state).toMatchObject({ streamed_output: [], final_output: null, logs: {} });
    expect(last.state.final_output).toBe("Hello world");
    expect(last.state.streamed_output).toEqual(["Hello", " ", "world"]);
    expect(last.ops).toHaveLength(patches.flat().length);
    expect(new Set(logs.map((log) => log.state)).size).toBe(logs.length);
    expect(new Set(logs.map((log) => log.state.logs)).size).toBe(logs.length);
    const withTwoChunks = logs.find((log) => log.state.streamed_output.length === 2) as RunLog;
    expect(withTwoChunks.state.final_output).toBe("Hello ");
  });

  test("a consumer that changes a yielded state does not affect the next one", async () => {
    const states: unknown[] = [];
    for await (const log of jokeChain().streamLog({ topic: "bears" }, {}, { diff: false })) {
      states.push(log.state);
      log.state.streamed_output.push("tampered");
      log.state.logs = {};
    }
    const last = states[states.length - 1] as { streamed_output: unknown[] };
    expect(last.streamed_output).toEqual(["Hello", " ", "world", "tampered"]);
  });

  test("RunLogPatch.concat builds a RunLog and RunLog.concat leaves the original state alone", () => {
    const a = new RunLogPatch([{ op: "replace", path: "", value: { id: "r", streamed_output: [], final_output: null, logs: {}, name: "n", type: "chain" } }]);
    const b = new RunLogPatch([{ op: "add", path: "/streamed_output/-", value: 1 }, { op: "replace", path: "/final_output", value: 1 }]);
    const log = a.concat(b);
    expect(log.state).toMatchObject({ streamed_output: [1], final_output: 1 });
    const next = log.concat(new RunLogPatch([{ op: "add", path: "/streamed_output/-", value: 2 }]));
    expect(next.state.streamed_output).toEqual([1, 2]);
    expect(log.state.streamed_output).toEqual([1]);
    expect(next.ops).toHaveLength(4);
  });
});

// ---------------------------------------------------------------- timing, errors, abort

describe("streamLog delivery", () => {
  test("patches arrive while the root is still working, not with its next chunk", async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const chain = RunnableSequence.from([
      new RunnableLambda({ func: (x: string) => x, name: "First" }),
      new RunnableLambda({ func: async (x: string) => { await gate; return x; }, name: "Blocked" }),
    ]);
    const seen: string[] = [];
    for await (const patch of chain.streamLog("x")) {
      seen.push(...patch.ops.map((op) => op.path));
      if (seen.includes("/logs/Blocked")) release();
    }
    expect(seen.indexOf("/logs/First/end_time")).toBeLessThan(seen.indexOf("/logs/Blocked"));
    expect(seen).toContain("/final_output");
  });

  test("a failing root throws after the patches produced before the failure", async () => {
    const root = RunnableLambda.from(async function* () {
      yield "partial";
      throw new Error("boom");
    });
    const received: Operation[][] = [];
    const consume = async () => {
      for await (const patch of root.streamLog(null)) received.push(patch.ops);
    };
    await expect(consume()).rejects.toThrow("boom");
    expect(opPaths(received)).toEqual([["replace "], ["add /streamed_output/-", "replace /final_output"]]);
  });

  test("stopping early aborts the run and closes the runnable's stream", async () => {
    let closed = false;
    let signal: AbortSignal | undefined;
    const endless = RunnableLambda.from(async function* (_: null, config: RunnableConfig) {
      signal = config.signal;
      try {
        for (let i = 0; ; i++) {
          await new Promise((resolve) => setTimeout(resolve, 1));
          yield i;
        }
      } finally {
        closed = true;
      }
    });
    let count = 0;
    for await (const _patch of endless.streamLog(null)) if (++count === 3) break;
    await expect.poll(() => closed).toBe(true);
    expect(signal?.aborted).toBe(true);
  });
});
