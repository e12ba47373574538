/**
 * The `/c/{config_hash}/…` routes carry a config compressed with lz-string's
 * `compressToEncodedURIComponent` (langserve-protocol.md §1.4). It is merged before the body's
 * config, so the body wins.
 */
import lzString from "lz-string";
import { ChainserveError } from "../core/errors.js";
import { jsonDepth } from "./json-depth.js";
import { HARDENING_DEFAULTS } from "./options-hardening.js";

/**
 * Longest accepted hash. LZ decompression can expand its input quadratically, so a cap keeps a
 * crafted URL from costing megabytes; real configs compress to a few hundred characters.
 */
export const MAX_CONFIG_HASH_LENGTH = 4096;

function invalid(cause?: unknown): ChainserveError {
  return new ChainserveError("INVALID_CONFIG_HASH", "Invalid config hash", { cause });
}

/**
 * Decodes a config hash into a JSON object: `""` gives `{}`; anything that does not decompress
 * to a JSON object (nested at most `maxDepth` deep) throws INVALID_CONFIG_HASH (400 `{"detail":"Invalid config hash"}`).
 * @example
 * decodeConfigHash(lzString.compressToEncodedURIComponent('{"tags":["a"]}')); // { tags: ["a"] }
 */
export function decodeConfigHash(hash: string | undefined, maxDepth = HARDENING_DEFAULTS.maxDepth): Record<string, unknown> {
  if (hash === undefined || hash === "") return {};
  if (hash.length > MAX_CONFIG_HASH_LENGTH) throw invalid();
  let parsed: unknown;
  try {
    const text = lzString.decompressFromEncodedURIComponent(hash) as string | null;
    // A few kB of hash can decompress to thousands of nested brackets.
    if (typeof text === "string" && text.length > maxDepth && jsonDepth(text, maxDepth) > maxDepth) throw invalid();
    parsed = typeof text === "string" && text !== "" ? JSON.parse(text) : undefined;
  } catch (error) {
    throw invalid(error);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw invalid();
  return parsed as Record<string, unknown>;
}
