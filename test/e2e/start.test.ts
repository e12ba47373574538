/**
 * `npm start` on this checkout: the example app answers `POST /echo/invoke` within 10 s,
 * and SIGTERM closes it gracefully (exit code 0, "shutting down" logged).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { request } from "undici";
import { afterEach, describe, expect, it } from "vitest";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once("error", fail);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => done(port));
    });
  });
}

async function waitForEcho(url: string, deadline: number, child: ChildProcess): Promise<unknown> {
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the app exited early with code ${child.exitCode}`);
    try {
      const res = await request(url, { method: "POST", headers: { "content-type": "application/json" }, body: '{"input":{"a":1}}' });
      return await res.body.json();
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error("the app did not answer within 10 s");
}

function exited(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  return new Promise((done) => child.once("exit", (code, signal) => done({ code, signal })));
}

function startApp(command: string, args: string[], port: number): { child: ChildProcess; output: () => string } {
  // detached: its own process group, so a signal reaches every process of it (npm, sh, tsx,
  // node) as Ctrl-C in a terminal would, and cleanup can kill the whole group.
  const child = spawn(command, args, {
    cwd: ROOT,
    env: { ...process.env, PORT: String(port), HOST: "127.0.0.1", LOG_LEVEL: "info", OPENAI_API_KEY: "" },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let output = "";
  child.stdout?.on("data", (c: Buffer) => (output += c.toString()));
  child.stderr?.on("data", (c: Buffer) => (output += c.toString()));
  return { child, output: () => output };
}

describe("starting the example app", () => {
  const children: ChildProcess[] = [];
  afterEach(() => {
    for (const child of children.splice(0)) {
      if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) process.kill(-child.pid, "SIGKILL");
    }
  });

  it("npm start serves POST /echo/invoke within 10 s and shuts down on SIGTERM", async () => {
    const port = await freePort();
    const started = Date.now();
    const { child, output } = startApp("npm", ["start", "--silent"], port);
    children.push(child);
    const body = await waitForEcho(`http://127.0.0.1:${port}/echo/invoke`, started + 10_000, child);
    expect(body, output()).toMatchObject({ output: { a: 1 }, metadata: { run_id: expect.any(String) } });
    expect(Date.now() - started).toBeLessThan(10_000);

    process.kill(-(child.pid as number), "SIGTERM");
    // npm re-raises the signal on itself once its child is gone, so only the app's log and
    // the group's exit are checked here; the next test checks the app's exit code.
    await exited(child);
    expect(output()).toContain("shutting down");
    expect(output()).not.toMatch(/"level":(50|60)/);
  }, 20_000);

  it("the app process closes gracefully on SIGTERM and exits with code 0", async () => {
    const port = await freePort();
    const { child, output } = startApp(process.execPath, ["--import", "tsx", "routes/main.ts"], port);
    children.push(child);
    await waitForEcho(`http://127.0.0.1:${port}/echo/invoke`, Date.now() + 10_000, child);
    child.kill("SIGTERM");
    expect(await exited(child), output()).toEqual({ code: 0, signal: null });
    expect(output()).toContain("shutting down");
  }, 20_000);
});
