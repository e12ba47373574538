import { describe, expect, it } from "vitest";
import {
  encodeDataFrame,
  encodeErrorFrame,
  encodeMetadataFrame,
  encodeSseFrame,
  pythonJsonDumps,
  SSE_END_FRAME,
  SSE_EVENTS,
  SSE_PING_FRAME,
} from "../../src/serde/sse.js";

describe("SSE frames", () => {
  it("writes a data frame as event then data with CRLF line ends", () => {
    expect(encodeDataFrame('{"a":1}')).toBe('event: data\r\ndata: {"a":1}\r\n\r\n');
  });

  it("writes the end frame without a data line", () => {
    expect(SSE_END_FRAME).toBe("event: end\r\n\r\n");
    expect(encodeSseFrame(SSE_EVENTS.END)).toBe(SSE_END_FRAME);
  });

  it("spaces the metadata payload like Python's json.dumps", () => {
    expect(encodeMetadataFrame("00000000-0000-0000-0000-000000000007")).toBe(
      'event: metadata\r\ndata: {"run_id": "00000000-0000-0000-0000-000000000007"}\r\n\r\n',
    );
  });

  it("spaces the error payload like Python's json.dumps", () => {
    expect(encodeErrorFrame(500, "Internal Server Error")).toBe(
      'event: error\r\ndata: {"status_code": 500, "message": "Internal Server Error"}\r\n\r\n',
    );
  });

  it("escapes non-ASCII text in Python-style payloads as ensure_ascii does", () => {
    expect(pythonJsonDumps({ message: "héllo 😀", n: [1, null, true] })).toBe(
      '{"message": "h\\u00e9llo \\ud83d\\ude00", "n": [1, null, true]}',
    );
  });

  it("splits multi-line data into one data line per line", () => {
    expect(encodeSseFrame("data", "a\nb\r\nc")).toBe("event: data\r\ndata: a\r\ndata: b\r\ndata: c\r\n\r\n");
  });

  it("rejects event names containing CR or LF", () => {
    expect(() => encodeSseFrame("data\r\nevent: end")).toThrow(/CR or LF/);
    expect(() => encodeSseFrame("x\ny")).toThrow(/CR or LF/);
  });

  it("writes the ping as a comment frame that parsers ignore", () => {
    expect(SSE_PING_FRAME.startsWith(":")).toBe(true);
    expect(SSE_PING_FRAME.endsWith("\r\n\r\n")).toBe(true);
  });
});
