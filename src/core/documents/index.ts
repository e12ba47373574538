/** Documents: retrieved text with metadata. */
export { Document, isDocument } from "./document.js";
export type { DocumentInput } from "./document.js";
