/**
 * Shared by the LangChain.js interop tests: LangChain.js (`@langchain/core`) chains mounted
 * with `addRoutes` as they are, on a real port, called over HTTP with undici, with
 * chainserve's client and with LangChain.js 0.3's `RemoteRunnable`.
 */
import Fastify, { type FastifyInstance } from "fastify";
import fastJsonPatch from "fast-json-patch";
import { RemoteRunnable as LcRemoteRunnable } from "lc03/runnables/remote";
import { request } from "undici";
import { RemoteRunnable } from "../../src/client/index.js";
import { addRoutes, type AddRoutesOptions } from "../../src/server/index.js";
import { parseSse, type SseMessage } from "../e2e/captures.js";
import { listenLocal } from "../e2e/listen.js";

/** One chain to mount: its path, the LangChain.js (or chainserve) runnable, extra options. */
export interface LangChainMount {
  path: string;
  runnable: unknown;
  options?: Omit<AddRoutesOptions, "path">;
}

/** A Fastify app serving LangChain.js chains on a real port. */
export interface LangChainServer {
  app: FastifyInstance;
  base: string;
  /** POST JSON, answer status and parsed body. */
  post(path: string, body: unknown): Promise<{ status: number; body: any }>;
  /** GET, answer status and parsed body. */
  get(path: string): Promise<{ status: number; body: any }>;
  /** POST to an SSE endpoint, answer status and its messages. */
  sse(path: string, body: unknown): Promise<{ status: number; messages: SseMessage[] }>;
  /** chainserve's client for a mount. */
  client(path: string): RemoteRunnable<any, any>;
  /** LangChain.js 0.3.80's RemoteRunnable for a mount. */
  lcClient(path: string): LcRemoteRunnable<any, any, any>;
  close(): Promise<void>;
}

/** Mounts `mounts` on a new Fastify app listening on 127.0.0.1, port 0. */
export async function serveLangChain(mounts: LangChainMount[]): Promise<LangChainServer> {
  const app = Fastify({ logger: false });
  for (const mount of mounts) await addRoutes(app, mount.runnable as never, { path: mount.path, ...mount.options });
  const base = await listenLocal(app);
  const call = async (method: "GET" | "POST", path: string, body?: unknown) => {
    const res = await request(`${base}${path}`, {
      method,
      headers: body === undefined ? {} : { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.statusCode, text: await res.body.text() };
  };
  return {
    app,
    base,
    async post(path, body) {
      const res = await call("POST", path, body);
      return { status: res.status, body: JSON.parse(res.text) as unknown };
    },
    async get(path) {
      const res = await call("GET", path);
      return { status: res.status, body: JSON.parse(res.text) as unknown };
    },
    async sse(path, body) {
      const res = await call("POST", path, body);
      return { status: res.status, messages: parseSse(res.text) };
    },
    client: (path) => new RemoteRunnable<any, any>({ url: `${base}${path}` }),
    lcClient: (path) => new LcRemoteRunnable({ url: `${base}${path}` }),
    close: () => app.close(),
  };
}

/** The parsed `data` payloads of SSE messages. */
export function dataOf(messages: SseMessage[]): any[] {
  return messages.filter((m) => m.event === "data").map((m) => JSON.parse(m.data ?? "null") as unknown);
}

/** The event names of SSE messages, runs of `data` collapsed. */
export function grammar(messages: SseMessage[]): string[] {
  const out: string[] = [];
  for (const m of messages) if (!(m.event === "data" && out.at(-1) === "data")) out.push(m.event ?? "(none)");
  return out;
}

/** stream_log payloads folded into the run state (ops cloned: fast-json-patch mutates). */
export function foldLog(payloads: { ops: unknown[] }[]): Record<string, any> {
  let state: unknown = null;
  for (const p of payloads) state = fastJsonPatch.applyPatch(state, structuredClone(p.ops) as fastJsonPatch.Operation[], false, false).newDocument;
  return state as Record<string, any>;
}

/** Everything an async iterable yields. */
export async function collect<T>(iterable: AsyncIterable<T> | Promise<AsyncIterable<T>>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of await iterable) out.push(item);
  return out;
}

/** Which run each stream event's `parent_ids` point at, checked against the run tree the events show. */
export function checkParentIds(events: { event: string; run_id: string; name: string; parent_ids: string[] }[]): string[] {
  const problems: string[] = [];
  const parents = new Map<string, string[]>();
  for (const e of events) {
    if (!Array.isArray(e.parent_ids)) {
      problems.push(`${e.event} ${e.name}: no parent_ids`);
      continue;
    }
    const seen = parents.get(e.run_id);
    if (seen === undefined) parents.set(e.run_id, e.parent_ids);
    else if (seen.join() !== e.parent_ids.join()) problems.push(`${e.event} ${e.name}: parent_ids changed`);
  }
  const root = events[0]?.run_id;
  for (const [runId, ids] of parents) {
    if (runId === root) {
      if (ids.length !== 0) problems.push(`root has parent_ids ${ids.join()}`);
      continue;
    }
    if (ids[0] !== root) problems.push(`${runId}: parent_ids do not start at the root`);
    // Each listed ancestor is itself a run of this stream, whose own chain is the prefix.
    const last = ids.at(-1);
    if (last === undefined || parents.get(last)?.join() !== ids.slice(0, -1).join()) problems.push(`${runId}: parent chain ${ids.join()} is not a path of runs`);
  }
  return problems;
}
