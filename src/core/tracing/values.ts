/**
 * Value helpers shared by streamLog and streamEvents: copying, comparing and describing
 * the chunks and outputs that runs report. Class instances (messages, documents, prompt
 * values) are treated as immutable values: shared, never copied or walked into.
 */
import type { RunType } from "./run.js";
import { isPlainObject } from "../utils/objects.js";

/** The run types stream_log entries use: chat models are reported as `llm` (as in Python). */
export type LogRunType = Exclude<RunType, "chat_model">;

/** A stream_log `type` for a run type (`chat_model` becomes `llm`). */
export function logRunType(runType: RunType): LogRunType {
  return runType === "chat_model" ? "llm" : runType;
}

/**
 * A copy of `value` that shares no mutable plain data with it: plain objects and arrays are
 * copied recursively; class instances and primitives are kept as they are.
 */
export function cloneValue<T>(value: T): T {
  if (Array.isArray(value)) return value.map(cloneValue) as T;
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value)) out[key] = cloneValue(value[key]);
    return out as T;
  }
  return value;
}

/**
 * Structural equality: arrays element-wise, objects of the same prototype by their own
 * enumerable fields (so two message chunks with equal fields are equal), the rest by `===`.
 */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return Number.isNaN(a) && Number.isNaN(b);
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    return a.every((item, i) => deepEqual(item, b[i]));
  }
  if (Array.isArray(b) || Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
  if (a instanceof Date) return a.getTime() === (b as Date).getTime();
  const keysA = Object.keys(a);
  const keysB = Object.keys(b);
  if (keysA.length !== keysB.length) return false;
  const recordA = a as Record<string, unknown>;
  const recordB = b as Record<string, unknown>;
  return keysA.every((key) => Object.hasOwn(recordB, key) && deepEqual(recordA[key], recordB[key]));
}

/** Escape one JSON-pointer segment (RFC 6901: `~` → `~0`, `/` → `~1`). */
export function pointerSegment(key: string): string {
  return key.replace(/~/g, "~0").replace(/\//g, "~1");
}

/** Python's `isoformat(timespec="milliseconds")` for UTC: `2026-11-22T09:03:25.424+00:00`. */
export function isoTime(ms: number): string {
  return new Date(ms).toISOString().replace(/Z$/, "+00:00");
}

/**
 * The text of a model chunk or output: a string as is, else its `text` (messages,
 * generation chunks), else its string `content`; `""` when there is none.
 */
export function textOf(value: unknown): string {
  if (typeof value === "string") return value;
  if (typeof value !== "object" || value === null) return "";
  const text = (value as { text?: unknown }).text;
  if (typeof text === "string") return text;
  const content = (value as { content?: unknown }).content;
  return typeof content === "string" ? content : "";
}
