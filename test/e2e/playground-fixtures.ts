/**
 * Chains and servers for the playground tests: the example app's chains on slow fake models,
 * a chat-mode chain, a header-protected chain, a configurable one, and the app under a Fastify
 * prefix behind a proxy that adds a path prefix of its own.
 */
import { createServer, request as httpRequest, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import Fastify, { type FastifyInstance } from "fastify";
import { z } from "zod";
import { chatInput, createChatChain, JOKE } from "../../chains/chat.js";
import { rag, ragInput } from "../../chains/rag.js";
import {
  AIMessage,
  ChainserveError,
  ChatPromptTemplate,
  FakeChatModel,
  MessagesPlaceholder,
  RunnableLambda,
  type ChatPromptValue,
  type RunnableConfig,
} from "../../src/index.js";
import { addRoutes } from "../../src/server/index.js";
import { buildApp } from "../../routes/app.js";
import type { ChainRoute } from "../../routes/table.js";

/** The bearer token `/secret` wants. */
export const TOKEN = "Bearer s3cret";

/** The other model's reply on `/pick` when `llm` is configured to `"other"`. */
export const OTHER = "A configured reply.";

/** What the server saw of the `/slow` run: whether its `config.signal` fired (Stop). */
export const slowRun = { aborted: false };

/** The tags the server's config held on the last `/tagged` call. */
export const taggedRun: { tags?: string[] | undefined } = {};

/** A chat-mode chain: it answers with how many messages it saw and the last one. */
export const talk = ChatPromptTemplate.fromMessages([["system", "You are a counter."], new MessagesPlaceholder("messages")]).pipe(
  RunnableLambda.from((value: ChatPromptValue) => {
    const messages = value.toChatMessages().filter((m) => m.getType() !== "system");
    return new AIMessage(`I have seen ${messages.length} messages; the last said "${messages.at(-1)?.text ?? ""}".`);
  }),
);

/** The routes of the playground tests. */
export function playgroundRoutes(): ChainRoute[] {
  const slow = (ms: number) => createChatChain(new FakeChatModel({ responses: [JOKE], sleepMs: ms }));
  const pick = ChatPromptTemplate.fromTemplate("tell me a joke about {topic}").pipe(
    new FakeChatModel({ responses: [JOKE] }).configurableAlternatives({
      which: { id: "llm", name: "Model" },
      defaultKey: "fake",
      alternatives: { other: new FakeChatModel({ responses: [OTHER] }) },
    }),
  );
  return [
    { runnable: slow(30), options: { path: "/chat", inputSchema: chatInput }, description: "joke, 30 ms per character" },
    {
      runnable: RunnableLambda.from((input: { topic: string }, config: RunnableConfig) => {
        slowRun.aborted = false;
        config.signal?.addEventListener("abort", () => (slowRun.aborted = true));
        return input;
      }).pipe(slow(250)),
      options: { path: "/slow", inputSchema: chatInput },
      description: "joke, 250 ms per character",
    },
    { runnable: rag, options: { path: "/rag", inputSchema: ragInput }, description: "rag" },
    { runnable: talk, options: { path: "/talk" }, description: "chat mode" },
    {
      runnable: slow(0),
      options: {
        path: "/secret",
        inputSchema: chatInput,
        perRequestConfigModifier: (config, request) => {
          if (request.headers.authorization !== TOKEN) throw new ChainserveError("UNAUTHORIZED", "Missing or wrong Authorization header");
          return config;
        },
      },
      description: "needs the header",
    },
    { runnable: pick, options: { path: "/pick", inputSchema: chatInput, configKeys: ["configurable"] }, description: "configurable model" },
    {
      runnable: RunnableLambda.from((input: { city: string }) => new AIMessage({ content: "", tool_calls: [{ name: "get_weather", args: { city: input.city }, id: "call_1" }] })),
      options: { path: "/tools", inputSchema: z.object({ city: z.string() }) },
      description: "answers with a tool call",
    },
    {
      runnable: slow(0),
      options: {
        path: "/tagged",
        inputSchema: chatInput,
        configKeys: ["configurable", "tags", "recursion_limit"],
        perRequestConfigModifier: (config) => {
          taggedRun.tags = config.tags;
          return config;
        },
      },
      description: "lets clients set tags",
    },
    { runnable: slow(0), options: { path: "/hidden", inputSchema: chatInput, playground: false }, description: "no playground" },
  ];
}

/** The example app with {@link playgroundRoutes}. */
export function playgroundApp(): Promise<FastifyInstance> {
  return buildApp({ logger: false, env: {}, routes: playgroundRoutes() });
}

/** `/chat` mounted in a plugin registered with `prefix: "/api"`. */
export async function prefixedApp(): Promise<FastifyInstance> {
  const app = Fastify();
  await app.register(
    async (scoped) => {
      await addRoutes(scoped, createChatChain(new FakeChatModel({ responses: [JOKE], sleepMs: 5 })), { path: "/chat", inputSchema: chatInput });
    },
    { prefix: "/api" },
  );
  return app;
}

/**
 * A reverse proxy that serves `target` under `/edge` (it strips the prefix, as nginx's
 * `location /edge/ { proxy_pass http://app/; }` does). Anything else is a 404.
 */
export async function pathPrefixProxy(target: string): Promise<{ url: string; server: Server }> {
  const upstream = new URL(target);
  const server = createServer((req, res) => {
    const url = req.url ?? "/";
    if (!url.startsWith("/edge/")) {
      res.writeHead(404).end("not proxied");
      return;
    }
    const forward = httpRequest(
      { host: upstream.hostname, port: upstream.port, method: req.method, path: url.slice("/edge".length), headers: req.headers },
      (reply) => {
        res.writeHead(reply.statusCode ?? 502, reply.headers);
        reply.pipe(res);
      },
    );
    forward.on("error", () => res.destroy());
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/edge`, server };
}
