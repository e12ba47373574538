/**
 * The clients nobody here wrote and chainserve's own, against LangChain.js-built chains
 * (`@langchain/core` 1.x and 0.3.x) served by chainserve on a real port: every call
 * (invoke, batch, stream, streamLog, streamEvents v2) must give what the same client gets
 * from the same chains built natively, ids and times masked, and the values expected.
 */
import fastJsonPatch from "fast-json-patch";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AIMessage, AIMessageChunk } from "../../src/index.js";
import { chat as nativeChat } from "../../chains/chat.js";
import { JOKE, langChainReferenceChains, loadLangChain, RAG_ANSWER } from "./langchain-chains.js";
import { collect, serveLangChain, type LangChainServer } from "./langchain-serve.js";
import { langChainMounts, nativeMounts } from "./langchain-twins.js";

const TOKENS = JOKE.split(/(\s)/);
const QUESTION = "where did harrison work?";
const VOLATILE = /(lc_)?(run-{1,2})?[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(-\d+)?|\d{4}-\d{2}-\d{2}T[\d:.]+(Z|[+-]\d{2}:\d{2})?/gi;

/**
 * A client's result as comparable JSON: ids and times masked, class names kept, and the RAG
 * prompt's rendered text masked (documents render as each library renders them).
 */
function masked(value: unknown): unknown {
  const json = JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v === "string" && v.startsWith("Answer the question based only")) return "<rendered prompt>";
    return typeof v === "object" && v !== null && !Array.isArray(v) && v.constructor !== Object ? { $class: v.constructor.name, ...v } : v;
  });
  return JSON.parse(json.replace(VOLATILE, "<id>")) as unknown;
}

type Client = "chainserve" | "langchain";
const CASES: [string, unknown, boolean][] = [
  ["/chat", { topic: "bears" }, false],
  ["/joke", { topic: "bears" }, false],
  ["/assign", { num: 1 }, true],
  ["/rag", QUESTION, true],
];

describe.each(["1", "0.3"] as const)("both clients against @langchain/core %s chains", (version) => {
  let lc: LangChainServer;
  let native: LangChainServer;
  beforeAll(async () => {
    const modules = await loadLangChain(version);
    lc = await serveLangChain([...langChainMounts(modules), { path: "/chat", runnable: langChainReferenceChains(modules).chat }]);
    native = await serveLangChain([...nativeMounts(), { path: "/chat", runnable: nativeChat }]);
  });
  afterAll(async () => {
    await lc?.close();
    await native?.close();
  });

  const remote = (server: LangChainServer, client: Client, path: string) => (client === "chainserve" ? server.client(path) : server.lcClient(path));

  /** Every call of one client on one server, as comparable values. */
  async function calls(server: LangChainServer, client: Client, path: string, input: unknown, parallel: boolean) {
    const r = remote(server, client, path) as any;
    let state: unknown = null;
    for await (const patch of r.streamLog(input)) state = fastJsonPatch.applyPatch(state, structuredClone(patch.ops) as fastJsonPatch.Operation[], false, false).newDocument;
    const events = (await collect<any>(r.streamEvents(input, { version: "v2" }))).map((e) => masked({ event: e.event, name: e.name, data: e.data, parent_ids: e.parent_ids }));
    const run = state as { logs: Record<string, unknown> };
    return {
      invoke: masked(await r.invoke(input)),
      batch: masked(await r.batch([input, input])),
      stream: parallel ? (await collect<unknown>(r.stream(input))).length : masked(await collect(r.stream(input))),
      streamLog: masked(parallel ? { ...run, logs: Object.keys(run.logs).sort(), streamed_output: undefined } : state),
      events: parallel ? events.map((e) => JSON.stringify(e)).sort() : events,
    };
  }

  it.each(CASES.flatMap(([path, input, parallel]) => (["chainserve", "langchain"] as const).map((client) => [path, client, input, parallel] as const)))(
    "%s through the %s client gives what the native chain gives",
    async (path, client, input, parallel) => {
      const [a, e] = await Promise.all([calls(lc, client, path, input, parallel), calls(native, client, path, input, parallel)]);
      expect(a).toEqual(e);
    },
  );

  it("revives chainserve messages in chainserve's client and LangChain.js's in LangChain.js's", async () => {
    const ours = (await lc.client("/chat").invoke({ topic: "bears" })) as AIMessage;
    expect(ours).toBeInstanceOf(AIMessage);
    expect(ours.content).toBe(JOKE);
    const chunks = (await collect(await lc.client("/chat").stream({ topic: "bears" }))) as AIMessageChunk[];
    expect(chunks.every((c) => c instanceof AIMessageChunk)).toBe(true);
    expect(chunks.map((c: AIMessageChunk) => c.content)).toEqual(TOKENS);
    const theirs = await lc.lcClient("/chat").invoke({ topic: "bears" });
    expect(theirs.constructor.name).toBe("AIMessage");
    expect(theirs.content).toBe(JOKE);
    expect(await lc.lcClient("/joke").batch([{ topic: "a" }, { topic: "b" }])).toEqual([JOKE, JOKE]);
    expect((await lc.lcClient("/rag").invoke(QUESTION)).output).toBe(RAG_ANSWER);
  });

  it("keeps parent_ids in chainserve's client and Python's run names in both clients' v2 events", async () => {
    const events = await collect<any>(lc.client("/rag").streamEvents(QUESTION, { version: "v2" }));
    const first = (name: string) => events.find((e) => e.name === name);
    expect(first("RunnableParallel<context,question>")?.parent_ids).toEqual([events[0].run_id]);
    expect(first("Docs")?.parent_ids).toHaveLength(2);
    expect(first("GenericFakeChatModel")?.parent_ids).toHaveLength(4);
    expect(first("RunnableAssign<output>")?.parent_ids).toEqual([events[0].run_id]);
    // LangChain.js's RemoteRunnable rebuilds each event without parent_ids; the names stay Python's.
    const theirs = await collect<any>(lc.lcClient("/rag").streamEvents(QUESTION, { version: "v2" }));
    expect(new Set(theirs.map((e) => e.name))).toEqual(new Set(events.map((e) => e.name)));
  });
});
