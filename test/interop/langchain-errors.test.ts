/**
 * Failures of LangChain.js (`@langchain/core` 1.x and 0.3.x) chains served by chainserve, over
 * a real port: the one error shape on every endpoint, as for the native `/boom`; the
 * `errorMapper`; LangChain.js's input errors (a prompt variable missing, a value that is
 * not a message) as 422 BAD_REQUEST, not 500; both clients rebuild the error.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isRemoteRunnableError } from "../../src/client/index.js";
import { fakeChatModelClass, loadLangChain } from "./langchain-chains.js";
import { dataOf, grammar, serveLangChain, type LangChainServer } from "./langchain-serve.js";
import { langChainMounts, nativeMounts } from "./langchain-twins.js";

const SANITISED = { detail: "Internal Server Error", message: "Internal Server Error", code: "INTERNAL" };

describe.each(["1", "0.3"] as const)("@langchain/core %s chains that fail", (version) => {
  let lc: LangChainServer;
  let native: LangChainServer;
  beforeAll(async () => {
    const modules = await loadLangChain(version);
    const Model = fakeChatModelClass(modules);
    const { ChatPromptTemplate, MessagesPlaceholder } = modules.prompts;
    // Behind a lambda the prompt's variables are not the mount's input schema: LangChain.js checks them.
    const behindLambda = modules.runnables.RunnableLambda.from((x: unknown) => x).pipe(ChatPromptTemplate.fromTemplate("about {topic}")).pipe(new Model("hi"));
    const history = ChatPromptTemplate.fromMessages([new MessagesPlaceholder("history"), ["human", "{question}"]]).pipe(new Model("hi"));
    lc = await serveLangChain([
      ...langChainMounts(modules),
      { path: "/behind", runnable: behindLambda },
      { path: "/history", runnable: history },
      { path: "/model", runnable: new Model("hi") },
    ]);
    native = await serveLangChain(nativeMounts());
  });
  afterAll(async () => {
    await lc?.close();
    await native?.close();
  });

  it.each(["invoke", "batch"])("answers a throwing chain on %s with the native sanitised 500", async (endpoint) => {
    const body = endpoint === "batch" ? { inputs: [1] } : { input: 1 };
    const [a, e] = await Promise.all([lc.post(`/boom/${endpoint}`, body), native.post(`/boom/${endpoint}`, body)]);
    expect(a).toEqual({ status: 500, body: SANITISED });
    expect(a).toEqual(e);
  });

  it.each(["stream", "stream_log", "stream_events"])("ends a throwing chain's %s with the native error event", async (endpoint) => {
    const [a, e] = await Promise.all([lc.sse(`/boom/${endpoint}`, { input: 1 }), native.sse(`/boom/${endpoint}`, { input: 1 })]);
    expect(grammar(a.messages)).toEqual(grammar(e.messages));
    expect(grammar(a.messages).at(-1)).toBe("error");
    const error = a.messages.at(-1);
    expect(JSON.parse(error?.data ?? "null")).toEqual({ status_code: 500, message: "Internal Server Error" });
    if (endpoint === "stream_events") expect(dataOf(a.messages).map((x: { event: string }) => x.event)).toEqual(dataOf(e.messages).map((x: { event: string }) => x.event));
  });

  it("answers through the errorMapper, on invoke and in the stream's error event", async () => {
    const res = await lc.post("/mapped/invoke", { input: 1 });
    expect(res).toEqual({ status: 409, body: { detail: "the chain said boom", message: "the chain said boom", code: "BAD_REQUEST" } });
    const stream = await lc.sse("/mapped/stream", { input: 1 });
    expect(JSON.parse(stream.messages.at(-1)?.data ?? "null")).toEqual({ status_code: 409, message: "the chain said boom" });
  });

  it("answers a prompt variable missing inside the chain with 422 BAD_REQUEST, on every endpoint", async () => {
    const res = await lc.post("/behind/invoke", { input: { nope: 1 } });
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ code: "BAD_REQUEST", message: expect.stringContaining("topic") });
    expect(res.body.message).not.toContain("\n");
    expect((await lc.post("/behind/batch", { inputs: [{ topic: "a" }, { nope: 1 }] })).status).toBe(422);
    for (const endpoint of ["stream", "stream_log", "stream_events"]) {
      const stream = await lc.sse(`/behind/${endpoint}`, { input: { nope: 1 } });
      expect(grammar(stream.messages).at(-1)).toBe("error");
      expect(JSON.parse(stream.messages.at(-1)?.data ?? "null")).toMatchObject({ status_code: 422 });
    }
    expect((await lc.post("/behind/invoke", { input: { topic: "bears" } })).status).toBe(200);
  });

  it("answers a value a MessagesPlaceholder cannot take, and a model input that is no prompt, with 422", async () => {
    const history = await lc.post("/history/invoke", { input: { question: "q", history: 5 } });
    expect(history.status).toBe(422);
    expect(history.body.code).toBe("BAD_REQUEST");
    const coerce = await lc.post("/model/invoke", { input: [{ foo: 1 }] });
    expect(coerce).toMatchObject({ status: 422, body: { code: "BAD_REQUEST" } });
    expect(await lc.post("/model/invoke", { input: 5 })).toMatchObject({ status: 422, body: { code: "BAD_REQUEST" } });
    const scalar = await lc.sse("/model/stream", { input: 5 });
    expect(JSON.parse(scalar.messages.at(-1)?.data ?? "null")).toMatchObject({ status_code: 422 });
    expect((await lc.post("/history/invoke", { input: { question: "q", history: [{ type: "human", content: "hi" }] } })).status).toBe(200);
  });

  it("gives chainserve's client the code and LangChain.js's client an error", async () => {
    const bad = await lc.client("/behind").invoke({ nope: 1 }).catch((error: unknown) => error);
    expect(isRemoteRunnableError(bad) && bad.code === "BAD_REQUEST" && bad.status === 422).toBe(true);
    const boom = await lc.client("/boom").invoke(1).catch((error: unknown) => error);
    expect(isRemoteRunnableError(boom) && boom.code === "INTERNAL").toBe(true);
    await expect(lc.lcClient("/behind").invoke({ nope: 1 })).rejects.toThrow(/422/);
    await expect(lc.lcClient("/boom").invoke(1)).rejects.toThrow(/500/);
  });
});
