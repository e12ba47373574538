/** Output parsers: model output to text (`StrOutputParser`) or JSON (`JsonOutputParser`). */
export { StrOutputParser } from "./str-output-parser.js";
export { JsonOutputParser } from "./json-output-parser.js";
export { parsePartialJson, parseJsonMarkdown } from "./partial-json.js";
