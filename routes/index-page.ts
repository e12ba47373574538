/**
 * `GET /` for browsers: the mounted chains, each linked to its playground, plus the docs and
 * the OpenAPI document. Links are relative (`chat/playground/`), so the page works behind a
 * proxy that adds a path prefix. JSON clients still get the JSON listing.
 */
import type { MountedChain } from "../src/server/index.js";

/** Content-Security-Policy of the index: no script at all, styles inline. */
export const INDEX_CSP = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'";

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);

/** True when the client asks for HTML (a browser) rather than JSON. */
export function wantsHtml(accept: string | undefined): boolean {
  if (accept === undefined) return false;
  const html = accept.indexOf("text/html");
  const json = accept.indexOf("application/json");
  return html !== -1 && (json === -1 || html < json);
}

/**
 * The index page.
 * @example
 * indexHtml("chainserve example", getMountedChains(app), (path) => descriptions.get(path));
 */
export function indexHtml(title: string, chains: MountedChain[], describe: (path: string) => string | undefined): string {
  const rows = chains
    .map((chain) => {
      // "/chat" → "chat/playground/", relative to "/" (or to the proxy's prefix).
      const rel = chain.path.replace(/^\//, "");
      const page = `${rel === "" ? "" : `${rel}/`}playground/`;
      const name = escapeHtml(chain.path === "" ? "/" : chain.path);
      const link = chain.playground ? `<a href="${escapeHtml(page)}">${name}</a>` : `<span>${name}</span>`;
      return `<li>${link} <code>${escapeHtml(chain.name)}</code><br><small>${escapeHtml(describe(chain.path) ?? "")}</small></li>`;
    })
    .join("\n");
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>
body{font:15px/1.5 system-ui,sans-serif;margin:0 auto;max-width:760px;padding:1.5rem;color:#1d2330;background:#f6f7f9}
h1{font-size:1.5rem}ul{list-style:none;padding:0}li{background:#fff;border:1px solid #dfe3ea;border-radius:10px;padding:.7rem 1rem;margin:.5rem 0}
a{color:#2f6fde;font-weight:600;text-decoration:none}a:hover{text-decoration:underline}code{color:#6b7280;margin-left:.5rem}small{color:#6b7280}
nav a{margin-right:1.2rem}
</style>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
<nav><a href="docs">API docs</a><a href="openapi.json">OpenAPI document</a></nav>
<h2>Chains: open a playground</h2>
<ul>
${rows}
</ul>
</body>
</html>
`;
}
