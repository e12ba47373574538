/**
 * Nesting depth of JSON text, measured without recursion before anything recursive sees it.
 * V8's `JSON.parse` is iterative, but the LangServe (de)serializers, zod and `JSON.stringify`
 * recurse: a body nested 10,000 deep overflowed the stack and answered 500 (issue 14). The
 * scan is one pass over the text; a text shorter than the limit cannot be nested deeper than
 * it (each level takes a character), so typical small bodies skip the scan entirely.
 */
import { validationError } from "../serde/errors.js";

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;

/**
 * The deepest nesting of arrays and objects in `text` (0 for a scalar), stopping early once it
 * exceeds `limit`. Brackets inside strings do not count; invalid JSON gives some number that
 * `JSON.parse` will reject anyway.
 * @example
 * jsonDepth('{"input":[[1]]}', 1000); // 3
 */
export function jsonDepth(text: string, limit: number): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) {
      inString = true;
    } else if (c === OPEN_BRACKET || c === OPEN_BRACE) {
      if (++depth > max) {
        max = depth;
        if (max > limit) return max;
      }
    } else if (c === CLOSE_BRACKET || c === CLOSE_BRACE) {
      depth--;
    }
  }
  return max;
}

/**
 * Throws BAD_REQUEST (422) when `text` is nested deeper than `maxDepth`; `what` names the text
 * in the message ("JSON body", "config hash").
 */
export function checkJsonDepth(text: string, maxDepth: number, what: string): void {
  if (text.length > maxDepth && jsonDepth(text, maxDepth) > maxDepth) {
    throw validationError(`${what} is nested deeper than ${maxDepth} levels (maxDepth)`);
  }
}
