import { describe, expect, it } from "vitest";
import { BaseRetriever, BM25Retriever, InMemoryBM25Retriever, RunnableParallel, type RunnableConfig } from "../../src/core/index.js";
import { Document } from "../../src/core/documents/index.js";

async function collect<T>(iterable: AsyncIterable<T> | Promise<AsyncIterable<T>>): Promise<T[]> {
  const out: T[] = [];
  for await (const chunk of await iterable) out.push(chunk);
  return out;
}

/** The `data` of a run event (custom events aside, which these tests do not dispatch). */
function dataOf(event: { data: unknown } | undefined): { input?: unknown; chunk?: unknown; output?: unknown } {
  return (event?.data ?? {}) as { input?: unknown; chunk?: unknown; output?: unknown };
}

const corpus = [
  new Document({ pageContent: "The cat sat on the mat.", metadata: { id: 1 } }),
  new Document({ pageContent: "Harrison worked at Kensho, a company in Cambridge.", metadata: { id: 2 } }),
  new Document({ pageContent: "Dogs and cats are common pets; the dog barked.", metadata: { id: 3 } }),
  new Document({ pageContent: "Kensho builds analytics software.", metadata: { id: 4 } }),
  new Document({ pageContent: "Stock markets moved sharply on Tuesday.", metadata: { id: 5 } }),
];

/** The /rag reference retriever: always one document. */
class FakeRetriever extends BaseRetriever {
  protected override async _getRelevantDocuments(_query: string, _config: RunnableConfig): Promise<Document[]> {
    return [new Document({ pageContent: "harrison worked at kensho" })];
  }
}

describe("BM25Retriever", () => {
  it("ranks the relevant document first", async () => {
    const retriever = BM25Retriever.fromDocuments(corpus);
    const docs = await retriever.invoke("where did Harrison work?");
    expect(docs[0]?.metadata).toEqual({ id: 2 });
  });

  it("prefers documents matching rarer terms", async () => {
    const docs = await BM25Retriever.fromDocuments(corpus).invoke("kensho harrison");
    expect(docs.slice(0, 2).map((d) => d.metadata.id)).toEqual([2, 4]);
  });

  it("returns at most k documents (4 by default)", async () => {
    expect(await BM25Retriever.fromDocuments(corpus).invoke("the")).toHaveLength(4);
    expect(await BM25Retriever.fromDocuments(corpus, { k: 2 }).invoke("the cat")).toHaveLength(2);
    expect(await BM25Retriever.fromDocuments(corpus, { k: 0 }).invoke("the cat")).toEqual([]);
  });

  it("keeps corpus order for ties and leaves metadata untouched", async () => {
    const retriever = BM25Retriever.fromDocuments(corpus, { k: 5 });
    const docs = await retriever.invoke("zebra");
    expect(docs.map((d) => d.metadata.id)).toEqual([1, 2, 3, 4, 5]);
    expect(corpus[1]?.metadata).toEqual({ id: 2 });
  });

  it("exposes scores through scored() without touching the documents", () => {
    const scored = BM25Retriever.fromDocuments(corpus).scored("dog barked");
    expect(scored[0]?.document.metadata).toEqual({ id: 3 });
    expect(scored[0]?.score).toBeGreaterThan(0);
    expect(scored.at(-1)?.score).toBe(0);
    for (let i = 1; i < scored.length; i++) expect((scored[i - 1]?.score ?? 0) >= (scored[i]?.score ?? 0)).toBe(true);
  });

  it("matches the textbook BM25 score on a hand-checked example", () => {
    const docs = [new Document({ pageContent: "a b" }), new Document({ pageContent: "c d e f" })];
    const [top] = BM25Retriever.fromDocuments(docs).scored("a");
    // N=2, n=1 → idf = ln(1 + 1.5/1.5) = ln 2; tf=1, |d|=2, avgdl=3.
    const expected = (Math.log(2) * 1 * 2.5) / (1 + 1.5 * (1 - 0.75 + (0.75 * 2) / 3));
    expect(top?.score).toBeCloseTo(expected, 12);
  });

  it("is also exported as InMemoryBM25Retriever", () => {
    expect(InMemoryBM25Retriever).toBe(BM25Retriever);
  });
});

describe("BaseRetriever", () => {
  it("reports a retriever run with ls_retriever_name derived from the class name", async () => {
    const chain = RunnableParallel.from({ context: new FakeRetriever().withConfig({ runName: "Docs" }) });
    const events = (await collect(chain.streamEvents("where?", { version: "v2" }))).filter((e) => e.name === "Docs");
    expect(events.map((e) => e.event)).toEqual(["on_retriever_start", "on_retriever_end"]);
    expect(events[0]).toMatchObject({
      tags: ["map:key:context"],
      metadata: { ls_retriever_name: "fake" },
      data: { input: { query: "where?" } },
    });
    expect(dataOf(events[1]).output).toEqual([new Document({ pageContent: "harrison worked at kensho" })]);
    expect(BM25Retriever.fromDocuments([]).getName()).toBe("BM25Retriever");
  });

  it("takes the retriever name from a given name", async () => {
    const events = await collect(new FakeRetriever({ name: "KnowledgeBaseRetriever" }).streamEvents("q", { version: "v2" }));
    expect(events[0]?.metadata).toMatchObject({ ls_retriever_name: "knowledgebase" });
  });
});
