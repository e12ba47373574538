/** The unit of retrieved text that retrievers return and RAG chains pass around. */

/** Constructor fields of {@link Document}. */
export interface DocumentInput<M extends Record<string, unknown> = Record<string, unknown>> {
  /** The text. */
  pageContent: string;
  /** Source, score and any other facts about the text. @default {} */
  metadata?: M | undefined;
  /** Optional store id. */
  id?: string | undefined;
}

/**
 * A piece of text with metadata (LangChain.js `Document`). On the LangServe wire it is
 * `{"id","metadata","page_content","type":"Document"}`.
 * @example
 * new Document({ pageContent: "harrison worked at kensho", metadata: { source: "wiki" } });
 */
export class Document<M extends Record<string, unknown> = Record<string, unknown>> {
  /** The text. */
  pageContent: string;
  /** Source, score and any other facts about the text. */
  metadata: M;
  /** Optional store id. */
  id?: string;

  constructor(fields: DocumentInput<M>) {
    this.pageContent = fields.pageContent;
    this.metadata = fields.metadata ?? ({} as M);
    this.id = fields.id;
  }
}

/** True for a {@link Document} instance. */
export function isDocument(value: unknown): value is Document {
  return value instanceof Document;
}
