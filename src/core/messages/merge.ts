/**
 * Merge rules shared by every message chunk's `concat`: LangChain's `mergeContent`,
 * `_mergeDicts` and `_mergeLists` (runnable-semantics.md A.10). Inputs are never mutated;
 * results are fresh containers so a merged chunk never aliases a dict of its parts.
 */
import type { ContentBlock, MessageContent } from "./base.js";
import { copied, hasNoKeys, isPlainObject } from "../utils/objects.js";

type Dict = Record<string, unknown>;

// Identity-like strings: the newest non-empty value wins instead of being concatenated.
const REPLACED_KEYS: ReadonlySet<string> = new Set(["id", "name", "output_version", "model_provider"]);
// Positions and timestamps would be corrupted by `+`, so the left (first) value is kept.
const KEPT_KEYS: ReadonlySet<string> = new Set(["index", "created", "timestamp"]);

/**
 * Joins two message contents: strings concatenate (an empty left yields the right as is),
 * a string meeting a list becomes a `{type:"text"}` block, lists merge by block `index`.
 */
export function mergeContent(left: MessageContent, right: MessageContent): MessageContent {
  if (typeof left === "string") {
    if (left === "") return right;
    if (typeof right === "string") return left + right;
    return [{ type: "text", text: left }, ...right];
  }
  if (typeof right === "string") {
    return right === "" ? left : [...left, { type: "text", text: right }];
  }
  return mergeLists(left, right) as ContentBlock[];
}

/**
 * Deep-merges two dicts the way chunk metadata accumulates: strings concatenate, numbers
 * add, dicts recurse, lists merge by `index`; `id`/`name`/`output_version`/`model_provider`
 * take the newest non-empty value, `type` keeps the first, `index`/`created`/`timestamp`
 * keep the first. A `null` on either side yields the other value.
 */
export function mergeDicts(left: Dict, right: Dict): Dict {
  // Token chunks usually carry empty dicts: skip the key walk for them.
  if (hasNoKeys(right)) return copied(left);
  const merged: Dict = copied(left);
  for (const key of Object.keys(right)) {
    const rv = right[key];
    const lv = merged[key];
    if (lv === undefined || lv === null) {
      if (rv !== undefined || !(key in merged)) merged[key] = rv;
    } else if (rv === undefined || rv === null || lv === rv) {
      continue;
    } else if (typeof lv === "string" && typeof rv === "string") {
      if (key === "type" || KEPT_KEYS.has(key)) continue;
      merged[key] = REPLACED_KEYS.has(key) ? (rv === "" ? lv : rv) : lv + rv;
    } else if (typeof lv === "number" && typeof rv === "number") {
      if (!KEPT_KEYS.has(key)) merged[key] = lv + rv;
    } else if (Array.isArray(lv) && Array.isArray(rv)) {
      merged[key] = mergeLists(lv, rv);
    } else if (isPlainObject(lv) && isPlainObject(rv)) {
      merged[key] = mergeDicts(lv, rv);
    } else {
      // LangChain throws on a type mismatch; aborting a live stream over a provider's
      // metadata quirk helps nobody, so the newest value wins instead.
      merged[key] = rv;
    }
  }
  return merged;
}

/**
 * Merges two lists: an item with a numeric `index` is merged into the left item with the same
 * index (and the same `id` when both carry one); other items are appended, except empty text
 * blocks, which carry nothing.
 */
export function mergeLists(left: readonly unknown[], right: readonly unknown[]): unknown[] {
  const merged = [...left];
  for (const item of right) {
    const target = isPlainObject(item) && typeof item.index === "number" ? findByIndex(merged, item) : -1;
    const existing = merged[target];
    if (target !== -1 && isPlainObject(existing) && isPlainObject(item)) {
      merged[target] = mergeDicts(existing, item);
    } else if (!(isPlainObject(item) && item.type === "text" && item.text === "")) {
      merged.push(item);
    }
  }
  return merged;
}

function findByIndex(items: readonly unknown[], item: Dict): number {
  return items.findIndex(
    (candidate) =>
      isPlainObject(candidate) &&
      candidate.index === item.index &&
      (!hasId(candidate) || !hasId(item) || candidate.id === item.id),
  );
}

function hasId(value: Dict): boolean {
  return value.id !== undefined && value.id !== null && value.id !== "";
}
