/**
 * Comparison of the three SSE endpoints with a capture, by what clients depend on rather
 * than byte order: `/stream` chunk by chunk; `/stream_log` by its frame grammar and by the
 * run state the patches fold into; `/stream_events` by its events matched per (event, name).
 */
import fastJsonPatch from "fast-json-patch";
import type { SseMessage } from "./captures.js";
import { diffShape, type ShapeOptions } from "./shape.js";

type Json = Record<string, unknown>;

/** What may differ in a stream comparison (from the allow-list). */
export interface StreamAllowances extends ShapeOptions {
  /** Compare these leading `/stream` chunks as a set: they come from racing parallel branches. */
  unorderedPrefix?: number;
  /** Compare the stream_log root `streamed_output` as a multiset: parallel branches race. */
  unorderedStreamedOutput?: boolean;
  /** Compare stream_events as a multiset of (event, name): parallel branches interleave. */
  unorderedEvents?: boolean;
}

const parse = (messages: SseMessage[]): unknown[] => messages.filter((m) => m.event === "data").map((m) => JSON.parse(m.data ?? "null") as unknown);
const names = (messages: SseMessage[]): string[] => messages.map((m) => m.event ?? "(none)");

/**
 * The event-name sequence with runs of `data` collapsed (`metadata data* end` →
 * `metadata data end`): how many chunks there are is compared separately.
 */
export function eventGrammar(messages: SseMessage[]): string[] {
  const out: string[] = [];
  for (const name of names(messages)) if (!(name === "data" && out.at(-1) === "data")) out.push(name);
  return out;
}

/** `/stream`: same chunks in the same order (masked ids), after the same event names. */
export function diffStream(actual: SseMessage[], expected: SseMessage[], allow: StreamAllowances): string[] {
  const out: string[] = [];
  if (names(actual).join(" ") !== names(expected).join(" ")) out.push(`events: expected ${names(expected).join(" ")}, got ${names(actual).join(" ")}`);
  const a = parse(actual);
  const e = parse(expected);
  const prefix = allow.unorderedPrefix ?? 0;
  const aHead = sortByJson(a.slice(0, prefix));
  const eHead = sortByJson(e.slice(0, prefix));
  out.push(...diffShape([...aHead, ...a.slice(prefix)], [...eHead, ...e.slice(prefix)], allow, "$chunks"));
  for (const m of actual.filter((x) => x.event === "metadata")) {
    const data = JSON.parse(m.data ?? "null") as Json;
    if (Object.keys(data).join() !== "run_id") out.push(`metadata event: expected {run_id}, got ${m.data}`);
  }
  return out;
}

function sortByJson(values: unknown[] | undefined): unknown[] {
  return [...(values ?? [])].sort((x, y) => JSON.stringify(x).localeCompare(JSON.stringify(y)));
}

/** Apply every patch in order (on clones: fast-json-patch mutates what it is given). */
export function foldRunLog(messages: SseMessage[]): Json {
  let state: unknown = null;
  for (const payload of parse(messages) as { ops: fastJsonPatch.Operation[] }[]) {
    state = fastJsonPatch.applyPatch(state, structuredClone(payload.ops), false, false).newDocument;
  }
  return state as Json;
}

/**
 * `/stream_log`: the frame grammar (`data… end`, or `data… error`), every payload a non-empty
 * `{ops}` list, the first one `replace ""` of the root state; then the folded states compared
 * (root keys and values, the same log entries with the same keys and values).
 */
export function diffStreamLog(actual: SseMessage[], expected: SseMessage[], allow: StreamAllowances): string[] {
  const out: string[] = [];
  if (eventGrammar(actual).join(" ") !== eventGrammar(expected).join(" ")) {
    out.push(`events: expected ${eventGrammar(expected).join(" ")}, got ${eventGrammar(actual).join(" ")}`);
  }
  const payloads = parse(actual) as { ops?: { op?: string; path?: string }[] }[];
  payloads.forEach((p, i) => {
    if (!Array.isArray(p.ops) || p.ops.length === 0) out.push(`payload ${i}: ops must be a non-empty list`);
  });
  const first = payloads[0]?.ops?.[0];
  if (first?.op !== "replace" || first.path !== "") out.push(`payload 0: must start with replace "" (got ${JSON.stringify(first)})`);
  const a = foldRunLog(actual);
  const e = foldRunLog(expected);
  if (allow.unorderedStreamedOutput === true) {
    for (const state of [a, e]) state.streamed_output = sortByJson(state.streamed_output as unknown[]);
  }
  out.push(...diffShape({ ...a, logs: undefined }, { ...e, logs: undefined }, allow, "$state"));
  const aLogs = (a.logs ?? {}) as Record<string, Json>;
  const eLogs = (e.logs ?? {}) as Record<string, Json>;
  const aNames = Object.keys(aLogs).sort().join(", ");
  const eNames = Object.keys(eLogs).sort().join(", ");
  if (aNames !== eNames) out.push(`log entries: expected [${eNames}], got [${aNames}]`);
  for (const name of Object.keys(eLogs)) {
    if (aLogs[name] !== undefined) out.push(...diffShape(aLogs[name], eLogs[name], allow, `$logs[${name}]`));
  }
  return out;
}

/**
 * `/stream_events`: the frame grammar, the (event, name) sequence — in order, or as a
 * multiset when branches race — and each event against the expected event with the same
 * (event, name) and occurrence number.
 */
export function diffStreamEvents(actual: SseMessage[], expected: SseMessage[], allow: StreamAllowances): string[] {
  const out: string[] = [];
  if (eventGrammar(actual).join(" ") !== eventGrammar(expected).join(" ")) {
    out.push(`events: expected ${eventGrammar(expected).join(" ")}, got ${eventGrammar(actual).join(" ")}`);
  }
  const a = parse(actual) as Json[];
  const e = parse(expected) as Json[];
  const label = (ev: Json): string => `${String(ev.event)} ${String(ev.name)}`;
  const aSeq = a.map(label);
  const eSeq = e.map(label);
  if (allow.unorderedEvents === true) {
    aSeq.sort();
    eSeq.sort();
  }
  if (aSeq.join("\n") !== eSeq.join("\n")) out.push(`(event, name) sequence differs:\n  expected ${eSeq.join(" | ")}\n  got      ${aSeq.join(" | ")}`);
  const byLabel = new Map<string, Json[]>();
  for (const ev of e) byLabel.set(label(ev), [...(byLabel.get(label(ev)) ?? []), ev]);
  const seen = new Map<string, number>();
  for (const ev of a) {
    const n = seen.get(label(ev)) ?? 0;
    seen.set(label(ev), n + 1);
    const match = byLabel.get(label(ev))?.[n];
    if (match !== undefined) out.push(...diffShape(ev, match, allow, `$[${label(ev)} #${n}]`));
  }
  return out;
}
