/**
 * Fixtures of the observability tests: a chat model that reports usage like a provider does
 * (a last, empty chunk with `usage_metadata`, a finish reason), a pino stream that keeps the
 * lines, and small readers for SSE bodies and the Prometheus text format.
 */
import { Writable } from "node:stream";
import { setTimeout as sleep } from "node:timers/promises";
import { request } from "undici";
import { AIMessageChunk, BaseChatModel, type BaseMessage, type BaseChatModelCallOptions } from "../../src/index.js";

/** Streams `Hello`, ` world`, then a usage chunk (7 in, 2 out) with `finish_reason: "stop"`. */
export class UsageModel extends BaseChatModel {
  protected override defaultName(): string {
    return "UsageModel";
  }

  protected override tracingMetadata(): Record<string, unknown> {
    return { ls_provider: "acme", ls_model_type: "chat", ls_model_name: "acme-small" };
  }

  protected override async *_streamResponseChunks(_messages: BaseMessage[], options: BaseChatModelCallOptions): AsyncGenerator<AIMessageChunk> {
    for (const text of ["Hello", " world"]) {
      if (options.signal?.aborted === true) throw options.signal.reason;
      yield new AIMessageChunk(text);
    }
    yield new AIMessageChunk({
      content: "",
      usage_metadata: { input_tokens: 7, output_tokens: 2, total_tokens: 9 },
      response_metadata: { finish_reason: "stop", model_name: "acme-small-2026" },
    });
  }
}

/** A pino destination that keeps every line, parsed. */
export class LogLines extends Writable {
  readonly lines: Record<string, unknown>[] = [];

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: () => void): void {
    for (const line of chunk.toString("utf8").split("\n")) if (line !== "") this.lines.push(JSON.parse(line) as Record<string, unknown>);
    callback();
  }

  /** The run-end lines. */
  runEnds(): Record<string, unknown>[] {
    return this.lines.filter((l) => l.msg === "run finished");
  }
}

/** POSTs JSON and returns status and text body. */
export async function post(url: string, body: unknown): Promise<{ status: number; text: string }> {
  const res = await request(url, { method: "POST", body: JSON.stringify(body), headers: { "content-type": "application/json" } });
  return { status: res.statusCode, text: await res.body.text() };
}

/** The SSE events of a body: `{event, data}` each. */
export function sseEvents(text: string): { event: string; data: string }[] {
  const out: { event: string; data: string }[] = [];
  for (const frame of text.split("\r\n\r\n")) {
    const event = /^event: (.*)$/m.exec(frame)?.[1];
    const data = /^data: (.*)$/m.exec(frame)?.[1];
    if (event !== undefined) out.push({ event, data: data ?? "" });
  }
  return out;
}

/**
 * The value of one sample in a Prometheus text exposition, or undefined. `labels` must list
 * every label of the sample.
 */
export function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  const wanted = Object.entries(labels)
    .map(([k, v]) => `${k}="${v}"`)
    .sort()
    .join(",");
  for (const line of text.split("\n")) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (match === null || match[1] !== name) continue;
    const have = (match[2] ?? "").split(/,(?=[a-zA-Z_])/).filter((s) => s !== "").sort().join(",");
    if (have === wanted) return Number(match[3]);
  }
  return undefined;
}

/** Waits until `check()` holds (2 s at most). */
export async function until(check: () => boolean | Promise<boolean>, timeoutMs = 2000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error("condition not met in time");
    await sleep(5);
  }
}
