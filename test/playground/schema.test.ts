/**
 * The playground's schema reading and URL handling, without a browser: form fields, `$ref`
 * resolution, chat-mode detection, share links and header lines.
 */
import lzString from "lz-string";
import { describe, expect, it } from "vitest";
import { locate, parseHeaderLines, shareLink } from "../../playground/src/location.js";
import { chatKey, configurableFields, objectFields, otherConfigFields, rootKind } from "../../playground/src/schema.js";

describe("form fields from a JSON Schema", () => {
  it("lists an object's properties with their kinds, required flags, enums and defaults", () => {
    const schema = {
      type: "object",
      properties: {
        topic: { type: "string", description: "what about" },
        n: { type: "integer", default: 3 },
        t: { type: ["number", "null"] },
        ok: { type: "boolean" },
        mode: { $ref: "#/$defs/Mode" },
        extra: { type: "object" },
      },
      required: ["topic"],
      $defs: { Mode: { enum: ["a", "b"], title: "Mode" } },
    };
    expect(objectFields(schema, schema)).toEqual([
      { name: "topic", kind: "text", required: true, title: "topic", description: "what about" },
      { name: "n", kind: "integer", required: false, title: "n", default: 3 },
      { name: "t", kind: "number", required: false, title: "t" },
      { name: "ok", kind: "boolean", required: false, title: "ok" },
      { name: "mode", kind: "enum", required: false, title: "Mode", options: ["a", "b"] },
      { name: "extra", kind: "json", required: false, title: "extra" },
    ]);
  });

  it("gives no fields for anything but an object with properties", () => {
    for (const schema of [{}, { type: "string" }, { type: "array", items: {} }, { type: "object" }]) expect(objectFields(schema, schema)).toBeUndefined();
    expect(rootKind({ type: "string" }, {})).toBe("text");
    expect(rootKind({}, {})).toBe("json");
  });

  it("reads the configurable fields of a /config_schema document", () => {
    const schema = {
      $defs: { Configurable: { properties: { llm: { title: "Model", type: "string", enum: ["fake", "other"], default: "fake" } }, type: "object" } },
      properties: { configurable: { $ref: "#/$defs/Configurable", default: null } },
      type: "object",
    };
    expect(configurableFields(schema)).toEqual([{ name: "llm", kind: "enum", required: false, title: "Model", options: ["fake", "other"], default: "fake" }]);
    expect(configurableFields({ properties: {}, type: "object" })).toEqual([]);
  });

  it("edits an optional (anyOf with null) value as its non-null type and drops null defaults", () => {
    const schema = {
      properties: {
        configurable: { type: "object" },
        max_concurrency: { anyOf: [{ type: "integer" }, { type: "null" }], default: null, title: "Max Concurrency" },
        recursion_limit: { default: 25, title: "Recursion Limit", type: "integer" },
      },
      type: "object",
    };
    expect(otherConfigFields(schema)).toEqual([
      { name: "max_concurrency", kind: "integer", required: false, title: "Max Concurrency" },
      { name: "recursion_limit", kind: "integer", required: false, title: "Recursion Limit", default: 25 },
    ]);
  });
});

describe("chat mode", () => {
  it("is on for a message list, at the root or under one key", () => {
    expect(chatKey({ type: "array", items: { $ref: "#/$defs/HumanMessage" } })).toEqual({ key: "" });
    expect(chatKey({ type: "object", properties: { messages: { type: "array", items: { type: "object" } } } })).toEqual({ key: "messages" });
    expect(chatKey({ type: "object", properties: { q: { type: "string" }, chat_history: { type: "array", items: { anyOf: [{ title: "AIMessage" }] } } } })).toEqual({ key: "chat_history" });
  });

  it("is off for other inputs", () => {
    expect(chatKey({ type: "object", properties: { topic: { type: "string" } } })).toBeUndefined();
    expect(chatKey({ type: "object", properties: { items: { type: "array", items: { type: "number" } } } })).toBeUndefined();
    expect(chatKey({ type: "string" })).toBeUndefined();
  });
});

describe("the page's location", () => {
  it("calls the chain one level up from its playground, keeping any path prefix", () => {
    expect(locate("https://h/edge/api/chat/playground/?x=1#y")).toEqual({ chainUrl: "https://h/edge/api/chat", callUrl: "https://h/edge/api/chat" });
    expect(locate("http://h:8000/playground/index.html")).toEqual({ chainUrl: "http://h:8000", callUrl: "http://h:8000" });
  });

  it("calls the /c/{hash} twin from a share link and decodes its config", () => {
    const link = shareLink("https://h/p/chat", { configurable: { llm: "other" } });
    const hash = lzString.compressToEncodedURIComponent('{"configurable":{"llm":"other"}}');
    expect(link).toBe(`https://h/p/chat/c/${hash}/playground/`);
    expect(locate(link)).toEqual({ chainUrl: "https://h/p/chat", callUrl: `https://h/p/chat/c/${hash}`, hash, sharedConfig: { configurable: { llm: "other" } } });
    expect(locate("https://h/chat/c/garbage!/playground/").sharedConfig).toBeUndefined();
  });

  it("reads header lines and refuses a line without a name", () => {
    expect(parseHeaderLines("X-Api-Key: k1\n\n  X-Other:  v : w ")).toEqual({ "x-api-key": "k1", "x-other": "v : w" });
    expect(() => parseHeaderLines("Bearer token")).toThrow(/Name: value/);
  });
});
