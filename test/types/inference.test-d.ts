/**
 * Types inferred end to end for the README's examples: `RemoteRunnable<typeof chain>` takes
 * and returns what the composition says, with no type written by hand.
 */
import { describe, expectTypeOf, it } from "vitest";
import { z } from "zod";
import { ChatPromptTemplate, FakeChatModel, PromptTemplate, RunnableLambda, RunnableParallel, RunnablePassthrough, StrOutputParser, type AIMessage, type ChatPromptValue, type StringPromptValue } from "../../src/index.js";
import { RemoteRunnable } from "../../src/client/index.js";

const model = new FakeChatModel({ responses: ["x"] });

describe("types inferred from the composition", () => {
  it("RunnableParallel.from({ a, b }) → { a: A; b: B }, its input the steps' inputs together", () => {
    const chain = RunnableParallel.from({ len: (s: { text: string }) => s.text.length, upper: RunnableLambda.from((s: { text: string }) => s.text.toUpperCase()) });
    expectTypeOf(chain.invoke({ text: "a" })).resolves.toEqualTypeOf<{ len: number; upper: string }>();
    const remote = new RemoteRunnable<typeof chain>({ url: "http://x/p" });
    expectTypeOf(remote.invoke).parameter(0).toEqualTypeOf<{ text: string }>();
    expectTypeOf(remote.invoke({ text: "a" })).resolves.toEqualTypeOf<{ len: number; upper: string }>();
    // @ts-expect-error: text must be a string
    void remote.invoke({ text: 1 });
  });

  it("RunnablePassthrough.assign({ k }) → input & { k: K }", () => {
    const chain = RunnablePassthrough.assign({ mult: (x: { num: number }) => x.num * 3 });
    expectTypeOf(chain.invoke({ num: 1 })).resolves.toEqualTypeOf<{ num: number; mult: number }>();
    const remote = new RemoteRunnable<typeof chain>({ url: "http://x/a" });
    expectTypeOf(remote.invoke).parameter(0).toEqualTypeOf<{ num: number }>();
    expectTypeOf(remote.invoke({ num: 1 })).resolves.toEqualTypeOf<{ num: number; mult: number }>();
  });

  it("the README's first chain: { extra: input & { mult }, modified }", () => {
    const assign = RunnableParallel.from({
      extra: RunnablePassthrough.assign({ mult: (x: { num: number }) => x.num * 3 }),
      modified: (x: { num: number }) => x.num + 1,
    });
    expectTypeOf(assign.invoke).parameter(0).toEqualTypeOf<{ num: number }>();
    const remote = new RemoteRunnable<typeof assign>({ url: "http://x/assign" });
    expectTypeOf(remote.invoke).parameter(0).toEqualTypeOf<{ num: number }>();
    expectTypeOf(remote.invoke({ num: 1 })).resolves.toEqualTypeOf<{ extra: { num: number; mult: number }; modified: number }>();
  });

  it("prompt templates → an object of their variables as strings (template literal types)", () => {
    const prompt = PromptTemplate.fromTemplate("{adjective} joke about {topic}, escaped {{braces}}");
    expectTypeOf(prompt.invoke).parameter(0).toEqualTypeOf<{ adjective: string; topic: string }>();
    expectTypeOf(prompt.invoke({ adjective: "a", topic: "b" })).resolves.toEqualTypeOf<StringPromptValue>();
    const chat = ChatPromptTemplate.fromTemplate("tell me a joke about {topic}").pipe(model);
    expectTypeOf(chat.invoke).parameter(0).toEqualTypeOf<{ topic: string }>();
    const remote = new RemoteRunnable<typeof chat>({ url: "http://x/chat" });
    expectTypeOf(remote.invoke).parameter(0).toEqualTypeOf<{ topic: string }>();
    expectTypeOf(remote.invoke({ topic: "bears" })).resolves.toEqualTypeOf<AIMessage>();
    const text = ChatPromptTemplate.fromTemplate("{q}").pipe(model).pipe(new StrOutputParser());
    expectTypeOf(text.invoke({ q: "?" })).resolves.toEqualTypeOf<string>();
    expectTypeOf(new RemoteRunnable<typeof text>({ url: "http://x" }).invoke({ q: "?" })).resolves.toEqualTypeOf<string>();
    // @ts-expect-error: topic is missing
    void remote.invoke({});
    expectTypeOf(ChatPromptTemplate.fromTemplate("{a}").invoke({ a: "x" })).resolves.toEqualTypeOf<ChatPromptValue>();
  });

  it("a declared input schema → z.infer of it", () => {
    const input = z.object({ topic: z.string(), n: z.number().optional() });
    const chain = RunnableLambda.from((x: unknown) => String(x)).withTypes({ input, output: z.string() });
    expectTypeOf(chain.invoke).parameter(0).toEqualTypeOf<z.infer<typeof input>>();
    const remote = new RemoteRunnable<typeof chain>({ url: "http://x" });
    expectTypeOf(remote.invoke).parameter(0).toEqualTypeOf<z.infer<typeof input>>();
    expectTypeOf(remote.invoke({ topic: "a" })).resolves.toEqualTypeOf<string>();
  });
});
