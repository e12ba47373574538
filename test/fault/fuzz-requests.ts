/**
 * fast-check arbitraries for bad requests against the example app: every mount, every endpoint,
 * right and wrong methods, malformed and truncated JSON, wrong types, `config: null`, deep
 * nesting, multi-MB strings, `__proto__` / `constructor` keys at every level, invalid UTF-8,
 * wrong content types, garbage config hashes and huge headers.
 */
import fc from "fast-check";
import lzString from "lz-string";

/** The example app's mounts. */
export const MOUNTS = ["/echo", "/assign", "/chat", "/rag", "/boom", "/lc/chat"] as const;
const POST_ENDPOINTS = ["invoke", "batch", "stream", "stream_log", "stream_events"] as const;
const GET_ENDPOINTS = ["input_schema", "output_schema", "config_schema"] as const;
const METHODS = ["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"] as const;

/** One generated request. */
export interface FuzzRequest {
  mount: string;
  path: string;
  method: string;
  headers: Record<string, string>;
  body: Buffer | undefined;
  /** What the body is, for the report and for telling a well-formed call apart. */
  kind: string;
  /** POST to a run endpoint: `/boom` may answer it with its designed 500 if the body is a valid call. */
  wellFormed: boolean;
}

const jsonish = fc.jsonValue({ maxDepth: 4 });
const DANGEROUS_KEYS = ["__proto__", "constructor", "prototype", "polluted", "toString", "hasOwnProperty", "input", "configurable"];

// JSON text whose objects use dangerous keys at every level (JSON.stringify cannot write an
// own "__proto__" key, so the text is built by hand).
const protoTree: fc.Arbitrary<string> = fc.letrec<{ node: string }>((tie) => ({
  node: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.constantFrom('{"polluted":true}', "1", '"x"', "null", '{"prototype":{"polluted":1}}'),
    fc.array(fc.tuple(fc.constantFrom(...DANGEROUS_KEYS), tie("node")), { minLength: 1, maxLength: 3 }).map(
      (entries) => `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(",")}}`,
    ),
    fc.array(tie("node"), { maxLength: 3 }).map((items) => `[${items.join(",")}]`),
  ),
})).node;

const nested = (depth: number, open: string, close: string, leaf = "1"): string => `${open.repeat(depth)}${leaf}${close.repeat(depth)}`;

const deep = fc
  .record({
    depth: fc.constantFrom(999, 1_001, 10_000, 100_000),
    objects: fc.boolean(),
    where: fc.constantFrom("input", "inputs", "metadata", "configurable", "include_names", "kwargs"),
  })
  .map(({ depth, objects, where }) => {
    const value = objects ? nested(depth, '{"a":', "}") : nested(depth, "[", "]");
    switch (where) {
      case "input":
        return `{"input":${value}}`;
      case "inputs":
        return `{"inputs":[${value}]}`;
      case "metadata":
        return `{"input":1,"inputs":[1],"config":{"metadata":{"m":${value}}}}`;
      case "configurable":
        return `{"input":1,"inputs":[1],"config":{"configurable":${value}}}`;
      case "include_names":
        return `{"input":1,"include_names":${value}}`;
      default:
        return `{"input":1,"kwargs":${value}}`;
    }
  });

const validInput = fc.constantFrom('{"topic":"bears"}', '{"num":1}', '"what is chainserve?"', "1", '{"question":"q"}');

