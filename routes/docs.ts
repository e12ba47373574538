/**
 * The `/docs` page: a small, self-contained API explorer over `/openapi.json`. Inline CSS
 * and JS only — no CDN, no bundled Swagger UI. It reads the document, lists every
 * operation by tag with its request schema and an example body, and sends requests with
 * `fetch`, printing streamed (SSE) responses as they arrive, which Swagger UI's "try it"
 * cannot do (it buffers the whole body).
 */

/** Content-Security-Policy of the page: nothing but this page and same-origin requests. */
export const DOCS_CSP =
  "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'";

/**
 * The HTML of the docs page.
 * @example
 * app.get("/docs", (_req, reply) => reply.type("text/html").header("content-security-policy", DOCS_CSP).send(docsHtml("/openapi.json")));
 */
export function docsHtml(openapiUrl: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>chainserve API docs</title>
<style>
body{font:14px/1.45 system-ui,sans-serif;margin:0 auto;max-width:960px;padding:1rem;color:#1d2330}
h1{font-size:1.4rem}h2{font-size:1.1rem;margin-top:2rem;border-bottom:1px solid #ddd}
details{border:1px solid #ddd;border-radius:6px;margin:.4rem 0;padding:.3rem .6rem}
summary{cursor:pointer}code,pre,textarea{font:12px/1.4 ui-monospace,monospace}
pre{background:#f6f7f9;padding:.5rem;overflow:auto;max-height:24rem;white-space:pre-wrap}
textarea{width:100%;min-height:6rem;box-sizing:border-box}
.m{display:inline-block;width:3.4rem;font-weight:600;text-transform:uppercase}
.get{color:#0a7d33}.post{color:#1856c2}.muted{color:#667}
</style>
</head>
<body>
<h1 id="title">chainserve API</h1>
<p class="muted">Generated from <a href="${escapeHtml(openapiUrl)}">${escapeHtml(openapiUrl)}</a>.</p>
<div id="ops">Loading…</div>
<script>
(async () => {
  const root = document.getElementById("ops");
  const doc = await (await fetch(${JSON.stringify(openapiUrl)})).json();
  document.getElementById("title").textContent = doc.info.title + " " + doc.info.version;
  const schemas = doc.components.schemas;
  const deref = (s) => (s && s.$ref ? deref(schemas[s.$ref.split("/").pop()]) : s);
  const example = (s, depth = 0) => {
    s = deref(s) || {};
    if (depth > 4) return null;
    if (s.anyOf) return example(s.anyOf[0], depth + 1);
    if (s.type === "object" || s.properties) {
      const o = {};
      for (const k of s.required || Object.keys(s.properties || {})) o[k] = example((s.properties || {})[k], depth + 1);
      return o;
    }
    if (s.type === "array") return [example(s.items, depth + 1)];
    return { string: "", number: 0, integer: 0, boolean: false }[s.type] ?? null;
  };
  const byTag = new Map();
  for (const [path, methods] of Object.entries(doc.paths))
    for (const [method, op] of Object.entries(methods))
      for (const tag of op.tags || ["default"]) (byTag.get(tag) || byTag.set(tag, []).get(tag)).push({ path, method, op });
  root.textContent = "";
  for (const [tag, ops] of byTag) {
    const h = document.createElement("h2"); h.textContent = tag; root.append(h);
    for (const { path, method, op } of ops) root.append(operation(path, method, op));
  }
  function operation(path, method, op) {
    const d = document.createElement("details");
    const s = document.createElement("summary");
    s.innerHTML = '<span class="m ' + method + '"></span><code></code> <span class="muted"></span>';
    s.children[0].textContent = method; s.children[1].textContent = path; s.children[2].textContent = op.summary || "";
    d.append(s);
    const body = op.requestBody && op.requestBody.content["application/json"].schema;
    const pathInput = document.createElement("input"); pathInput.value = path; pathInput.size = 60;
    const area = document.createElement("textarea");
    if (body) area.value = JSON.stringify(example(body), null, 2);
    const send = document.createElement("button"); send.textContent = "Send";
    const out = document.createElement("pre");
    const schema = document.createElement("pre");
    schema.textContent = body ? JSON.stringify(deref(body), null, 2) : "";
    send.onclick = async () => {
      out.textContent = "";
      const res = await fetch(pathInput.value, method === "get" ? {} : { method: "POST", headers: { "content-type": "application/json" }, body: area.value });
      out.textContent = res.status + " " + (res.headers.get("content-type") || "") + "\\n\\n";
      const reader = res.body.getReader(); const dec = new TextDecoder();
      for (;;) { const { done, value } = await reader.read(); if (done) break; out.textContent += dec.decode(value, { stream: true }); }
    };
    d.append(pathInput, document.createElement("br"));
    if (body) d.append(area, send, schema); else d.append(send);
    d.append(out);
    return d;
  }
})().catch((e) => { document.getElementById("ops").textContent = String(e); });
</script>
</body>
</html>
`;
}

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
