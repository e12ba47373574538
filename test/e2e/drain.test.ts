/**
 * SIGTERM with 100 open streams, against a real child process (drain-app.ts) over real
 * sockets: no stream is cut (each ends with `event: end`, or with one terminal `event: error`
 * frame with code SHUTTING_DOWN), invokes in flight finish, a new connection is refused while
 * the drain runs, and the process exits 0 without having had to destroy connections.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { Agent, request } from "undici";
import { afterEach, describe, expect, it } from "vitest";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const DEADLINE_MS = 6_000;

function startApp(): { child: ChildProcess; output: () => string; url: Promise<string> } {
  const child = spawn(process.execPath, ["--import", "tsx", "test/e2e/drain-app.ts"], {
    cwd: ROOT,
    env: { ...process.env, DEADLINE_MS: String(DEADLINE_MS) },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const url = new Promise<string>((done, fail) => {
    child.stdout?.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      const match = /LISTENING (\S+)/.exec(output);
      if (match?.[1] !== undefined) done(match[1]);
    });
    child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.once("exit", (code) => fail(new Error(`the app exited with ${code} before listening:\n${output}`)));
  });
  return { child, output: () => output, url };
}

function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((done) => child.once("exit", (code) => done(code)));
}

interface StreamResult {
  events: { event: string; data: string }[];
  /** Bytes after the last complete frame (a cut mid-frame leaves some). */
  tail: string;
  /** Whether the response body ended cleanly (no socket error). */
  clean: boolean;
}

/** The frames of an SSE body (pings dropped) and what follows the last complete one. */
function parseSse(text: string): StreamResult {
  const parts = text.split("\r\n\r\n");
  const tail = parts.pop() ?? "";
  const events = parts
    .filter((p) => !p.startsWith(":"))
    .map((p) => ({ event: /^event: (.*)$/m.exec(p)?.[1] ?? "", data: /^data: (.*)$/m.exec(p)?.[1] ?? "" }));
  return { events, tail, clean: true };
}

describe("SIGTERM drain", () => {
  const children: ChildProcess[] = [];
  afterEach(() => {
    for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  });

  it("ends 100 open streams with end or one SHUTTING_DOWN frame, finishes invokes, refuses new connections and exits 0", async () => {
    const app = startApp();
    children.push(app.child);
    const base = await app.url;
    // One connection per stream, as browsers and SDK clients open them.
    const agent = new Agent({ connections: 200, pipelining: 1 });
    let opened = 0;
    const streams = Array.from({ length: 100 }, async (_, i) => {
      // Half finish within the grace period, half would run for minutes.
      const input = i % 2 === 0 ? { n: 10, ms: 200 } : { n: 10_000, ms: 50 };
      const res = await request(`${base}/ticks/stream`, { method: "POST", body: JSON.stringify({ input }), headers: { "content-type": "application/json" }, dispatcher: agent });
      let text = "";
      let counted = false;
      try {
        for await (const chunk of res.body) {
          text += (chunk as Buffer).toString();
          if (!counted && text.includes("event: data")) {
            counted = true;
            opened++;
          }
        }
        return { status: res.statusCode, long: i % 2 === 1, ...parseSse(text) };
      } catch {
        return { status: res.statusCode, long: i % 2 === 1, ...parseSse(text), clean: false };
      }
    });
    while (opened < 100) await new Promise((r) => setTimeout(r, 20));
    const invokes = Array.from({ length: 5 }, () =>
      request(`${base}/wait/invoke`, { method: "POST", body: '{"input":{"ms":1500}}', headers: { "content-type": "application/json" }, dispatcher: agent }).then(async (res) => ({ status: res.statusCode, body: await res.body.json() })),
    );
    await new Promise((r) => setTimeout(r, 200));

    app.child.kill("SIGTERM");
    while (!app.output().includes("shutting down")) await new Promise((r) => setTimeout(r, 10));
    // A new connection after the signal: refused while the drain still runs.
    const fresh = new Agent({ connections: 1 });
    const refusal = await request(`${base}/wait/invoke`, { method: "POST", body: '{"input":{"ms":0}}', dispatcher: fresh }).then(
      (res) => `status ${res.statusCode}`,
      (error: { code?: string }) => error.code ?? String(error),
    );
    const stillDraining = app.child.exitCode === null;
    await fresh.close();

    const results = await Promise.all(streams);
    const invoked = await Promise.all(invokes);
    const code = await exited(app.child);
    await agent.close();

    expect(refusal, app.output()).toBe("ECONNREFUSED");
    expect(stillDraining).toBe(true);
    const truncated = results.filter((r) => !r.clean || r.tail !== "" || !["end", "error"].includes(r.events.at(-1)?.event ?? ""));
    const summary = truncated.slice(0, 3).map((r) => ({ clean: r.clean, tail: r.tail.slice(0, 40), last: r.events.at(-1), frames: r.events.length }));
    expect(truncated.length, JSON.stringify(summary)).toBe(0);
    for (const r of results) {
      expect(r.status).toBe(200);
      const last = r.events.at(-1);
      expect(r.events.filter((e) => e.event === "error" || e.event === "end")).toHaveLength(1);
      if (!r.long) expect(last?.event).toBe("end");
      else {
        expect(last?.event).toBe("error");
        expect(JSON.parse(last?.data ?? "null")).toEqual({ status_code: 503, message: expect.stringContaining("retry"), code: "SHUTTING_DOWN" });
      }
    }
    expect(invoked).toEqual(Array.from({ length: 5 }, () => ({ status: 200, body: expect.objectContaining({ output: "done" }) })));
    expect(code, app.output()).toBe(0);
    const closed = app.output().split("\n").find((line) => line.includes('"msg":"closed"'));
    expect(JSON.parse(closed ?? "{}")).toMatchObject({ forced: false, stopped: 50, runs: 105 });
    expect((JSON.parse(closed ?? "{}") as { duration_ms: number }).duration_ms).toBeLessThan(DEADLINE_MS);
  }, 60_000);
});
