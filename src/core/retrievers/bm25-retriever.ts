/** Keyword retrieval over an in-memory corpus with Okapi BM25. */
import type { RunnableConfig } from "../config.js";
import type { Document } from "../documents/document.js";
import { BaseRetriever, type BaseRetrieverInput } from "./base-retriever.js";

/** Options of {@link BM25Retriever}. */
export interface BM25RetrieverOptions extends BaseRetrieverInput {
  /** How many documents `invoke` returns. @default 4 (LangChain's default) */
  k?: number;
  /** Term-frequency saturation. @default 1.5 */
  k1?: number;
  /** Length normalisation (0 = none, 1 = full). @default 0.75 */
  b?: number;
  /** Splits text into terms. @default lower-cased runs of letters and digits */
  tokenize?: (text: string) => string[];
}

/** A document with its BM25 score for one query. */
export interface ScoredDocument<M extends Record<string, unknown> = Record<string, unknown>> {
  /** The document (not modified: scores never go into its metadata). */
  document: Document<M>;
  /** BM25 score; 0 when no query term occurs in it. */
  score: number;
}

/** Lower-cased runs of letters, digits and underscores (any script). */
export function defaultTokenize(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}_]+/gu) ?? [];
}

/**
 * Ranks documents by BM25 and returns the top `k`. The index (term frequencies, document
 * lengths, document frequencies) is built once at construction; documents are never
 * mutated. Ties keep corpus order.
 *
 * IDF is `ln(1 + (N - n + 0.5) / (n + 0.5))` (Lucene's form) rather than rank_bm25's
 * unshifted log, which goes negative for terms in more than half the documents — on the
 * small corpora this retriever is meant for, that would rank matching documents below
 * non-matching ones.
 * @example
 * const retriever = BM25Retriever.fromDocuments(docs, { k: 2 });
 * await retriever.invoke("where did harrison work?");
 * retriever.scored("harrison"); // [{ document, score }, …] best first
 */
export class BM25Retriever<M extends Record<string, unknown> = Record<string, unknown>> extends BaseRetriever<M> {
  /** How many documents `invoke` returns. */
  k: number;
  private readonly documents: readonly Document<M>[];
  private readonly k1: number;
  private readonly b: number;
  private readonly tokenize: (text: string) => string[];
  private readonly termFrequencies: Map<string, number>[];
  private readonly lengths: number[];
  private readonly documentFrequency = new Map<string, number>();
  private readonly averageLength: number;

  constructor(documents: readonly Document<M>[], options: BM25RetrieverOptions = {}) {
    super(options);
    this.documents = [...documents];
    this.k = options.k ?? 4;
    this.k1 = options.k1 ?? 1.5;
    this.b = options.b ?? 0.75;
    this.tokenize = options.tokenize ?? defaultTokenize;
    this.termFrequencies = this.documents.map((doc) => {
      const counts = new Map<string, number>();
      for (const term of this.tokenize(doc.pageContent)) counts.set(term, (counts.get(term) ?? 0) + 1);
      for (const term of counts.keys()) this.documentFrequency.set(term, (this.documentFrequency.get(term) ?? 0) + 1);
      return counts;
    });
    this.lengths = this.termFrequencies.map((counts) => [...counts.values()].reduce((a, n) => a + n, 0));
    const total = this.lengths.reduce((a, n) => a + n, 0);
    this.averageLength = this.documents.length === 0 ? 0 : total / this.documents.length;
  }

  /** A retriever over `documents`. */
  static fromDocuments<M extends Record<string, unknown> = Record<string, unknown>>(
    documents: readonly Document<M>[],
    options: BM25RetrieverOptions = {},
  ): BM25Retriever<M> {
    return new BM25Retriever<M>(documents, options);
  }

  protected override defaultName(): string {
    return "BM25Retriever";
  }

  /** Every document with its score for `query`, best first (ties in corpus order). */
  scored(query: string): ScoredDocument<M>[] {
    const terms = this.tokenize(query);
    const scores = this.documents.map((document, i) => ({ document, score: this.score(terms, i), i }));
    scores.sort((x, y) => y.score - x.score || x.i - y.i);
    return scores.map(({ document, score }) => ({ document, score }));
  }

  protected override async _getRelevantDocuments(query: string, _config: RunnableConfig): Promise<Document<M>[]> {
    return this.scored(query)
      .slice(0, Math.max(0, this.k))
      .map((s) => s.document);
  }

  private score(terms: readonly string[], index: number): number {
    const counts = this.termFrequencies[index] as Map<string, number>;
    const n = this.documents.length;
    const lengthNorm = this.averageLength === 0 ? 1 : 1 - this.b + (this.b * (this.lengths[index] as number)) / this.averageLength;
    let score = 0;
    // Repeated query terms count again, as in rank_bm25.
    for (const term of terms) {
      const tf = counts.get(term);
      if (tf === undefined) continue;
      const df = this.documentFrequency.get(term) ?? 0;
      const idf = Math.log(1 + (n - df + 0.5) / (df + 0.5));
      score += (idf * tf * (this.k1 + 1)) / (tf + this.k1 * lengthNorm);
    }
    return score;
  }
}
