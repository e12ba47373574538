/**
 * The LangChain.js adapter's value and error conversions, with no server: message ids in
 * Python's form, chunks told from messages across library copies, input errors as 422.
 */
import * as lc1 from "@langchain/core/messages";
import * as lc03 from "lc03/messages";
import { describe, expect, it } from "vitest";
import { fromLangChainValue, pythonMessageId } from "../../src/core/langchain/convert.js";
import { checkModelInput, fromLangChainError } from "../../src/core/langchain/errors.js";
import { AIMessage, AIMessageChunk, ChainserveError, HumanMessage, SystemMessage, SystemMessageChunk } from "../../src/index.js";

const ID = "0c07a0e5-05c0-4f9a-8f66-36a404752fb4";

describe("pythonMessageId", () => {
  it.each([
    [`run-${ID}`, `run--${ID}`],
    [`lc_run--${ID}`, `run--${ID}`],
    [`lc_run--${ID}-0`, `run--${ID}-0`],
    [`run--${ID}-0`, `run--${ID}-0`],
    ["chatcmpl-abc", "chatcmpl-abc"],
    [`msg-${ID}`, `msg-${ID}`],
  ])("writes %s as %s", (id, expected) => {
    expect(pythonMessageId(id)).toBe(expected);
  });

  it("keeps a missing id missing", () => {
    expect(pythonMessageId(undefined)).toBeUndefined();
    expect(pythonMessageId(null)).toBeUndefined();
  });
});

describe.each([
  ["1.x", lc1 as unknown as Record<string, new (fields: unknown) => unknown>],
  ["0.3", lc03 as unknown as Record<string, new (fields: unknown) => unknown>],
])("fromLangChainValue with @langchain/core %s messages", (_version, M) => {
  const make = (name: string, fields: unknown) => new (M[name] as new (fields: unknown) => unknown)(fields);

  it("tells chunks from messages by class name, not by a concat method", () => {
    expect(fromLangChainValue(make("SystemMessage", { content: "s" }))).toBeInstanceOf(SystemMessage);
    expect(fromLangChainValue(make("SystemMessage", { content: "s" }))).not.toBeInstanceOf(SystemMessageChunk);
    expect(fromLangChainValue(make("SystemMessageChunk", { content: "s" }))).toBeInstanceOf(SystemMessageChunk);
    expect(fromLangChainValue(make("HumanMessage", { content: "q" }))).toBeInstanceOf(HumanMessage);
    expect(fromLangChainValue(make("AIMessage", { content: "a" }))).toBeInstanceOf(AIMessage);
    expect(fromLangChainValue(make("AIMessageChunk", { content: "a" }))).toBeInstanceOf(AIMessageChunk);
  });

  it("gives a model's message Python's id", () => {
    expect((fromLangChainValue(make("AIMessageChunk", { content: "a", id: `run-${ID}` })) as AIMessageChunk).id).toBe(`run--${ID}`);
  });
});

describe("fromLangChainError", () => {
  const coded = (code: string, message: string) => Object.assign(new Error(message), { lc_error_code: code });

  it.each(["INVALID_PROMPT_INPUT", "MESSAGE_COERCION_FAILURE"])("answers %s as BAD_REQUEST with the first line, keeping the cause", (code) => {
    const cause = coded(code, "Missing value for input variable `topic`\n\nTroubleshooting URL: https://example.invalid\n");
    const error = fromLangChainError(cause) as ChainserveError;
    expect(error).toBeInstanceOf(ChainserveError);
    expect(error).toMatchObject({ code: "BAD_REQUEST", status: 422, message: "Missing value for input variable `topic`" });
    expect(error.cause).toBe(cause);
  });

  it("answers a tool's argument parsing error as BAD_REQUEST", () => {
    class ToolInputParsingException extends Error {}
    expect(fromLangChainError(new ToolInputParsingException("Received tool input did not match expected schema"))).toMatchObject({ code: "BAD_REQUEST" });
  });

  it("keeps every other error as it is", () => {
    const other = coded("MODEL_RATE_LIMIT", "slow down");
    expect(fromLangChainError(other)).toBe(other);
    const plain = new TypeError("x");
    expect(fromLangChainError(plain)).toBe(plain);
    expect(fromLangChainError("thrown string")).toBe("thrown string");
  });

  it("refuses a model input that is neither text, messages nor a prompt value", () => {
    expect(() => checkModelInput("chat_model", 5)).toThrow(ChainserveError);
    expect(() => checkModelInput("llm", null)).toThrow(ChainserveError);
    expect(() => checkModelInput("chat_model", "hi")).not.toThrow();
    expect(() => checkModelInput("chat_model", [])).not.toThrow();
    expect(() => checkModelInput("chain", 5)).not.toThrow();
  });
});
