/**
 * JSON Schemas inferred from the composition where no zod schema is declared, as LangServe
 * does (compared with its captures where there is one), for chainserve's runnables and for
 * LangChain.js ones going through the adapter; declared schemas still win.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { FakeListChatModel } from "@langchain/core/utils/testing";
import { ChatPromptTemplate as LcChatPromptTemplate } from "@langchain/core/prompts";
import { StringOutputParser } from "@langchain/core/output_parsers";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { createRagChain } from "../../chains/rag.js";
import {
  BaseRetriever,
  ChatPromptTemplate,
  Document,
  FakeChatModel,
  fromLangChain,
  JsonOutputParser,
  PromptTemplate,
  RunnableLambda,
  RunnableParallel,
  RunnablePassthrough,
  RunnableSequence,
  StrOutputParser,
} from "../../src/index.js";
import { capturesDir, parseCaptureResponse } from "../e2e/captures.js";

type Schema = Record<string, any>;

function captured(name: string): Schema | undefined {
  const dir = capturesDir();
  if (dir === undefined) return undefined;
  return JSON.parse(parseCaptureResponse(readFileSync(join(dir, `${name}.http`), "utf8")).body) as Schema;
}

class Fixed extends BaseRetriever {
  protected override _getRelevantDocuments(): Promise<Document[]> {
    return Promise.resolve([new Document({ pageContent: "p" })]);
  }
}

describe("schemas inferred from the composition", () => {
  it("RunnableParallel → an object with its keys; RunnablePassthrough.assign → the assigned keys on an open object (LangServe's assign_output_schema)", () => {
    const chain = RunnableParallel.from({
      extra: RunnablePassthrough.assign({ mult: (x: { num: number }) => x.num * 3 }),
      modified: (x: { num: number }) => x.num + 1,
    });
    const out = chain.getOutputJsonSchema();
    expect(out).toMatchObject({ type: "object", required: ["extra", "modified"] });
    expect(out.properties).toMatchObject({ extra: { type: "object", additionalProperties: true, title: "Extra", properties: { mult: { title: "Mult" } } }, modified: { title: "Modified" } });
    const theirs = captured("assign_output_schema");
    if (theirs !== undefined) {
      expect(out.type).toBe(theirs.type);
      expect(Object.keys(out.properties as object)).toEqual(Object.keys(theirs.properties as object));
      expect(out.required).toEqual(theirs.required);
      expect(out.title).toBe(theirs.title);
    }
  });

  it("the rag chain's output is the prompt's variables plus the answer, exactly LangServe's rag_output_schema but for the title", () => {
    const rag = createRagChain(new FakeChatModel({ responses: ["x"] }));
    const out = rag.getOutputJsonSchema();
    expect(out).toMatchObject({ type: "object", required: ["context", "question", "output"], properties: { output: { type: "string" } } });
    const theirs = captured("rag_output_schema");
    if (theirs !== undefined) expect(out).toEqual({ ...theirs, title: out.title });
    // The input comes from the first step: the parallel map's retriever takes a string.
    expect(rag.getInputJsonSchema()).toEqual({ title: "RunnableParallel<context,question>Input", type: "string" });
  });

  it("a sequence takes its first step's input and its last step's output; prompts give their variables", () => {
    const chain = PromptTemplate.fromTemplate("{a} and {b}").pipe(new FakeChatModel({ responses: ["x"] })).pipe(new StrOutputParser());
    expect(chain.getInputJsonSchema()).toMatchObject({ type: "object", properties: { a: { type: "string" }, b: { type: "string" } }, required: ["a", "b"] });
    expect(chain.getOutputJsonSchema()).toEqual({ title: "StrOutputParserOutput", type: "string" });
  });

  it("chat models take a string, a prompt value or messages and give the message union", () => {
    const model = new FakeChatModel({ responses: ["x"] });
    const out = model.getOutputJsonSchema() as { oneOf: { $ref: string }[]; $defs: Record<string, Schema> };
    expect(out.oneOf.map((r) => r.$ref)).toContain("#/$defs/AIMessage");
    for (const { $ref } of out.oneOf) expect(out.$defs).toHaveProperty([$ref.replace("#/$defs/", "")]);
    expect(out.$defs.AIMessage).toMatchObject({ type: "object", properties: { type: { const: "ai" }, tool_calls: { type: "array" } }, required: ["content"] });
    const input = model.getInputJsonSchema() as { anyOf: Schema[] };
    expect(input.anyOf[0]).toEqual({ type: "string" });
  });

  it("parsers give a string or any JSON; retrievers take a string and give documents", () => {
    expect(new StrOutputParser().getOutputJsonSchema()).toMatchObject({ type: "string" });
    expect(new JsonOutputParser().getOutputJsonSchema()).not.toHaveProperty("type");
    expect(new Fixed().getInputJsonSchema()).toMatchObject({ type: "string" });
    const docs = new Fixed().withConfig({ runName: "Docs" }).getOutputJsonSchema() as { type: string; items: { $ref: string }; $defs: Record<string, Schema> };
    expect(docs.type).toBe("array");
    expect(docs.$defs.Document).toMatchObject({ properties: { page_content: { type: "string" }, type: { const: "Document" } } });
  });

  it("merges the object inputs of a map's branches and keeps their $defs resolvable at the root", () => {
    const map = RunnableParallel.from<any>({
      joke: ChatPromptTemplate.fromTemplate("joke about {topic}").pipe(new FakeChatModel({ responses: ["x"] })),
      poem: PromptTemplate.fromTemplate("poem about {subject}"),
    });
    expect(map.getInputJsonSchema()).toMatchObject({ type: "object", properties: { topic: { type: "string" }, subject: { type: "string" } } });
    const out = map.getOutputJsonSchema() as { properties: { joke: { oneOf: { $ref: string }[] } }; $defs: Record<string, unknown> };
    expect(out.$defs).toHaveProperty("AIMessage");
    expect(out.properties.joke.oneOf[0]?.$ref).toBe("#/$defs/AIMessage");
  });

  it("declared zod schemas win over inference", () => {
    const chain = RunnableParallel.from({ a: (x: number) => x }).withTypes({ input: z.number(), output: z.object({ a: z.number() }) });
    expect(chain.getInputJsonSchema()).toMatchObject({ type: "number" });
    expect(chain.getOutputJsonSchema()).toMatchObject({ type: "object", properties: { a: { type: "number" } } });
    const seq = RunnableSequence.from([RunnableLambda.from((x: string) => x), new StrOutputParser()]).withTypes({ output: z.literal("fixed") });
    expect(seq.getOutputJsonSchema()).toMatchObject({ const: "fixed" });
  });
});

describe("LangChain.js runnables through the adapter", () => {
  it("prompt | chat model | parser: the prompt's variables in, a string out; a chat model alone gives the message union", () => {
    const prompt = LcChatPromptTemplate.fromTemplate("tell me a joke about {topic}");
    const model = new FakeListChatModel({ responses: ["x"] });
    const chain = fromLangChain(prompt.pipe(model).pipe(new StringOutputParser()));
    expect(chain.getInputJsonSchema()).toMatchObject({ type: "object", properties: { topic: { type: "string" } } });
    expect(chain.getOutputJsonSchema()).toMatchObject({ type: "string" });
    const modelOnly = fromLangChain(prompt.pipe(model));
    expect(modelOnly.getOutputJsonSchema()).toHaveProperty("oneOf");
    expect(fromLangChain(model).getInputJsonSchema()).toHaveProperty("anyOf");
  });
});
