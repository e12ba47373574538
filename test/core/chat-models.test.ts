import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  BaseChatModel,
  BaseRetriever,
  ChatPromptTemplate,
  FakeChatModel,
  RunnableLambda,
  RunnableParallel,
  RunnablePassthrough,
  StrOutputParser,
  isAbortError,
  type BaseChatModelCallOptions,
  type RunnableConfig,
} from "../../src/core/index.js";
import { Document } from "../../src/core/documents/index.js";
import { AIMessage, AIMessageChunk, HumanMessage, SystemMessage, type BaseMessage } from "../../src/core/messages/index.js";
import { ChatPromptValue } from "../../src/core/prompt-values.js";
import { capturesDir, parseCaptureResponse, parseSse } from "../e2e/captures.js";

const JOKE = "Why don't bears wear shoes? Because they have bear feet!";
const JOKE_CHUNKS = ["Why", " ", "don't", " ", "bears", " ", "wear", " ", "shoes?", " ", "Because", " ", "they", " ", "have", " ", "bear", " ", "feet!"];
const RUN_ID = /^run--[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

async function collect<T>(iterable: AsyncIterable<T> | Promise<AsyncIterable<T>>): Promise<T[]> {
  const out: T[] = [];
  for await (const chunk of await iterable) out.push(chunk);
  return out;
}

/** The `data` of a run event (custom events aside, which these tests do not dispatch). */
function dataOf(event: { data: unknown } | undefined): { input?: unknown; chunk?: unknown; output?: unknown } {
  return (event?.data ?? {}) as { input?: unknown; chunk?: unknown; output?: unknown };
}

/** The `data` payloads of a captured SSE response, parsed. */
function captureData(name: string): unknown[] | undefined {
  const dir = capturesDir();
  if (dir === undefined) return undefined;
  const response = parseCaptureResponse(readFileSync(join(dir, `${name}.http`), "utf8"));
  return parseSse(response.body)
    .filter((m) => m.event === "data" && m.data !== undefined)
    .map((m) => JSON.parse(m.data as string) as unknown);
}

/** Echoes what it received: the last message's text, the stop sequences, the message types. */
class EchoModel extends BaseChatModel {
  protected override async *_streamResponseChunks(messages: BaseMessage[], options: BaseChatModelCallOptions): AsyncGenerator<AIMessageChunk> {
    yield new AIMessageChunk(`${messages.map((m) => m.getType()).join(",")}|${messages.at(-1)?.text ?? ""}|${(options.stop ?? []).join(",")}`);
  }
}

describe("FakeChatModel", () => {
  it("streams the 19 chunks of the /chat stream capture", async () => {
    const chunks = await collect(new FakeChatModel({ responses: [JOKE] }).stream("tell me a joke about bears"));
    expect(chunks.map((c) => c.content)).toEqual(JOKE_CHUNKS);
    const captured = captureData("chat_stream");
    if (captured !== undefined) expect(chunks.map((c) => c.content)).toEqual(captured.map((d) => (d as { content: string }).content));
  });

  it("gives every chunk of one call the same run-- id and a new id per call", async () => {
    const model = new FakeChatModel({ responses: ["a b"] });
    const first = await collect(model.stream("x"));
    const second = await collect(model.stream("x"));
    expect(first.every((c) => c instanceof AIMessageChunk)).toBe(true);
    expect(first[0]?.id).toMatch(RUN_ID);
    expect(new Set(first.map((c) => c.id)).size).toBe(1);
    expect(second[0]?.id).not.toBe(first[0]?.id);
  });

  it("keeps every whitespace character as its own chunk, as Python's re.split does", async () => {
    const chunks = await collect(new FakeChatModel({ responses: ["a  b\nc"] }).stream("x"));
    expect(chunks.map((c) => c.content)).toEqual(["a", " ", "", " ", "b", "\n", "c"]);
  });

  it("cycles through its responses, one per call", async () => {
    const model = new FakeChatModel({ responses: ["one", "two"] });
    expect((await model.invoke("x")).content).toBe("one");
    expect((await collect(model.stream("x"))).map((c) => c.content)).toEqual(["two"]);
    expect((await model.invoke("x")).content).toBe("one");
  });

  it("invokes to an AIMessage holding the full text and a run--…-0 id", async () => {
    const message = await new FakeChatModel({ responses: [JOKE] }).invoke("hi");
    expect(message).toBeInstanceOf(AIMessage);
    expect(message.content).toBe(JOKE);
    expect(message.id).toMatch(/^run--[0-9a-f-]{36}-0$/);
  });

  it("stops streaming when the signal aborts", async () => {
    const controller = new AbortController();
    const model = new FakeChatModel({ responses: [JOKE], sleepMs: 15 });
    const seen: string[] = [];
    let error: unknown;
    try {
      for await (const chunk of await model.stream("x", { signal: controller.signal })) {
        seen.push(chunk.content as string);
        if (seen.length === 2) controller.abort();
      }
    } catch (e) {
      error = e;
    }
    expect(isAbortError(error)).toBe(true);
    expect(seen).toEqual(["Why", " "]);
  });

  it("rejects an invoke whose signal aborts", async () => {
    const model = new FakeChatModel({ responses: ["slow"], sleepMs: 1_000 });
    const started = Date.now();
    await expect(model.invoke("x", { signal: AbortSignal.timeout(20) })).rejects.toMatchObject({ name: "TimeoutError" });
    expect(Date.now() - started).toBeLessThan(500);
  });

  it("reports chat model events with the captured names, metadata and chunk ids", async () => {
    const chain = ChatPromptTemplate.fromTemplate("tell me a joke about {topic}").pipe(new FakeChatModel({ responses: [JOKE] }));
    const events = await collect(chain.streamEvents({ topic: "bears" }, { version: "v2" }));
    const start = events.find((e) => e.event === "on_chat_model_start");
    expect(start).toMatchObject({
      name: "GenericFakeChatModel",
      tags: ["seq:step:2"],
      metadata: { ls_provider: "genericfakechatmodel", ls_model_type: "chat" },
    });
    expect(dataOf(start).input).toEqual({ messages: [[new HumanMessage("tell me a joke about bears")]] });
    const tokens = events.filter((e) => e.event === "on_chat_model_stream");
    expect(tokens.map((e) => (dataOf(e).chunk as AIMessageChunk).content)).toEqual(JOKE_CHUNKS);
    expect(tokens.every((e) => (dataOf(e).chunk as AIMessageChunk).id === `run--${start?.run_id}`)).toBe(true);
    const end = events.find((e) => e.event === "on_chat_model_end");
    expect((dataOf(end).output as AIMessageChunk).content).toBe(JOKE);
  });

  it("streams tokens to event listeners even when invoked inside a lambda", async () => {
    const chain = RunnableLambda.from((topic: string, config: RunnableConfig) => new FakeChatModel({ responses: ["a b"] }).invoke(topic, config));
    const events = await collect(chain.streamEvents("x", { version: "v2" }));
    expect(events.filter((e) => e.event === "on_chat_model_stream").map((e) => (dataOf(e).chunk as AIMessageChunk).content)).toEqual(["a", " ", "b"]);
    const output = dataOf(events.at(-1)).output as AIMessage;
    expect(output.content).toBe("a b");
    const modelRun = events.find((e) => e.event === "on_chat_model_start")?.run_id;
    expect(output.id).toBe(`run--${modelRun}-0`);
  });

  it("uses the caller's runId for message ids when nothing traces", async () => {
    const runId = "0a1b2c3d-0000-4000-8000-000000000001";
    const model = new FakeChatModel({ responses: ["a b"] });
    expect((await model.invoke("x", { runId })).id).toBe(`run--${runId}-0`);
    expect((await collect(model.stream("x", { runId }))).map((c) => c.id)).toEqual([`run--${runId}`, `run--${runId}`, `run--${runId}`]);
  });
});

describe("BaseChatModel", () => {
  it("accepts strings, message lists, role pairs and prompt values", async () => {
    const model = new EchoModel();
    expect((await model.invoke("hi")).content).toBe("human|hi|");
    expect((await model.invoke([["system", "be brief"], "hello"])).content).toBe("system,human|hello|");
    expect((await model.invoke(new ChatPromptValue([new SystemMessage("s"), new AIMessage("a")]))).content).toBe("system,ai|a|");
  });

  it("passes the stop call option to the model", async () => {
    expect((await new EchoModel().invoke("hi", { stop: ["\n", "END"] })).content).toBe("human|hi|\n,END");
  });

  it("rejects inputs that are not messages with BAD_REQUEST", async () => {
    await expect(new EchoModel().invoke(42 as never)).rejects.toMatchObject({ code: "BAD_REQUEST" });
  });

  it("derives ls_provider from the class name like Python", async () => {
    const events = await collect(new EchoModel().pipe(new StrOutputParser()).streamEvents("hi", { version: "v2" }));
    expect(events.find((e) => e.event === "on_chat_model_start")?.metadata).toMatchObject({ ls_provider: "echomodel", ls_model_type: "chat" });
  });
});

/** The /rag reference retriever: one fixed document, a little slower than the passthrough. */
class FakeRetriever extends BaseRetriever {
  protected override async _getRelevantDocuments(): Promise<Document[]> {
    await new Promise((resolve) => setTimeout(resolve, 10));
    return [new Document({ pageContent: "harrison worked at kensho" })];
  }
}

describe("reference chains built from the public API", () => {
  const chat = () => ChatPromptTemplate.fromTemplate("tell me a joke about {topic}").pipe(new FakeChatModel({ responses: [JOKE] }));
  const rag = () =>
    RunnableParallel.from({ context: new FakeRetriever().withConfig({ runName: "Docs" }), question: new RunnablePassthrough() }).pipe(
      RunnablePassthrough.assign({
        output: ChatPromptTemplate.fromTemplate<string, { context: Document[]; question: string }>("Answer the question based only on the following context:\n{context}\n\nQuestion: {question}")
          .pipe(new FakeChatModel({ responses: ["Harrison worked at Kensho."] }))
          .pipe(new StrOutputParser()),
      }),
    );

  it("/chat invokes to the joke and streams the captured chunks", async () => {
    const message = await chat().invoke({ topic: "bears" });
    expect(message.content).toBe(JOKE);
    const chunks = await collect(chat().stream({ topic: "bears" }));
    expect(chunks.map((c) => (c as AIMessageChunk).content)).toEqual(JOKE_CHUNKS);
  });

  it("/rag invokes to question, context and output", async () => {
    expect(await rag().invoke("where did harrison work?")).toEqual({
      context: [new Document({ pageContent: "harrison worked at kensho" })],
      question: "where did harrison work?",
      output: "Harrison worked at Kensho.",
    });
  });

  it("/rag streams the chunk sequence of the capture", async () => {
    const chunks = await collect(rag().stream("where did harrison work?"));
    const expected = [
      { question: "where did harrison work?" },
      { context: [new Document({ pageContent: "harrison worked at kensho" })] },
      ...["Harrison", " ", "worked", " ", "at", " ", "Kensho."].map((output) => ({ output })),
    ];
    expect(chunks).toEqual(expected);
    const captured = captureData("rag_stream");
    if (captured !== undefined) {
      expect(captured.slice(2)).toEqual(expected.slice(2));
      expect(captured[0]).toEqual(expected[0]);
    }
  });

  it("/rag renders the prompt exactly as the captured events show", async () => {
    const events = await collect(rag().streamEvents("where did harrison work?", { version: "v2" }));
    const promptEnd = events.find((e) => e.event === "on_prompt_end");
    expect((dataOf(promptEnd).output as ChatPromptValue).messages[0]?.content).toBe(
      "Answer the question based only on the following context:\n[Document(metadata={}, page_content='harrison worked at kensho')]\n\nQuestion: where did harrison work?",
    );
  });
});
