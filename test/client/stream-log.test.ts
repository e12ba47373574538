/**
 * stream_log on the client never aliases: states yielded with `diff: false` are independent
 * copies, and a consumer who folds the yielded patches itself (twice, even) gets each op
 * applied once — the LangChain.js client's double-application bug (runnable-semantics.md B.7).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AIMessageChunk } from "../../src/core/index.js";
import { RunLogPatch } from "../../src/core/tracing/run-log.js";
import { RemoteRunnable, type RunLog } from "../../src/client/index.js";
import { JOKE, startTestServer, type TestServer } from "./fixtures.js";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

const remote = () => new RemoteRunnable<{ topic: string }, AIMessageChunk>({ url: `${server.base}/chat` });

function fold(patches: RunLogPatch[]): RunLog {
  const [first, ...rest] = patches;
  return rest.reduce<RunLog>((log, patch) => log.concat(patch), new RunLogPatch([]).concat(first as RunLogPatch));
}

describe("streamLog without aliasing", () => {
  it("with diff: false, every yielded state is its own copy", async () => {
    const logs: RunLog[] = [];
    for await (const log of remote().streamLog({ topic: "bears" }, undefined, { diff: false })) logs.push(log);
    const lengths = logs.map((l) => l.state.streamed_output.length);
    expect(lengths).toEqual([...lengths].sort((a, b) => a - b));
    const last = logs.at(-1) as RunLog;
    expect((last.state.final_output as AIMessageChunk).content).toBe(JOKE);
    for (let i = 1; i < logs.length; i++) expect(logs[i]?.state).not.toBe(logs[i - 1]?.state);
    // Changing an earlier state leaves the later ones alone.
    const before = JSON.stringify(last.state.streamed_output.length);
    (logs[1] as RunLog).state.streamed_output.push("tampered");
    (logs[1] as RunLog).state.logs = {};
    expect(JSON.stringify(last.state.streamed_output.length)).toBe(before);
    expect(Object.keys(last.state.logs).length).toBeGreaterThan(0);
    expect(last.ops.length).toBeGreaterThan(logs[0]?.ops.length ?? 0);
  });

  it("a consumer folding the yielded patches, twice, applies each op once", async () => {
    const patches: RunLogPatch[] = [];
    for await (const patch of remote().streamLog({ topic: "bears" })) patches.push(patch);
    const chunks = patches.flatMap((p) => p.ops).filter((op) => op.op === "add" && op.path === "/streamed_output/-").length;
    const once = fold(patches);
    const twice = fold(patches);
    expect(once.state.streamed_output).toHaveLength(chunks);
    expect(twice.state.streamed_output).toHaveLength(chunks);
    expect(twice.state).toEqual(once.state);
    expect((twice.state.final_output as AIMessageChunk).content).toBe(JOKE);
  });
});
