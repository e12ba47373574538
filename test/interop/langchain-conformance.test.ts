/**
 * The LangServe captures replayed against the reference chains built with LangChain.js
 * (`@langchain/core` 1.x and 0.3.x) and mounted with `addRoutes` as they are: the wire must
 * be the one the native chains send (same allow-list, plus the differences below).
 */
import { buildApp } from "../../routes/app.js";
import { CASES, describeConformance, type CaseRule } from "../e2e/conformance-replay.js";
import { langChainRouteTable, loadLangChain } from "./langchain-chains.js";

const RENDERED = "the prompt renders the retrieved documents as LangChain.js does (JSON), not as Python's repr: message `content` compared by type (runnable-semantics: a prompt's text is the library's own)";

/** Differences of the LangChain.js-built chains beyond the example app's allow-list. */
const LANGCHAIN_CASES: Record<string, CaseRule> = {
  rag_stream_events: { reason: `${CASES.rag_stream_events?.reason ?? ""}; ${RENDERED}`, shape: { unorderedEvents: true, typeOnly: new Set(["content"]) } },
  rag_stream_log: { reason: RENDERED, shape: { typeOnly: new Set(["content", "__langserve_version"]) } },
};

for (const version of ["1", "0.3"] as const) {
  describeConformance(`LangServe conformance: the captures replayed against the chains built with @langchain/core ${version}`, async () =>
    buildApp({ env: {}, logger: false, routes: langChainRouteTable(await loadLangChain(version)) }),
    LANGCHAIN_CASES,
  );
}
