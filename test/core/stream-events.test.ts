import { describe, expect, test } from "vitest";
import {
  dispatchCustomEvent,
  Runnable,
  RunnableLambda,
  RunnableParallel,
  RunnablePassthrough,
  RunnableSequence,
  type EventFilters,
  type RunnableConfig,
  type StreamEvent,
} from "../../src/core/index.js";
import { Document } from "../../src/core/documents/index.js";
import { AIMessageChunk, HumanMessage } from "../../src/core/messages/index.js";
import { ChatPromptValue } from "../../src/core/prompt-values.js";

import { FakeChatModel, FakeRetriever, jokeChain } from "./tracing-fakes.js";
class InvokeOnly extends Runnable<number, number> {
  override invoke(input: number, options?: RunnableConfig): Promise<number> {
    return this._callWithConfig((x: number) => x * 10, input, options);
  }
}


async function eventsOf(runnable: Runnable, input: unknown, filters?: EventFilters, config: RunnableConfig = {}): Promise<StreamEvent[]> {
  const out: StreamEvent[] = [];
  for await (const event of runnable.streamEvents(input, { ...config, version: "v2" }, filters)) out.push(event);
  return out;
}

const labels = (events: StreamEvent[]): string[] =>
  events.map((e) => (e.event.endsWith("_stream") ? `${e.event}(${String(textOfChunk((e.data as { chunk: unknown }).chunk))})` : `${e.event}:${e.name}`));

function textOfChunk(chunk: unknown): unknown {
  return chunk instanceof AIMessageChunk ? chunk.text : chunk;
}

function find(events: StreamEvent[], event: string, name?: string): StreamEvent {
  const found = events.find((e) => e.event === event && (name === undefined || e.name === name));
  if (found === undefined) throw new Error(`no ${event} ${name ?? ""}`);
  return found;
}

// ---------------------------------------------------------------- order and shape

