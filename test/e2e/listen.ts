/** Tests' way to put a Fastify app on a real socket: loopback, a free port, its base URL. */
import type { FastifyInstance } from "fastify";

/** Listen on 127.0.0.1 port 0 and return `http://127.0.0.1:<port>`. */
export async function listenLocal(app: FastifyInstance): Promise<string> {
  await app.listen({ host: "127.0.0.1", port: 0 });
  const address = app.server.address();
  if (typeof address !== "object" || address === null) throw new Error("the app is not listening on a TCP port");
  return `http://127.0.0.1:${address.port}`;
}
