/** The retriever contract: a query string in, documents out. */
import type { RunnableConfig } from "../config.js";
import type { Document } from "../documents/document.js";
import { Runnable } from "../runnable.js";
import type { RunType } from "../tracing/run.js";
import { documentListJsonSchema } from "../schemas/message-schemas.js";

/** Constructor fields every retriever accepts. */
export interface BaseRetrieverInput {
  /** Run name (and, lower-cased, the `ls_retriever_name`). @default the class name */
  name?: string;
}

/**
 * Base class of retrievers. Subclasses implement {@link BaseRetriever._getRelevantDocuments};
 * `invoke` wraps it in a `retriever` run (events show `{query}` as its input and the
 * documents as its output). Retrievers buffer a streamed input and emit one list.
 * @example
 * class Fixed extends BaseRetriever {
 *   protected async _getRelevantDocuments() {
 *     return [new Document({ pageContent: "harrison worked at kensho" })];
 *   }
 * }
 * await new Fixed().withConfig({ runName: "Docs" }).invoke("where did harrison work?");
 */
export abstract class BaseRetriever<M extends Record<string, unknown> = Record<string, unknown>> extends Runnable<string, Document<M>[]> {
  constructor(fields: BaseRetrieverInput = {}) {
    super();
    if (fields.name !== undefined) this.name = fields.name;
  }

  /** The documents relevant to `query`; `config` carries the abort signal. */
  protected abstract _getRelevantDocuments(query: string, config: RunnableConfig): Promise<Document<M>[]>;

  protected override runType(): RunType {
    return "retriever";
  }

  /** Declared schema, else the query string. */
  override getInputJsonSchema(): Record<string, unknown> {
    return this.inputSchema !== undefined ? super.getInputJsonSchema() : { title: this.getName("Input"), type: "string" };
  }

  /** Declared schema, else a list of documents. */
  override getOutputJsonSchema(): Record<string, unknown> {
    return this.outputSchema !== undefined ? super.getOutputJsonSchema() : documentListJsonSchema(this.getName("Output"));
  }

  /**
   * `ls_retriever_name`, as Python derives it from the name: `FakeRetriever` → `fake`,
   * `BM25Retriever` → `bm25`.
   */
  protected override tracingMetadata(): Record<string, unknown> | undefined {
    const name = this.getName();
    const trimmed = name.startsWith("Retriever") ? name.slice(9) : name.endsWith("Retriever") ? name.slice(0, -9) : name;
    return { ls_retriever_name: trimmed.toLowerCase() };
  }

  override invoke(query: string, options?: RunnableConfig): Promise<Document<M>[]> {
    return this._callWithConfig(this._getRelevantDocuments, query, options);
  }
}