describe("streamEvents v2 order", () => {
  test("a prompt | model | parser chain emits Python's order: model tokens first, then bubbling inside-out", async () => {
    const events = await eventsOf(jokeChain(["Hello", " world"]), { topic: "bears" });
    expect(labels(events)).toEqual([
      "on_chain_start:RunnableSequence",
      "on_prompt_start:ChatPromptTemplate",
      "on_prompt_end:ChatPromptTemplate",
      "on_chat_model_start:FakeChatModel",
      "on_chat_model_stream(Hello)",
      "on_parser_start:StrOutputParser",
      "on_parser_stream(Hello)",
      "on_chain_stream(Hello)",
      "on_chat_model_stream( world)",
      "on_parser_stream( world)",
      "on_chain_stream( world)",
      "on_chat_model_end:FakeChatModel",
      "on_parser_end:StrOutputParser",
      "on_chain_end:RunnableSequence",
    ]);
  });

  test("each kind of event has the key order of the LangServe captures", async () => {
    const events = await eventsOf(jokeChain(["Hi"]), { topic: "bears" });
    expect(Object.keys(find(events, "on_chain_start"))).toEqual(["event", "data", "name", "tags", "run_id", "metadata", "parent_ids"]);
    expect(Object.keys(find(events, "on_chain_stream"))).toEqual(["event", "run_id", "name", "tags", "metadata", "data", "parent_ids"]);
    expect(Object.keys(find(events, "on_chat_model_stream"))).toEqual(["event", "data", "run_id", "name", "tags", "metadata", "parent_ids"]);
    expect(Object.keys(find(events, "on_chain_end"))).toEqual(["event", "data", "run_id", "name", "tags", "metadata", "parent_ids"]);
    expect(Object.keys(find(events, "on_chat_model_end").data as object)).toEqual(["output", "input"]);
  });

  test("the root start carries the input as given and the root end only the output", async () => {
    const events = await eventsOf(jokeChain(), { topic: "bears" });
    expect(events[0]?.data).toEqual({ input: { topic: "bears" } });
    expect(events[events.length - 1]?.data).toEqual({ output: "Hello world" });
  });

  test("runs shape their data by type: prompt value, chat messages, parser input learned at the end", async () => {
    const events = await eventsOf(jokeChain(), { topic: "bears" });
    const promptEnd = find(events, "on_prompt_end").data as { output: unknown; input: unknown };
    expect(promptEnd.output).toBeInstanceOf(ChatPromptValue);
    expect(promptEnd.input).toEqual({ topic: "bears" });

    const modelStart = find(events, "on_chat_model_start");
    expect(modelStart.data).toEqual({ input: { messages: [[new HumanMessage("tell me a joke about bears")]] } });
    expect(modelStart.metadata).toEqual({ ls_provider: "fake", ls_model_type: "chat" });
    expect(modelStart.tags).toEqual(["seq:step:2"]);
    const modelEnd = find(events, "on_chat_model_end").data as { output: AIMessageChunk; input: unknown };
    expect(modelEnd.output).toBeInstanceOf(AIMessageChunk);
    expect(modelEnd.output.text).toBe("Hello world");
    expect(modelEnd.input).toEqual((modelStart.data as { input: unknown }).input);

    expect(find(events, "on_parser_start").data).toEqual({});
    const parserEnd = find(events, "on_parser_end").data as { output: unknown; input: AIMessageChunk };
    expect(parserEnd.output).toBe("Hello world");
    expect(parserEnd.input.text).toBe("Hello world");
  });

  test("a chat model called with a string reports it as one human message", async () => {
    const chain = RunnableSequence.from([(x: string) => `say ${x}`, new FakeChatModel(["ok"])]);
    const events = await eventsOf(chain, "hi");
    expect(find(events, "on_chat_model_start").data).toEqual({ input: { messages: [[new HumanMessage("say hi")]] } });
  });

  test("retrievers report {query} as input and the documents as output, and parent_ids list ancestors root first", async () => {
    const chain = RunnableSequence.from([
      RunnableParallel.from({ context: new FakeRetriever(), question: new RunnablePassthrough() }),
      (x: { question: string }) => x.question.length,
    ]);
    const events = await eventsOf(chain, "where did harrison work?");
    const root = events[0] as StreamEvent;
    const parallel = find(events, "on_chain_start", "RunnableParallel<context,question>");
    const start = find(events, "on_retriever_start");
    const end = find(events, "on_retriever_end");

    expect(root.parent_ids).toEqual([]);
    expect(parallel.parent_ids).toEqual([root.run_id]);
    expect(start.parent_ids).toEqual([root.run_id, parallel.run_id]);
    expect(start).toMatchObject({ name: "Docs", tags: ["map:key:context"], data: { input: { query: "where did harrison work?" } } });
    expect(end.data).toEqual({ output: [new Document({ pageContent: "harrison worked at kensho" })], input: { query: "where did harrison work?" } });
    expect(end.run_id).toBe(start.run_id);
    expect(events.some((e) => e.event === "on_retriever_stream")).toBe(false);
  });

  test("a root that only implements invoke still streams its result before its end", async () => {
    const events = await eventsOf(new InvokeOnly(), 2);
    expect(labels(events)).toEqual(["on_chain_start:InvokeOnly", "on_chain_stream(20)", "on_chain_end:InvokeOnly"]);
  });

  test("a runnable that opens no run of its own is reported as a chain root", async () => {
    class Untraced extends Runnable<number, number> {
      override invoke(input: number): Promise<number> {
        return Promise.resolve(input + 1);
      }
    }
    const events = await eventsOf(new Untraced(), 1);
    expect(labels(events)).toEqual(["on_chain_start:Untraced", "on_chain_stream(2)", "on_chain_end:Untraced"]);
    expect(events[2]?.data).toEqual({ output: 2 });
  });

  test("v1 requests get the same events as v2", async () => {
    const v1: StreamEvent[] = [];
    for await (const event of jokeChain().streamEvents({ topic: "x" }, { version: "v1" })) v1.push(event);
    expect(labels(v1)).toEqual(labels(await eventsOf(jokeChain(), { topic: "x" })));
  });
});

// ---------------------------------------------------------------- filters

describe("streamEvents filters", () => {
  test("include_types chat_model yields only the chat model's events", async () => {
    const events = await eventsOf(jokeChain(["a", "b"]), { topic: "t" }, { includeTypes: ["chat_model"] });
    expect(labels(events)).toEqual(["on_chat_model_start:FakeChatModel", "on_chat_model_stream(a)", "on_chat_model_stream(b)", "on_chat_model_end:FakeChatModel"]);
    // The root rules are about the root: a child's start keeps its own input.
    expect(events[0]?.data).toEqual({ input: { messages: [[new HumanMessage("tell me a joke about t")]] } });
  });

  test("filters apply to the root too", async () => {
    const events = await eventsOf(jokeChain(), { topic: "t" }, { includeNames: ["RunnableSequence"] });
    expect(events.map((e) => e.event)).toEqual(["on_chain_start", "on_chain_stream", "on_chain_stream", "on_chain_stream", "on_chain_end"]);
    const excluded = await eventsOf(jokeChain(), { topic: "t" }, { excludeTags: ["seq:step:2", "seq:step:3"], excludeNames: ["RunnableSequence"] });
    expect(labels(excluded)).toEqual(["on_prompt_start:ChatPromptTemplate", "on_prompt_end:ChatPromptTemplate"]);
  });

  test("include_tags keeps runs carrying a tag given in the config", async () => {
    const events = await eventsOf(jokeChain(["x"]), { topic: "t" }, { includeTags: ["seq:step:3"] });
    expect(new Set(events.map((e) => e.name))).toEqual(new Set(["StrOutputParser"]));
  });
});

