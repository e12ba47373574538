/**
 * Child processes of the server benchmark: a Node entry run with tsx, pinned to one CPU with
 * `taskset` when it exists, talking to the parent over IPC.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root (children run there so `--import tsx` resolves). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");

let tasksetCache: boolean | undefined;

/** Whether `taskset` can pin processes here. */
export function hasTaskset(): boolean {
  tasksetCache ??= spawnSync("taskset", ["-c", "0", "true"], { stdio: "ignore" }).status === 0;
  return tasksetCache;
}

/**
 * Moves this process, every thread, to `cpu` (when `taskset` exists): an orchestrator that
 * drives the server benchmark must not take turns with the server under test on its core.
 */
export function moveSelfToCpu(cpu: number): void {
  if (hasTaskset()) spawnSync("taskset", ["-a", "-p", "-c", String(cpu), String(process.pid)], { stdio: "ignore" });
}

/** A running child with message helpers. */
export class BenchChild {
  readonly process: ChildProcess;
  private readonly inbox: unknown[] = [];
  private waiters: { match: (m: any) => boolean; resolve: (m: any) => void; reject: (e: Error) => void }[] = [];
  private exited: string | undefined;

  constructor(child: ChildProcess, readonly label: string) {
    this.process = child;
    child.on("message", (message: unknown) => {
      const index = this.waiters.findIndex((w) => w.match(message));
      if (index === -1) {
        this.inbox.push(message);
        return;
      }
      const [waiter] = this.waiters.splice(index, 1);
      waiter?.resolve(message);
    });
    child.on("exit", (code, signal) => {
      this.exited = `${label} exited (${signal ?? code ?? "?"})`;
      for (const waiter of this.waiters) waiter.reject(new Error(this.exited));
      this.waiters = [];
    });
  }

  /** Send a message to the child. */
  send(message: unknown): void {
    this.process.send?.(message as never);
  }

  /** Wait for the next message matching `match` (one already received counts). */
  waitFor<T>(match: (message: any) => boolean, timeoutMs = 120_000): Promise<T> {
    const index = this.inbox.findIndex(match);
    if (index !== -1) return Promise.resolve(this.inbox.splice(index, 1)[0] as T);
    if (this.exited !== undefined) return Promise.reject(new Error(this.exited));
    return new Promise<T>((resolvePromise, reject) => {
      const timer = setTimeout(() => reject(new Error(`${this.label}: no answer within ${timeoutMs} ms`)), timeoutMs);
      this.waiters.push({
        match,
        resolve: (m: T) => {
          clearTimeout(timer);
          resolvePromise(m);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
    });
  }

  /** Wait for the child to exit, killing it after `graceMs`. */
  async stop(message: unknown, graceMs = 5000): Promise<void> {
    if (this.exited !== undefined || this.process.exitCode !== null) return;
    const exited = new Promise<void>((r) => this.process.once("exit", () => r()));
    if (this.process.connected) this.send(message);
    const timer = setTimeout(() => this.process.kill("SIGKILL"), graceMs);
    await exited;
    clearTimeout(timer);
  }

  /** Kill at once (cleanup path). */
  kill(): void {
    if (this.exited === undefined && this.process.exitCode === null) this.process.kill("SIGKILL");
  }
}

const live = new Set<BenchChild>();
process.on("exit", () => {
  for (const child of live) child.kill();
});

/**
 * Start `node [nodeArgs] <entry> [args]` (with `--import tsx` for a `.ts` entry), on CPU `cpu`
 * when taskset exists.
 */
export function spawnBenchChild(options: { entry: string; args?: string[]; cpu: number; nodeArgs?: string[]; label: string }): BenchChild {
  const loader = options.entry.endsWith(".ts") ? ["--import", "tsx"] : [];
  const nodeCommand = [process.execPath, ...(options.nodeArgs ?? []), ...loader, resolve(REPO_ROOT, options.entry), ...(options.args ?? [])];
  const [command, ...args] = hasTaskset() ? ["taskset", "-c", String(options.cpu), ...nodeCommand] : nodeCommand;
  const child = spawn(command as string, args, { cwd: REPO_ROOT, stdio: ["ignore", "inherit", "inherit", "ipc"] });
  const wrapped = new BenchChild(child, options.label);
  live.add(wrapped);
  child.once("exit", () => live.delete(wrapped));
  return wrapped;
}
