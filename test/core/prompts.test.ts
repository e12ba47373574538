import { describe, expect, it } from "vitest";
import { ChatPromptTemplate, isChainserveError, MessagesPlaceholder, PromptTemplate } from "../../src/core/index.js";
import { Document } from "../../src/core/documents/index.js";
import { AIMessage, HumanMessage, SystemMessage } from "../../src/core/messages/index.js";
import { ChatPromptValue, StringPromptValue } from "../../src/core/prompt-values.js";
import { parseFString, pyRepr, pyStr } from "../../src/core/prompts/index.js";
import { rejection } from "../rejection.js";


describe("PromptTemplate", () => {
  it("formats f-string variables and keeps doubled braces literal", async () => {
    const prompt = PromptTemplate.fromTemplate("tell me about {topic} {{not_a_var}} }}");
    expect(prompt.format({ topic: "bears" })).toBe("tell me about bears {not_a_var} }");
    const value = await prompt.invoke({ topic: "bears" });
    expect(value).toBeInstanceOf(StringPromptValue);
    expect(value.toString()).toBe("tell me about bears {not_a_var} }");
    expect(prompt.inputVariables).toEqual(["topic"]);
  });

  it("accepts a bare value when the template has exactly one variable", async () => {
    const value = await PromptTemplate.fromTemplate("about {topic}").invoke("cats" as never);
    expect(value.toString()).toBe("about cats");
  });

  it("rejects malformed templates when it is built", () => {
    expect(() => PromptTemplate.fromTemplate("a } b")).toThrow(/single '}'/);
    expect(() => PromptTemplate.fromTemplate("a { b")).toThrow(/single '{'/);
    expect(() => PromptTemplate.fromTemplate("{}")).toThrow(/positional/);
    expect(() => PromptTemplate.fromTemplate("{a.b}")).toThrow(/attribute access/);
  });

  it("reports its run name and PromptInput schema like LangServe", () => {
    const prompt = PromptTemplate.fromTemplate("{b} and {a}");
    expect(prompt.getName()).toBe("PromptTemplate");
    expect(JSON.stringify(prompt.getInputJsonSchema())).toBe(
      '{"properties":{"a":{"title":"A","type":"string"},"b":{"title":"B","type":"string"}},"required":["a","b"],"title":"PromptInput","type":"object"}',
    );
  });
});