/** Bodies, by kind. */
const bodies: fc.Arbitrary<{ kind: string; text: string | Buffer }> = fc.oneof(
  { weight: 3, arbitrary: fc.string({ maxLength: 200 }).map((text) => ({ kind: "malformed", text })) },
  {
    weight: 3,
    arbitrary: fc
      .tuple(validInput, fc.nat())
      .map(([input, cut]) => {
        const full = `{"input":${input},"inputs":[${input}],"config":{"tags":["a"]}}`;
        return { kind: "truncated", text: full.slice(0, cut % full.length) };
      }),
  },
  {
    weight: 5,
    arbitrary: fc
      .record(
        { input: jsonish, inputs: jsonish, config: jsonish, include_names: jsonish, exclude_types: jsonish, kwargs: jsonish },
        { requiredKeys: [] },
      )
      .map((body) => ({ kind: "wrong-types", text: JSON.stringify(body) })),
  },
  {
    weight: 2,
    arbitrary: validInput.map((input) => ({ kind: "config-null", text: `{"input":${input},"inputs":[${input}],"config":null}` })),
  },
  { weight: 2, arbitrary: deep.map((text) => ({ kind: "deep", text })) },
  {
    weight: 1,
    arbitrary: fc
      .constantFrom(900_000, 1_500_000, 3_000_000)
      .map((n) => ({ kind: "multi-MB", text: `{"input":"${"a".repeat(n)}","inputs":["${"b".repeat(16)}"]}` })),
  },
  {
    weight: 4,
    arbitrary: fc
      .tuple(protoTree, fc.constantFrom("input", "config", "configurable", "metadata", "body"))
      .map(([tree, where]) => {
        const text =
          where === "body"
            ? tree
            : where === "input"
              ? `{"__proto__":{"polluted":1},"input":${tree},"inputs":[${tree}]}`
              : where === "config"
                ? `{"input":1,"inputs":[1],"config":${tree}}`
                : `{"input":1,"inputs":[1],"config":{"${where}":${tree},"constructor":{"prototype":{"polluted":1}}}}`;
        return { kind: "proto-keys", text };
      }),
  },
  {
    weight: 2,
    arbitrary: fc
      .tuple(validInput, fc.uint8Array({ minLength: 1, maxLength: 16 }).map((a) => a.map((b) => 0x80 | b)))
      .map(([input, bad]) => ({
        kind: "invalid-utf8",
        text: Buffer.concat([Buffer.from(`{"input":{"topic":"`), Buffer.from(bad), Buffer.from(`"},"inputs":[${input}],"x":"`), Buffer.from(bad), Buffer.from('"}')]),
      })),
  },
);

const garbageHash = fc.oneof(
  fc.string({ minLength: 1, maxLength: 300 }).map((s) => encodeURIComponent(s)),
  fc.stringMatching(/^[A-Za-z0-9+$-]{1,5000}$/),
  fc.constantFrom("%ff%fe", "%zz", "..%2F..", "N4Ig", lzString.compressToEncodedURIComponent("[1,2]"), lzString.compressToEncodedURIComponent('"str"')),
  jsonish.map((v) => lzString.compressToEncodedURIComponent(JSON.stringify(v) ?? "null")),
);

const contentTypes = fc.constantFrom(
  undefined,
  "application/json",
  "application/json",
  "text/plain",
  "application/x-www-form-urlencoded",
  "multipart/form-data; boundary=xyz",
  "application/json; charset=utf-16",
  "garbage/&&&",
  "application/octet-stream",
);

// `arbitrary` in `percent` % of the cases, else null.
function sometimes<T>(arbitrary: fc.Arbitrary<T>, percent: number): fc.Arbitrary<T | null> {
  return fc.oneof({ weight: 100 - percent, arbitrary: fc.constant(null) }, { weight: percent, arbitrary });
}

/** Generated requests; `hugeHeaders` adds a header of 8–70 kB to some. */
export const fuzzRequest: fc.Arbitrary<FuzzRequest> = fc
  .record({
    mount: fc.constantFrom(...MOUNTS),
    endpoint: fc.oneof({ weight: 8, arbitrary: fc.constantFrom(...POST_ENDPOINTS) }, { weight: 2, arbitrary: fc.constantFrom(...GET_ENDPOINTS) }, { weight: 1, arbitrary: fc.constantFrom("nope", "invoke/extra", "") }),
    hash: sometimes(garbageHash, 20),
    wrongMethod: sometimes(fc.constantFrom(...METHODS), 15),
    contentType: contentTypes,
    body: bodies,
    hugeHeader: sometimes(fc.constantFrom(8_000, 20_000, 70_000), 3),
  })
  .map(({ mount, endpoint, hash, wrongMethod, contentType, body, hugeHeader }) => {
    const isGet = (GET_ENDPOINTS as readonly string[]).includes(endpoint);
    const method = wrongMethod ?? (isGet ? "GET" : "POST");
    const headers: Record<string, string> = {};
    if (contentType !== undefined) headers["content-type"] = contentType;
    if (hugeHeader !== null) headers["x-fuzz"] = "h".repeat(hugeHeader);
    const path = `${mount}${hash === null ? "" : `/c/${hash}`}/${endpoint}`;
    const sendsBody = method !== "GET" && method !== "HEAD";
    return {
      mount,
      path,
      method,
      headers,
      body: sendsBody ? (typeof body.text === "string" ? Buffer.from(body.text) : body.text) : undefined,
      kind: hugeHeader !== null ? "huge-header" : hash !== null ? `hash+${body.kind}` : wrongMethod !== null ? `method+${body.kind}` : body.kind,
      // A garbage hash may decompress to a valid config: then /boom runs (and fails) too.
      wellFormed: method === "POST" && (POST_ENDPOINTS as readonly string[]).includes(endpoint),
    };
  });
