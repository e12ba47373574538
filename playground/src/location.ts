/**
 * Where the page is: everything is derived from its own URL, never from an absolute path, so
 * the page works under a Fastify prefix and behind a proxy that adds a path prefix.
 */
import lzString from "lz-string";

/** The chain this page belongs to. */
export interface PageLocation {
  /** The chain's base URL (no trailing slash), e.g. `http://host/api/chat`. */
  chainUrl: string;
  /** Where calls go: the chain, or its `/c/{hash}` twin when opened from a share link. */
  callUrl: string;
  /** The config decoded from a share link. */
  sharedConfig?: Record<string, unknown>;
  /** The raw hash of a share link. */
  hash?: string;
}

const noSlash = (url: URL): string => url.href.replace(/\/+$/, "");

/** Reads the page's own URL (`…/playground/` or `…/c/{hash}/playground/`). */
export function locate(href: string): PageLocation {
  const page = new URL(href);
  page.search = "";
  page.hash = "";
  const here = new URL("./", page);
  const callUrl = noSlash(new URL("../", here));
  const match = /\/c\/([^/]+)\/playground\/$/.exec(here.pathname);
  if (match?.[1] === undefined) return { chainUrl: callUrl, callUrl };
  const hash = match[1];
  const out: PageLocation = { chainUrl: noSlash(new URL("../../../", here)), callUrl, hash };
  try {
    const decoded = JSON.parse(lzString.decompressFromEncodedURIComponent(hash) ?? "null") as unknown;
    if (typeof decoded === "object" && decoded !== null && !Array.isArray(decoded)) out.sharedConfig = decoded as Record<string, unknown>;
  } catch {
    // A hash that does not decode: the server answers the calls with INVALID_CONFIG_HASH.
  }
  return out;
}

/** The share link of a config: `{chain}/c/{hash}/playground/`. */
export function shareLink(chainUrl: string, config: Record<string, unknown>): string {
  return `${chainUrl}/c/${lzString.compressToEncodedURIComponent(JSON.stringify(config))}/playground/`;
}

/** Parses `Name: value` lines into headers; a bare token line is not allowed. */
export function parseHeaderLines(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const trimmed = line.trim();
    if (trimmed === "") continue;
    const colon = trimmed.indexOf(":");
    if (colon <= 0) throw new Error(`Header line "${trimmed}" must read "Name: value"`);
    out[trimmed.slice(0, colon).trim().toLowerCase()] = trimmed.slice(colon + 1).trim();
  }
  return out;
}