// ---------------------------------------------------------------- custom events

describe("custom events", () => {
  const reporting = () =>
    RunnableSequence.from([
      (x: string) => x,
      new RunnableLambda({
        name: "Worker",
        func: (x: string, config: RunnableConfig) => {
          dispatchCustomEvent("progress", { pct: 50 }, config);
          return x.toUpperCase();
        },
      }),
    ]);

  test("a custom event carries the dispatching run's id, its name and the payload as given", async () => {
    const events = await eventsOf(reporting(), "go", undefined, { tags: ["t1"], metadata: { user: "u" } });
    const worker = find(events, "on_chain_start", "Worker");
    const custom = find(events, "on_custom_event");
    expect(custom).toEqual({
      event: "on_custom_event",
      run_id: worker.run_id,
      name: "progress",
      tags: ["seq:step:2", "t1"],
      metadata: { user: "u" },
      data: { pct: 50 },
      parent_ids: [events[0]?.run_id],
    });
    expect(Object.keys(custom)).toEqual(["event", "run_id", "name", "tags", "metadata", "data", "parent_ids"]);
    expect(events.indexOf(custom)).toBeGreaterThan(events.indexOf(worker));
  });

  test("custom events are filtered by their own name", async () => {
    const events = await eventsOf(reporting(), "go", { includeNames: ["progress"] });
    expect(events.map((e) => e.event)).toEqual(["on_custom_event"]);
  });

  test("dispatching without tracing does nothing", async () => {
    expect(await reporting().invoke("go")).toBe("GO");
    expect(() => dispatchCustomEvent("progress", {})).not.toThrow();
  });
});

// ---------------------------------------------------------------- errors, timing, abort

describe("streamEvents delivery", () => {
  test("a failure throws after the events produced before it, with no error or end event", async () => {
    const failing = RunnableSequence.from([
      (x: string) => x,
      new RunnableLambda({
        name: "Partial",
        func: async function* (x: string) {
          yield `${x}!`;
          throw new Error("boom");
        },
      }),
    ]);
    const received: StreamEvent[] = [];
    const consume = async () => {
      for await (const event of failing.streamEvents("go", { version: "v2" })) received.push(event);
    };
    await expect(consume()).rejects.toThrow("boom");
    expect(labels(received)).toEqual([
      "on_chain_start:RunnableSequence",
      "on_chain_start:RunnableLambda",
      "on_chain_stream(go)",
      "on_chain_end:RunnableLambda",
      "on_chain_start:Partial",
      "on_chain_stream(go!)",
      "on_chain_stream(go!)",
    ]);
  });

  test("events arrive while the root is still working", async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const chain = RunnableSequence.from([
      new RunnableLambda({ func: (x: string) => x, name: "First" }),
      new RunnableLambda({ func: async (x: string) => { await gate; return x; }, name: "Blocked" }),
    ]);
    const seen: string[] = [];
    for await (const event of chain.streamEvents("x", { version: "v2" })) {
      seen.push(`${event.event}:${event.name}`);
      if (event.name === "Blocked" && event.event === "on_chain_start") release();
    }
    expect(seen.indexOf("on_chain_end:First")).toBeLessThan(seen.indexOf("on_chain_start:Blocked"));
    expect(seen[seen.length - 1]).toBe("on_chain_end:RunnableSequence");
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
    for await (const _event of endless.streamEvents(null, { version: "v2" })) if (++count === 3) break;
    await expect.poll(() => closed).toBe(true);
    expect(signal?.aborted).toBe(true);
  });

  test("each event has its own tags, metadata and parent_ids, so changing one changes no other", async () => {
    const events = await eventsOf(jokeChain(["a", "b"]), { topic: "t" }, { includeTypes: ["chat_model"] }, { metadata: { k: "v" } });
    events[0]?.tags.push("changed");
    delete events[0]?.metadata.k;
    expect(events[1]?.tags).toEqual(["seq:step:2"]);
    expect(events[1]?.metadata).toMatchObject({ k: "v" });
  });
});
