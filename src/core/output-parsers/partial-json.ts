/**
 * A tolerant JSON parser for text that is still streaming in. One left-to-right pass
 * (no repair-and-retry loop), so re-parsing the growing text on every chunk stays linear
 * per chunk. What a truncated value turns into follows LangChain's `parse_partial_json`:
 * an open string keeps its text so far, an open object/array keeps its complete members,
 * a number keeps its valid prefix, and a key without a value or a half literal
 * (`tr`) is dropped.
 */

const INCOMPLETE: unique symbol = Symbol("incomplete");
const NOTHING: unique symbol = Symbol("nothing");

class Invalid extends Error {}

// A value, and whether the text ran out inside it.
type Parsed = { value: unknown; complete: boolean } | typeof NOTHING;

const LITERALS: Record<string, unknown> = { true: true, false: false, null: null };
const ESCAPES: Record<string, string> = { '"': '"', "\\": "\\", "/": "/", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t" };
const NUMBER_LIKE = /[-+0-9.eE]*/y;
const NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;
const NUMBER_PREFIX = /^-?(?:(?:0|[1-9]\d*)(?:\.\d*)?(?:[eE][+-]?\d*)?)?$/;
const VALID_PART = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/;

class PartialJsonParser {
  private i = 0;

  constructor(private readonly text: string) {}

  parseDocument(): unknown {
    const parsed = this.value();
    if (parsed === NOTHING) return undefined;
    // Text after a complete value is ignored, as Python's trim-until-it-parses loop does.
    return parsed.value === INCOMPLETE ? undefined : parsed.value;
  }

  private whitespace(): void {
    const t = this.text;
    while (this.i < t.length) {
      const c = t.charCodeAt(this.i);
      if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) return;
      this.i++;
    }
  }

  private value(): Parsed {
    this.whitespace();
    if (this.i >= this.text.length) return NOTHING;
    const ch = this.text[this.i] as string;
    if (ch === "{") return this.object();
    if (ch === "[") return this.array();
    if (ch === '"') {
      const s = this.string();
      return { value: s === INCOMPLETE ? this.partialString : s, complete: s !== INCOMPLETE };
    }
    if (ch === "-" || (ch >= "0" && ch <= "9")) return this.number();
    return this.literal();
  }

  private object(): Parsed {
    const out: Record<string, unknown> = {};
    this.i++;
    for (let first = true; ; first = false) {
      this.whitespace();
      if (this.i >= this.text.length) return { value: out, complete: false };
      if (this.text[this.i] === "}" && first) return this.close(out);
      if (this.text[this.i] !== '"') throw new Invalid("expected a key");
      const key = this.string();
      if (key === INCOMPLETE) return { value: out, complete: false };
      this.whitespace();
      if (this.i >= this.text.length) return { value: out, complete: false };
      if (this.text[this.i] !== ":") throw new Invalid("expected ':'");
      this.i++;
      const member = this.value();
      if (member === NOTHING) return { value: out, complete: false };
      if (member.value !== INCOMPLETE) defineKey(out, key, member.value);
      if (!member.complete) return { value: out, complete: false };
      if (this.separator("}")) return this.close(out);
      if (this.i >= this.text.length) return { value: out, complete: false };
    }
  }

  private array(): Parsed {
    const out: unknown[] = [];
    this.i++;
    for (let first = true; ; first = false) {
      this.whitespace();
      if (this.i >= this.text.length) return { value: out, complete: false };
      if (this.text[this.i] === "]" && first) return this.close(out);
      const item = this.value();
      if (item === NOTHING) return { value: out, complete: false };
      if (item.value !== INCOMPLETE) out.push(item.value);
      if (!item.complete) return { value: out, complete: false };
      if (this.separator("]")) return this.close(out);
      if (this.i >= this.text.length) return { value: out, complete: false };
    }
  }

  private close(value: unknown): Parsed {
    this.i++;
    return { value, complete: true };
  }

  // After a member: `,` continues (false), the closer ends (true), end of text is "open" (false).
  private separator(closer: string): boolean {
    this.whitespace();
    if (this.i >= this.text.length) return false;
    const ch = this.text[this.i];
    if (ch === closer) return true;
    if (ch !== ",") throw new Invalid(`expected ',' or '${closer}'`);
    this.i++;
    return false;
  }

  private partialString = "";

  /** A complete string, or INCOMPLETE with the text so far in `partialString`. */
  private string(): string | typeof INCOMPLETE {
    const t = this.text;
    let out = "";
    let start = ++this.i;
    while (this.i < t.length) {
      const ch = t[this.i] as string;
      if (ch === '"') {
        out += t.slice(start, this.i++);
        return out;
      }
      if (ch !== "\\") {
        this.i++;
        continue;
      }
      out += t.slice(start, this.i);
      const esc = t[this.i + 1];
      // A dangling backslash or half a \u escape: the text so far, without it.
      if (esc === undefined || (esc === "u" && this.i + 6 > t.length)) return this.incompleteString(out);
      if (esc === "u") {
        const hex = t.slice(this.i + 2, this.i + 6);
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) throw new Invalid("bad \\u escape");
        out += String.fromCharCode(parseInt(hex, 16));
        this.i += 6;
      } else {
        const decoded = ESCAPES[esc];
        if (decoded === undefined) throw new Invalid(`bad escape \\${esc}`);
        out += decoded;
        this.i += 2;
      }
      start = this.i;
    }
    return this.incompleteString(out + t.slice(start));
  }

  private incompleteString(text: string): typeof INCOMPLETE {
    this.partialString = text;
    this.i = this.text.length;
    return INCOMPLETE;
  }

  private number(): Parsed {
    NUMBER_LIKE.lastIndex = this.i;
    const raw = (NUMBER_LIKE.exec(this.text) as RegExpExecArray)[0];
    this.i += raw.length;
    if (this.i < this.text.length) {
      // Followed by something: the number is complete and must be valid JSON.
      if (!NUMBER.test(raw)) throw new Invalid(`bad number ${raw}`);
      return { value: Number(raw), complete: true };
    }
    // Cut off mid-number: keep the valid prefix ("1." → 1, "1e" → 1); a lone "-" is nothing yet.
    if (!NUMBER_PREFIX.test(raw)) throw new Invalid(`bad number ${raw}`);
    const valid = VALID_PART.exec(raw);
    return valid === null ? { value: INCOMPLETE, complete: false } : { value: Number(valid[0]), complete: false };
  }

  private literal(): Parsed {
    const rest = this.text.slice(this.i, this.i + 5);
    for (const word of Object.keys(LITERALS)) {
      if (rest.startsWith(word)) {
        this.i += word.length;
        return { value: LITERALS[word], complete: true };
      }
      if (this.i + rest.length === this.text.length && word.startsWith(rest)) {
        this.i = this.text.length;
        return { value: INCOMPLETE, complete: false };
      }
    }
    throw new Invalid(`unexpected ${JSON.stringify(this.text[this.i])}`);
  }
}

