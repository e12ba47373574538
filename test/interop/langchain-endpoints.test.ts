/**
 * Every endpoint of chains built with LangChain.js (`@langchain/core` 1.x and 0.3.x) and
 * mounted with `addRoutes` as they are, over a real port, against the same chains built
 * with chainserve's classes on a second server: the answers must be the native ones
 * (ids and times masked), and they are also checked for their own values.
 */
import lzString from "lz-string";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { diffShape } from "../e2e/shape.js";
import { diffStream, diffStreamEvents, diffStreamLog } from "../e2e/streams.js";
import { loadLangChain, RAG_ANSWER } from "./langchain-chains.js";
import { checkParentIds, dataOf, foldLog, grammar, serveLangChain, type LangChainServer } from "./langchain-serve.js";
import { JOKE, langChainMounts, nativeMounts } from "./langchain-twins.js";

const TOKENS = JOKE.split(/(\s)/);
/** The prompt renders documents as LangChain.js does (runnable-semantics: the text is the library's own). */
const RENDERED = { typeOnly: new Set(["content"]) };

describe.each(["1", "0.3"] as const)("@langchain/core %s chains on every endpoint", (version) => {
  let lc: LangChainServer;
  let native: LangChainServer;
  beforeAll(async () => {
    lc = await serveLangChain(langChainMounts(await loadLangChain(version)));
    native = await serveLangChain(nativeMounts());
  });
  afterAll(async () => {
    await lc?.close();
    await native?.close();
  });

  /** POSTs to both servers and checks the LangChain.js answer has the native one's shape. */
  async function both(path: string, body: unknown): Promise<{ status: number; body: any }> {
    const [a, e] = await Promise.all([lc.post(path, body), native.post(path, body)]);
    expect(a.status).toBe(e.status);
    expect(diffShape(a.body, e.body)).toEqual([]);
    return a;
  }

  async function sseBoth(path: string, body: unknown) {
    const [a, e] = await Promise.all([lc.sse(path, body), native.sse(path, body)]);
    expect(a.status).toBe(200);
    return { actual: a.messages, expected: e.messages };
  }

  it("invokes each chain with the native output", async () => {
    expect((await both("/joke/invoke", { input: { topic: "bears" } })).body.output).toBe(JOKE);
    expect((await both("/assign/invoke", { input: { num: 1 } })).body.output).toEqual({ extra: { num: 1, mult: 3 }, modified: 2 });
    const rag = (await both("/rag/invoke", { input: "where did harrison work?" })).body.output;
    expect(rag).toMatchObject({ question: "where did harrison work?", output: RAG_ANSWER });
    expect(rag.context).toEqual([{ id: null, metadata: {}, page_content: "harrison worked at kensho", type: "Document" }]);
  });

  it("batches with per-item configs, each reaching its own LangChain.js run", async () => {
    const res = await both("/probe/batch", { inputs: ["a", "b"], config: [{ tags: ["first"] }, { tags: ["second"], metadata: { k: 1 } }] });
    expect(res.body.output).toEqual([
      { input: "a", tags: ["first"], user: "anonymous", k: null },
      { input: "b", tags: ["second"], user: "anonymous", k: 1 },
    ]);
    expect(new Set(res.body.metadata.run_ids).size).toBe(2);
  });

  it("answers one bad batch item with 422 at its location, from the prompt's own input schema", async () => {
    const wrong = await both("/joke/batch", { inputs: [{ topic: "a" }, { topic: 1 }] });
    expect(wrong.status).toBe(422);
    expect(wrong.body.detail).toEqual([{ type: "string_type", loc: ["inputs", 1, "topic"], msg: "Input should be a valid string", input: 1 }]);
    const missing = await both("/joke/invoke", { input: {} });
    expect(missing.body.detail).toEqual([{ type: "missing", loc: ["topic"], msg: "Field required", input: {} }]);
  });

  it("isolates a failing batch: a sanitised 500, and the next requests are served", async () => {
    const failed = await both("/probe/batch", { inputs: ["a", "bad"] });
    expect(failed.status).toBe(500);
    expect(failed.body).toEqual({ detail: "Internal Server Error", message: "Internal Server Error", code: "INTERNAL" });
    expect((await both("/probe/batch", { inputs: ["a"] })).body.output).toHaveLength(1);
  });

  it("streams the parser's text chunk by chunk, as the native chain", async () => {
    const { actual, expected } = await sseBoth("/joke/stream", { input: { topic: "bears" } });
    expect(grammar(actual)).toEqual(["metadata", "data", "end"]);
    expect(dataOf(actual)).toEqual(TOKENS);
    expect(diffStream(actual, expected, {})).toEqual([]);
  });

  it("streams a Python-form run log: every step logged, the root's final_output built up chunk by chunk", async () => {
    const { actual, expected } = await sseBoth("/joke/stream_log", { input: { topic: "bears" } });
    expect(diffStreamLog(actual, expected, {})).toEqual([]);
    const payloads = dataOf(actual);
    const state = foldLog(payloads);
    expect(state).toMatchObject({ name: "/joke", type: "chain", final_output: JOKE, streamed_output: TOKENS });
    expect(Object.keys(state.logs).sort()).toEqual(["ChatPromptTemplate", "GenericFakeChatModel", "StrOutputParser"]);
    expect(state.logs.GenericFakeChatModel).toMatchObject({ type: "llm", final_output: { generations: [[{ text: JOKE }]] } });
    const finalOutputOps = payloads.flatMap((p: { ops: { path: string }[] }) => p.ops).filter((op: { path: string }) => op.path === "/final_output");
    expect(finalOutputOps.length).toBe(TOKENS.length);
  });

  it.each([
    ["/rag", "where did harrison work?", { ...RENDERED, unorderedStreamedOutput: true }],
    ["/assign", { num: 1 }, { unorderedStreamedOutput: true }],
  ])("streams %s's run log as the native chain", async (path, input, allow) => {
    const { actual, expected } = await sseBoth(`${path}/stream_log`, { input });
    expect(diffStreamLog(actual, expected, allow)).toEqual([]);
  });

  it.each([
    ["/joke", { topic: "bears" }, {}],
    ["/rag", "where did harrison work?", { ...RENDERED, unorderedEvents: true }],
    ["/assign", { num: 1 }, { unorderedEvents: true }],
  ])("streams %s's v2 events as the native chain, with parent_ids and Python's run names", async (path, input, allow) => {
    const { actual, expected } = await sseBoth(`${path}/stream_events`, { input });
    expect(diffStreamEvents(actual, expected, allow)).toEqual([]);
    const events = dataOf(actual);
    expect(checkParentIds(events)).toEqual([]);
    const names = new Set(events.map((e: { name: string }) => e.name));
    if (path === "/rag") for (const name of ["RunnableParallel<context,question>", "RunnableAssign<output>", "Docs", "StrOutputParser"]) expect(names).toContain(name);
    if (path === "/joke") expect(events.filter((e: { event: string }) => e.event === "on_chat_model_stream").map((e: { data: { chunk: { content: string } } }) => e.data.chunk.content)).toEqual(TOKENS);
  });

  it("serves the three schemas as the native chain: the input schema from the prompt", async () => {
    for (const path of ["/joke", "/assign", "/rag", "/probe"]) {
      for (const schema of ["input_schema", "output_schema", "config_schema"]) {
        const [a, e] = await Promise.all([lc.get(`${path}/${schema}`), native.get(`${path}/${schema}`)]);
        expect({ path, schema, status: a.status, body: a.body }).toEqual({ path, schema, status: e.status, body: e.body });
      }
    }
    expect((await lc.get("/joke/output_schema")).body).toEqual({ title: "StrOutputParserOutput", type: "string" });
    expect((await lc.get("/joke/input_schema")).body).toMatchObject({ properties: { topic: { type: "string" } }, required: ["topic"] });
  });

  it("applies the /c/{config_hash} twin's config under the body's", async () => {
    const hash = lzString.compressToEncodedURIComponent(JSON.stringify({ tags: ["hashed"], metadata: { k: 7 } }));
    const res = await both(`/probe/c/${hash}/invoke`, { input: "x", config: { tags: ["body"] } });
    expect(res.body.output).toEqual({ input: "x", tags: ["body", "hashed"], user: "anonymous", k: 7 });
    const { actual } = await sseBoth(`/probe/c/${hash}/stream`, { input: "y" });
    expect(dataOf(actual)).toEqual([{ input: "y", tags: ["hashed"], user: "anonymous", k: 7 }]);
  });

  it("drops config keys outside configKeys and lets the modifier set the run's metadata", async () => {
    const dropped = await both("/probe-default/invoke", { input: "x", config: { tags: ["t"], metadata: { k: 1 } } });
    expect(dropped.body.output).toEqual({ input: "x", tags: [], user: null, k: null });
    const res = await fetch(`${lc.base}/probe/invoke`, { method: "POST", headers: { "content-type": "application/json", "x-user": "ada" }, body: JSON.stringify({ input: "x" }) });
    expect(((await res.json()) as { output: unknown }).output).toEqual({ input: "x", tags: [], user: "ada", k: null });
  });
});
