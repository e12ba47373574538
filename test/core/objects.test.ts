import { describe, expect, it } from "vitest";
import { assignOwn, copied, merged } from "../../src/core/utils/objects.js";

describe("object copies without spread", () => {
  it("merged is { ...a, ...b }: a's keys in order, b's after, b wins", () => {
    const out = merged({ x: 1, y: 2 }, { y: 3, z: 4 });
    expect(out).toEqual({ x: 1, y: 3, z: 4 });
    expect(Object.keys(out)).toEqual(["x", "y", "z"]);
    expect(merged(undefined, { a: 1 })).toEqual({ a: 1 });
    expect(merged({ a: 1 }, null)).toEqual({ a: 1 });
  });

  it("copies own enumerable symbols and reads getters, as spread does", () => {
    const sym = Symbol("s");
    const source = { [sym]: 1, get g() { return 2; } };
    Object.defineProperty(source, "hidden", { value: 3, enumerable: false });
    const out = copied(source) as Record<PropertyKey, unknown>;
    expect(out[sym]).toBe(1);
    expect(Object.getOwnPropertyDescriptor(out, "g")).toEqual({ value: 2, writable: true, enumerable: true, configurable: true });
    expect("hidden" in out).toBe(false);
  });

  it("keeps a JSON __proto__ key as an own property, never as the prototype", () => {
    const input = JSON.parse('{"a":1,"__proto__":{"polluted":true}}') as Record<string, unknown>;
    const out = merged({ base: true }, input) as Record<string, unknown>;
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(out.polluted).toBeUndefined();
    expect(Object.keys(out)).toEqual(["base", "a", "__proto__"]);
    expect(Object.getOwnPropertyDescriptor(out, "__proto__")?.value).toEqual({ polluted: true });
    expect(out).toEqual({ ...{ base: true }, ...input });
  });

  it("copied gives a fresh object that later keys do not touch the source through", () => {
    const source = { a: 1 };
    const copy = copied(source) as Record<string, unknown>;
    copy.b = 2;
    expect(source).toEqual({ a: 1 });
    expect(assignOwn(copy, { c: 3 })).toBe(copy);
    expect(copy).toEqual({ a: 1, b: 2, c: 3 });
  });
});
