/** The client's SSE parser: line ends, comments, multi-line data, and chunk boundaries anywhere. */
import { describe, expect, it } from "vitest";
import { SseDecoder, readSse, type SseMessage } from "../../src/serde/sse-parse.js";

function decodeAll(pieces: string[]): SseMessage[] {
  const out: SseMessage[] = [];
  const decoder = new SseDecoder((message) => out.push(message));
  for (const piece of pieces) decoder.push(piece);
  decoder.end();
  return out;
}

// What sse-starlette sends for LangServe: metadata, data, a ping, data, end.
const LANGSERVE =
  'event: metadata\r\ndata: {"run_id": "r1"}\r\n\r\n' +
  'event: data\r\ndata: {"content":"Why"}\r\n\r\n' +
  ": ping - 2026-11-22 09:10:48.333876+00:00\r\n\r\n" +
  'event: data\r\ndata: "é✓"\r\n\r\n' +
  "event: end\r\n\r\n";

const EXPECTED: SseMessage[] = [
  { event: "metadata", data: '{"run_id": "r1"}' },
  { event: "data", data: '{"content":"Why"}' },
  { event: "data", data: '"é✓"' },
  { event: "end", data: "" },
];

describe("SseDecoder", () => {
  it("reads LangServe's CRLF frames, skips pings, and keeps the data-less end event", () => {
    expect(decodeAll([LANGSERVE])).toEqual(EXPECTED);
  });

  it("gives the same messages wherever the text is split, inside a CRLF included", () => {
    for (let i = 0; i <= LANGSERVE.length; i++) {
      expect(decodeAll([LANGSERVE.slice(0, i), LANGSERVE.slice(i)])).toEqual(EXPECTED);
    }
    expect(decodeAll([...LANGSERVE])).toEqual(EXPECTED);
  });

  it("accepts LF and lone CR line ends", () => {
    expect(decodeAll([LANGSERVE.replace(/\r\n/g, "\n")])).toEqual(EXPECTED);
    expect(decodeAll([LANGSERVE.replace(/\r\n/g, "\r")])).toEqual(EXPECTED);
    expect(decodeAll([...LANGSERVE.replace(/\r\n/g, "\r")])).toEqual(EXPECTED);
  });

  it("joins several data lines with a newline and strips one leading space only", () => {
    expect(decodeAll(["data: {\"a\":\r\ndata:  1}\r\n\r\n"])).toEqual([{ event: "message", data: '{"a":\n 1}' }]);
    expect(decodeAll(["data\n\n"])).toEqual([{ event: "message", data: "" }]);
  });

  it("ignores id, retry and unknown fields, and blank lines without a message", () => {
    expect(decodeAll(["\r\n\r\nid: 7\r\nretry: 10\r\nfoo: bar\r\ndata: x\r\n\r\n"])).toEqual([{ event: "message", data: "x" }]);
  });

  it("dispatches a message left pending at the end of the body", () => {
    expect(decodeAll(["event: data\ndata: 1\n\ndata: 2"])).toEqual([
      { event: "data", data: "1" },
      { event: "message", data: "2" },
    ]);
    expect(decodeAll(["data: 3\r"])).toEqual([{ event: "message", data: "3" }]);
  });

  it("does not hold back a message whose blank line is a lone CR at a chunk end", () => {
    const out: SseMessage[] = [];
    const decoder = new SseDecoder((message) => out.push(message));
    decoder.push("data: 1\r\r");
    expect(out).toEqual([]);
    decoder.push("x");
    expect(out).toEqual([{ event: "message", data: "1" }]);
  });
});

describe("readSse", () => {
  it("decodes UTF-8 split inside a character and reports every chunk read", async () => {
    const bytes = new TextEncoder().encode(LANGSERVE);
    async function* oneByteAtATime(): AsyncGenerator<Uint8Array> {
      for (let i = 0; i < bytes.length; i++) yield bytes.subarray(i, i + 1);
    }
    let reads = 0;
    const messages: SseMessage[] = [];
    for await (const message of readSse(oneByteAtATime(), () => reads++)) messages.push(message);
    expect(messages).toEqual(EXPECTED);
    expect(reads).toBe(bytes.length);
  });
});