// `__proto__` arriving as a JSON key must become a plain own property, as JSON.parse makes it.
function defineKey(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === "__proto__") Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}

/**
 * Parse JSON that may be cut off: `{"a": [1, 2` → `{a: [1, 2]}`, `{"name": "Ha` →
 * `{name: "Ha"}`, `{"ok": tr` → `{}`. Returns `undefined` when the text is not the
 * start of a JSON value (or is empty); complete JSON parses exactly as `JSON.parse`.
 * @example
 * parsePartialJson('{"a": 1, "b": [1, 2'); // { a: 1, b: [1, 2] }
 */
export function parsePartialJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    // not complete (or not JSON): fall back to the tolerant pass
  }
  try {
    return new PartialJsonParser(text).parseDocument();
  } catch (error) {
    if (error instanceof Invalid) return undefined;
    throw error;
  }
}

/**
 * Parse the JSON in a model's answer: the whole text, or else the body of its first
 * markdown code fence (```` ```json … ``` ````), with surrounding whitespace and
 * backticks stripped (Python's `parse_json_markdown`). With `partial`, truncated JSON is
 * accepted as by {@link parsePartialJson}; otherwise it must be complete JSON.
 * @example
 * parseJsonMarkdown('Here:\n```json\n{"a": 1}\n```'); // { a: 1 }
 */
export function parseJsonMarkdown(text: string, options: { partial?: boolean } = {}): unknown {
  const parse = options.partial === true ? parsePartialJson : parseStrict;
  const direct = parse(stripJson(text));
  if (direct !== undefined) return direct;
  const fence = /```(?:json)?(.*)/s.exec(text);
  return fence === null ? undefined : parse(stripJson(fence[1] as string));
}

function parseStrict(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

// Python strips " \n\r\t`" from both ends, which also removes a closing fence.
function stripJson(text: string): string {
  return text.replace(/^[\s`]+|[\s`]+$/g, "");
}
