/**
 * The server chain's types reach the client through a type-only import: `RemoteRunnable<typeof
 * chat>` takes the chain's input and returns its output, with no server code imported.
 */
import { describe, expectTypeOf, it } from "vitest";
import type { AIMessage, RunLog, RunLogPatch, StreamEvent } from "../../src/core/index.js";
import { RemoteRunnable, type RunnableInput, type RunnableOutput } from "../../src/client/index.js";
import type { assign } from "../../chains/assign.js";
import type { chat } from "../../chains/chat.js";

describe("RemoteRunnable types", () => {
  it("derives input and output from a chain type", () => {
    const remote = new RemoteRunnable<typeof chat>({ url: "http://localhost:8000/chat" });
    expectTypeOf(remote.invoke).parameter(0).toEqualTypeOf<{ topic: string }>();
    expectTypeOf(remote.invoke({ topic: "bears" })).resolves.toEqualTypeOf<AIMessage>();
    expectTypeOf(remote.batch([{ topic: "a" }])).resolves.toEqualTypeOf<AIMessage[]>();
    expectTypeOf(remote.stream({ topic: "bears" })).resolves.toEqualTypeOf<AsyncGenerator<AIMessage>>();
    // @ts-expect-error: the chain's input schema wants a string topic
    void remote.invoke({ topic: 5 });
  });

  it("derives zod-inferred types from a chain built with withTypes", () => {
    const remote = new RemoteRunnable<typeof assign>({ url: "http://localhost:8000/assign" });
    expectTypeOf(remote.invoke).parameter(0).toMatchTypeOf<{ num: number }>();
    expectTypeOf(remote.invoke({ num: 1 })).resolves.toMatchTypeOf<{ extra: { num: number; mult: number }; modified: number }>();
  });

  it("accepts explicit input and output types, or an input type alone", () => {
    const both = new RemoteRunnable<string, number>({ url: "http://x" });
    expectTypeOf(both.invoke("a")).resolves.toEqualTypeOf<number>();
    const inputOnly = new RemoteRunnable<string>({ url: "http://x" });
    expectTypeOf(inputOnly.invoke("a")).resolves.toEqualTypeOf<unknown>();
    const untyped = new RemoteRunnable({ url: "http://x" });
    expectTypeOf(untyped.invoke).parameter(0).toEqualTypeOf<unknown>();
  });

  it("exposes helper types for the same derivation", () => {
    expectTypeOf<RunnableInput<typeof chat>>().toEqualTypeOf<{ topic: string }>();
    expectTypeOf<RunnableOutput<typeof chat>>().toEqualTypeOf<AIMessage>();
    const explicit = new RemoteRunnable<RunnableInput<typeof chat>, RunnableOutput<typeof chat>>({ url: "http://x" });
    expectTypeOf(explicit.invoke({ topic: "a" })).resolves.toEqualTypeOf<AIMessage>();
  });

  it("types streamLog by its diff option, streamEvents as v2 events, batch failures as errors", () => {
    const remote = new RemoteRunnable<typeof chat>({ url: "http://x" });
    expectTypeOf(remote.streamLog({ topic: "a" })).toEqualTypeOf<AsyncGenerator<RunLogPatch>>();
    expectTypeOf(remote.streamLog({ topic: "a" }, undefined, { diff: false })).toEqualTypeOf<AsyncGenerator<RunLog>>();
    expectTypeOf(remote.streamEvents({ topic: "a" }, { version: "v2" })).toEqualTypeOf<AsyncGenerator<StreamEvent>>();
    expectTypeOf(remote.batch([{ topic: "a" }], undefined, { returnExceptions: true })).resolves.toEqualTypeOf<(AIMessage | Error)[]>();
  });

  it("composes: pipe keeps the remote input type", () => {
    const remote = new RemoteRunnable<typeof chat>({ url: "http://x" });
    const chain = remote.pipe((m: AIMessage) => String(m.content).length);
    expectTypeOf(chain.invoke).parameter(0).toEqualTypeOf<{ topic: string }>();
    expectTypeOf(chain.invoke({ topic: "a" })).resolves.toEqualTypeOf<number>();
  });
});
