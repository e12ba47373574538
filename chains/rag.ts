/**
 * `/rag`: `{ context: retriever "Docs", question: passthrough }` then
 * `RunnablePassthrough.assign({ output: prompt | model | StrOutputParser })`
 * (reference-chains.md, captures `rag_*`). LangServe answers `rag_invoke` with a 500;
 * chainserve returns the output.
 */
import { z } from "zod";
import {
  BaseRetriever,
  ChatPromptTemplate,
  Document,
  FakeChatModel,
  RunnableParallel,
  RunnablePassthrough,
  StrOutputParser,
  type BaseChatModel,
  type Runnable,
} from "../src/index.js";

/** Input of `/rag`: the question. */
export const ragInput = z.string();

/** The output of {@link rag}: the retrieved context, the question and the answer. */
export interface RagOutput {
  context: Document[];
  question: string;
  output: string;
}

/** The fake model's one reply. */
export const RAG_ANSWER = "Harrison worked at Kensho.";

/** The prompt's template (as in the LangServe reference app). */
export const RAG_TEMPLATE = "Answer the question based only on the following context:\n{context}\n\nQuestion: {question}";

/**
 * A retriever that always returns one document, whatever the query. Its class name gives
 * `ls_retriever_name: "fake"`, as the Python reference's retriever does.
 */
export class FakeRetriever extends BaseRetriever {
  protected override _getRelevantDocuments(): Promise<Document[]> {
    return Promise.resolve([new Document({ pageContent: "harrison worked at kensho" })]);
  }
}

/**
 * The RAG chain over `model` (the route table passes the OpenAI-compatible model when
 * `OPENAI_API_KEY` is set).
 * @example
 * const chain = createRagChain(new FakeChatModel({ responses: ["Kensho."] }));
 */
export function createRagChain(model: BaseChatModel): Runnable<string, RagOutput> {
  const retriever = new FakeRetriever().withConfig({ runName: "Docs" });
  // The prompt renders the documents itself: its `context` is typed as what the retriever gives.
  const answer = ChatPromptTemplate.fromTemplate<typeof RAG_TEMPLATE, { context: Document[]; question: string }>(RAG_TEMPLATE).pipe(model).pipe(new StrOutputParser());
  return RunnableParallel.from<string>({ context: retriever, question: new RunnablePassthrough() })
    .pipe(RunnablePassthrough.assign({ output: answer })) as Runnable<string, RagOutput>;
}

/**
 * The RAG chain with the fake model, which always answers {@link RAG_ANSWER}.
 * @example
 * (await rag.invoke("where did harrison work?")).output; // RAG_ANSWER
 */
export const rag = createRagChain(new FakeChatModel({ responses: [RAG_ANSWER] }));
