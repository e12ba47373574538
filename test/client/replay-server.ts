/**
 * A raw TCP server that answers as Python LangServe did: for a request to
 * `/<capture name>/<recorded path>`, it checks the request against the capture's recorded one
 * (method, path, and the `input`/`inputs`/filters of the body) and writes back the recorded
 * response of `NAME.http`: its status line and headers as recorded, and its body re-framed
 * the way uvicorn sent it — one chunk per SSE frame, and no terminating chunk after an
 * `error` event (langserve-protocol.md §4.4). (`NAME.raw.http` has the original framing but
 * comes from a separate run, so its ids differ from `NAME.http`'s.) One header is changed:
 * `connection: close`, so a keep-alive client never reuses a socket the replay closes.
 */
import { createServer, type Server, type Socket } from "node:net";
import type { Capture } from "../e2e/captures.js";

/** Captures whose recorded request no client sends (bad JSON, GET on invoke…): only the reply is replayed. */
export const REQUEST_NOT_CHECKED = new Set([
  "err_bad_config",
  "err_batch_not_list",
  "err_empty_body",
  "err_get_on_invoke",
  "err_invalid_json",
  "err_invalid_json_stream",
  "err_missing_input",
  "err_not_found",
  "err_text_plain",
]);

const COMPARED_KEYS = ["input", "inputs", "include_names", "include_types", "include_tags", "exclude_names", "exclude_types", "exclude_tags"];

function parse(text: string | undefined): Record<string, unknown> | undefined {
  try {
    return text === undefined || text === "" ? undefined : (JSON.parse(text) as Record<string, unknown>);
  } catch {
    return undefined;
  }
}

/** Why `body` does not match the capture's request, or undefined when it does. */
function mismatch(capture: Capture, method: string, path: string, body: string): string | undefined {
  if (REQUEST_NOT_CHECKED.has(capture.name)) return undefined;
  if (method !== capture.request.method || path !== capture.request.path) return `${method} ${path} instead of ${capture.request.method} ${capture.request.path}`;
  const sent = parse(body) ?? {};
  const recorded = parse(capture.request.body) ?? {};
  for (const key of COMPARED_KEYS) {
    if (JSON.stringify(sent[key] ?? null) !== JSON.stringify(recorded[key] ?? null)) return `${key}: ${JSON.stringify(sent[key])} instead of ${JSON.stringify(recorded[key])}`;
  }
  return undefined;
}

/** The recorded response as bytes on the wire (see the file comment). */
function responseBytes(capture: Capture): Buffer {
  const { status, headers, body } = capture.response;
  const chunked = /chunked/i.test(headers["transfer-encoding"] ?? "");
  const lines = [`HTTP/1.1 ${status} LangServe`];
  for (const [name, value] of Object.entries(headers)) if (name !== "connection" && name !== "content-length" && name !== "transfer-encoding") lines.push(`${name}: ${value}`);
  lines.push("connection: close");
  const bytes = Buffer.from(body, "utf8");
  if (!chunked) return Buffer.concat([Buffer.from(`${lines.join("\r\n")}\r\ncontent-length: ${bytes.length}\r\n\r\n`), bytes]);
  const frames = body.split(/(?<=\r\n\r\n)/).filter((frame) => frame !== "");
  const chunks = frames.map((frame) => {
    const data = Buffer.from(frame, "utf8");
    return Buffer.concat([Buffer.from(`${data.length.toString(16)}\r\n`), data, Buffer.from("\r\n")]);
  });
  const failed = /^event: error\r?$/m.test(body);
  return Buffer.concat([Buffer.from(`${lines.join("\r\n")}\r\ntransfer-encoding: chunked\r\n\r\n`), ...chunks, Buffer.from(failed ? "" : "0\r\n\r\n")]);
}

function answer(socket: Socket, captures: Map<string, Capture>, method: string, target: string, body: string): void {
  const [, name = "", ...rest] = (target.split("?")[0] ?? "").split("/");
  const capture = captures.get(name);
  const path = `/${rest.join("/")}`;
  const problem = capture === undefined ? `no capture named ${name}` : mismatch(capture, method, path, body);
  if (problem !== undefined || capture === undefined) {
    socket.end(`HTTP/1.1 418 Replay Mismatch\r\ncontent-type: text/plain\r\nconnection: close\r\n\r\n${problem}`);
    return;
  }
  socket.end(responseBytes(capture));
}

/** Start the replay server on 127.0.0.1:0; returns it and its base URL. */
export async function startReplayServer(captures: Capture[]): Promise<{ server: Server; base: string }> {
  const byName = new Map(captures.map((c) => [c.name, c]));
  const server = createServer((socket) => {
    let buffer = Buffer.alloc(0);
    socket.on("data", (data: Buffer) => {
      buffer = Buffer.concat([buffer, data]);
      const headEnd = buffer.indexOf("\r\n\r\n");
      if (headEnd === -1) return;
      const [requestLine = "", ...headers] = buffer.subarray(0, headEnd).toString("latin1").split("\r\n");
      const lengthHeader = headers.find((h) => /^content-length:/i.test(h));
      const length = lengthHeader === undefined ? 0 : Number(lengthHeader.split(":")[1]);
      if (buffer.length < headEnd + 4 + length) return;
      const [method = "", target = ""] = requestLine.split(" ");
      answer(socket, byName, method, target, buffer.subarray(headEnd + 4, headEnd + 4 + length).toString("utf8"));
    });
    socket.on("error", () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  return { server, base: `http://127.0.0.1:${typeof address === "object" && address !== null ? address.port : 0}` };
}
