/** Retrievers: the `BaseRetriever` contract and an in-memory BM25 retriever. */
export { BaseRetriever } from "./base-retriever.js";
export type { BaseRetrieverInput } from "./base-retriever.js";
export { BM25Retriever, BM25Retriever as InMemoryBM25Retriever, defaultTokenize } from "./bm25-retriever.js";
export type { BM25RetrieverOptions, ScoredDocument } from "./bm25-retriever.js";
