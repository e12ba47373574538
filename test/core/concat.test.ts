import { describe, expect, test } from "vitest";
import { concat, concatAll, tryConcat } from "../../src/core/concat.js";
import { AIMessage, AIMessageChunk, HumanMessage } from "../../src/core/messages/index.js";

describe("concat", () => {
  test("the A.10 dict example merges key-wise, with booleans replaced instead of summed", () => {
    const left = { s: "x", n: 1, l: [1], none: null, b: true };
    const right = { s: "y", n: 2, l: [2], none: "set", b: false };
    expect(concat<unknown>(left, right)).toEqual({ s: "xy", n: 3, l: [1, 2], none: "set", b: false });
  });

  test("a missing left value takes the right and null on the right is ignored", () => {
    expect(concat<unknown>({ a: "x" }, { a: null, b: "y" })).toEqual({ a: "x", b: "y" });
    expect(concat<unknown>({ a: "x" }, { c: null })).toEqual({ a: "x", c: null });
  });

  test("strings join, numbers add and arrays concatenate", () => {
    expect(concat("Hel", "lo")).toBe("Hello");
    expect(concat(1, 2)).toBe(3);
    expect(concat(1n, 2n)).toBe(3n);
    expect(concat([1], [2, 3])).toEqual([1, 2, 3]);
  });

  test("nested dicts merge recursively", () => {
    expect(concat<unknown>({ d: { s: "a", l: ["x"] } }, { d: { s: "b", l: ["y"] } })).toEqual({ d: { s: "ab", l: ["x", "y"] } });
  });

  test("an undefined or null left yields the right value", () => {
    expect(concat(undefined, "a")).toBe("a");
    expect(concat<unknown>(null, { a: 1 })).toEqual({ a: 1 });
  });

  test("message chunks use their own concat", () => {
    const out = concat(new AIMessageChunk("Hel"), new AIMessageChunk("lo"));
    expect(out).toBeInstanceOf(AIMessageChunk);
    expect(out.content).toBe("Hello");
  });

  test("message chunks inside dicts accumulate too", () => {
    const out = concat<unknown>({ answer: new AIMessageChunk("a") }, { answer: new AIMessageChunk("b") }) as { answer: AIMessageChunk };
    expect(out.answer.content).toBe("ab");
  });

  test("pairs that cannot be added yield the right value", () => {
    expect(concat(true, false)).toBe(false);
    const right = new AIMessage("b");
    expect(concat<unknown>(new AIMessage("a"), right)).toBe(right);
    expect(concat<unknown>("a", 1)).toBe(1);
    expect(concat<unknown>({ a: 1 }, [1])).toEqual([1]);
    expect(concat<unknown>(new AIMessageChunk("a"), { content: "b" })).toEqual({ content: "b" });
  });

  test("tryConcat reports whether the top-level pair was addable", () => {
    expect(tryConcat("a", "b")).toEqual({ supported: true, value: "ab" });
    expect(tryConcat(true, false)).toEqual({ supported: false, value: false });
    expect(tryConcat<unknown>(new HumanMessage("a"), new HumanMessage("b")).supported).toBe(false);
    expect(tryConcat<unknown>({ b: true }, { b: false })).toEqual({ supported: true, value: { b: false } });
  });

  test("operands are never mutated", () => {
    const left = { l: [1], d: { n: 1 } };
    concat<unknown>(left, { l: [2], d: { n: 2 } });
    expect(left).toEqual({ l: [1], d: { n: 1 } });
  });

  test("concatAll folds a sequence and is undefined for none", () => {
    expect(concatAll(["a", "b", "c"])).toBe("abc");
    expect(concatAll([{ n: 1 }, { n: 2 }, { m: "x" }])).toEqual({ n: 3, m: "x" });
    expect(concatAll([])).toBeUndefined();
  });
});