describe("ChatPromptTemplate", () => {
  it("turns fromTemplate into one human message", async () => {
    const prompt = ChatPromptTemplate.fromTemplate("tell me a joke about {topic}");
    const value = await prompt.invoke({ topic: "bears" });
    expect(value).toBeInstanceOf(ChatPromptValue);
    expect(value.messages).toHaveLength(1);
    expect(value.messages[0]).toBeInstanceOf(HumanMessage);
    expect(value.messages[0]?.content).toBe("tell me a joke about bears");
  });

  it("produces exactly the input schema of the /chat capture", () => {
    const prompt = ChatPromptTemplate.fromTemplate("tell me a joke about {topic}");
    expect(JSON.stringify(prompt.getInputJsonSchema())).toBe(
      '{"properties":{"topic":{"title":"Topic","type":"string"}},"required":["topic"],"title":"PromptInput","type":"object"}',
    );
    expect(prompt.inputSchema?.safeParse({ topic: "bears", extra: 1 }).success).toBe(true);
    expect(prompt.inputSchema?.safeParse({}).success).toBe(false);
  });

  it("renders roles, placeholders and fixed messages in order", async () => {
    const fixed = new HumanMessage("fixed {not formatted}");
    const prompt = ChatPromptTemplate.fromMessages([
      ["system", "You answer in {language}."],
      new MessagesPlaceholder("history"),
      ["human", "{question}"],
      ["assistant", "thinking about {question}"],
      fixed,
    ]);
    const messages = prompt.formatMessages({
      language: "French",
      history: [new HumanMessage("hi"), ["ai", "salut"], { role: "user", content: "ça va?" }],
      question: "why?",
    });
    expect(messages.map((m) => [m.constructor.name, m.content])).toEqual([
      ["SystemMessage", "You answer in French."],
      ["HumanMessage", "hi"],
      ["AIMessage", "salut"],
      ["HumanMessage", "ça va?"],
      ["HumanMessage", "why?"],
      ["AIMessage", "thinking about why?"],
      ["HumanMessage", "fixed {not formatted}"],
    ]);
    expect(messages.at(-1)).toBe(fixed);
    expect(prompt.inputVariables).toEqual(["history", "language", "question"]);
  });

  it("lets an optional placeholder be left out", async () => {
    const prompt = ChatPromptTemplate.fromMessages([["placeholder", "{history}"], ["human", "{q}"]]);
    const value = await prompt.invoke({ q: "x" });
    expect(value.messages).toEqual([new HumanMessage("x")]);
    expect(prompt.inputVariables).toEqual(["q"]);
  });

  it("keeps only the last n messages of a placeholder when asked", () => {
    const prompt = ChatPromptTemplate.fromMessages([new MessagesPlaceholder({ variableName: "h", nMessages: 1 })]);
    expect(prompt.formatMessages({ h: [new AIMessage("old"), new AIMessage("new")] }).map((m) => m.content)).toEqual(["new"]);
  });

  it("names every missing variable in a BAD_REQUEST error", async () => {
    const prompt = ChatPromptTemplate.fromMessages([["system", "{a}"], ["human", "{b} {c}"]]);
    const error = await rejection(prompt.invoke({ b: 1 }));
    expect(isChainserveError(error)).toBe(true);
    expect((error as { code: string }).code).toBe("BAD_REQUEST");
    expect((error as Error).message).toContain('missing variables ["a","c"]');
  });

  it("rejects a placeholder value that is not a list", () => {
    const prompt = ChatPromptTemplate.fromMessages([new MessagesPlaceholder("history")]);
    expect(() => prompt.formatMessages({ history: "nope" })).toThrow(/should be a list of messages/);
  });

  it("rejects unknown roles when it is built", () => {
    expect(() => ChatPromptTemplate.fromMessages([["robot", "x"]])).toThrow(/Unexpected message type: robot/);
  });

  it("renders a list of documents exactly as the /rag capture shows", async () => {
    const prompt = ChatPromptTemplate.fromTemplate<string, { context: Document[]; question: string }>(
      "Answer the question based only on the following context:\n{context}\n\nQuestion: {question}",
    );
    const value = await prompt.invoke({
      context: [new Document({ pageContent: "harrison worked at kensho" })],
      question: "where did harrison work?",
    });
    expect(value.messages[0]?.content).toBe(
      "Answer the question based only on the following context:\n[Document(metadata={}, page_content='harrison worked at kensho')]\n\nQuestion: where did harrison work?",
    );
  });

  it("formats multimodal text blocks", async () => {
    const prompt = ChatPromptTemplate.fromMessages([["human", [{ type: "text", text: "describe {thing}" }, { type: "image_url", image_url: "{url}" }]]]);
    const value = await prompt.invoke({ thing: "this", url: "http://x/y.png" });
    expect(value.messages[0]?.content).toEqual([
      { type: "text", text: "describe this" },
      { type: "image_url", image_url: "http://x/y.png" },
    ]);
  });

  it("reports the prompt run type and name to stream events", async () => {
    const events = [];
    for await (const event of ChatPromptTemplate.fromTemplate("hi {x}").streamEvents({ x: "y" }, { version: "v2" })) events.push(event);
    expect(events[0]).toMatchObject({ event: "on_prompt_start", name: "ChatPromptTemplate", data: { input: { x: "y" } } });
    expect(events.at(-1)).toMatchObject({ event: "on_prompt_end", name: "ChatPromptTemplate" });
  });

  it("inlines another chat prompt's messages", () => {
    const inner = ChatPromptTemplate.fromMessages([new SystemMessage("be nice")]);
    const outer = ChatPromptTemplate.fromMessages([inner, "{q}"]);
    expect(outer.formatMessages({ q: "hello" }).map((m) => m.content)).toEqual(["be nice", "hello"]);
  });
});

describe("Python str() of prompt values", () => {
  it("prints primitives, lists and dicts as Python would", () => {
    expect(pyStr(null)).toBe("None");
    expect(pyStr(true)).toBe("True");
    expect(pyStr(3)).toBe("3");
    expect(pyStr(0.5)).toBe("0.5");
    expect(pyStr(0.00001)).toBe("1e-05");
    expect(pyStr(["a", 1, false, null])).toBe("['a', 1, False, None]");
    expect(pyStr({ a: "it's", b: [1] })).toBe(`{'a': "it's", 'b': [1]}`);
    expect(pyRepr("a\nb'\"")).toBe(`'a\\nb\\'"'`);
  });

  it("prints documents with LangChain's __str__ and __repr__", () => {
    const doc = new Document({ pageContent: "x", metadata: { source: "s" } });
    expect(pyStr(doc)).toBe("page_content='x' metadata={'source': 's'}");
    expect(pyRepr(doc)).toBe("Document(metadata={'source': 's'}, page_content='x')");
    expect(pyRepr(new Document({ pageContent: "y", id: "1" }))).toBe("Document(id='1', metadata={}, page_content='y')");
  });

  it("parses a template into literal and variable parts", () => {
    expect(parseFString("a {x!r} {{b}}")).toEqual([
      { type: "literal", text: "a " },
      { type: "variable", name: "x", conversion: "r" },
      { type: "literal", text: " {b}" },
    ]);
  });
});
