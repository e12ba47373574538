/**
 * Entry of the load-generator child (pinned to CPU 1 by bench/server.ts). Takes jobs over
 * IPC, one at a time, and answers each with its result:
 * `{ id, kind: "load", job }` → `{ id, type: "result", result }`;
 * `{ id, kind: "idle", job }` → per wave of streams `{ id, type: "all-open", open }`, each
 * answered by `{ id, kind: "continue" }`; then `{ id, type: "result", result }`;
 * `{ id, kind: "paced", job }` → `{ id, type: "all-started" }` once every stream had its first
 * token, answered by `{ id, kind: "continue" }`; then `{ id, type: "result", result }`.
 */
import { runIdleStreams, type IdleStreamsJob } from "./idle-streams.js";
import { runLoad, type LoadJob } from "./load.js";
import { runPacedStreams, type PacedStreamsJob } from "./paced-load.js";

/** Messages the parent sends. */
export type LoadRequest =
  | { id: number; kind: "load"; job: LoadJob }
  | { id: number; kind: "idle"; job: IdleStreamsJob }
  | { id: number; kind: "paced"; job: PacedStreamsJob }
  | { id: number; kind: "continue" }
  | { id: number; kind: "exit" };

const send = (message: unknown): void => {
  process.send?.(message);
};

const continues = new Map<number, () => void>();

process.on("message", (message: LoadRequest) => {
  switch (message.kind) {
    case "load":
      runLoad(message.job).then(
        (result) => send({ id: message.id, type: "result", result }),
        (err: unknown) => send({ id: message.id, type: "error", message: String(err) }),
      );
      break;
    case "idle":
      runIdleStreams(message.job, (open) => {
        send({ id: message.id, type: "all-open", open });
        return new Promise<void>((resolve) => continues.set(message.id, resolve));
      }).then(
        (result) => send({ id: message.id, type: "result", result }),
        (err: unknown) => send({ id: message.id, type: "error", message: String(err) }),
      );
      break;
    case "paced":
      runPacedStreams(message.job, () => {
        send({ id: message.id, type: "all-started" });
        return new Promise<void>((resolve) => continues.set(message.id, resolve));
      }).then(
        (result) => send({ id: message.id, type: "result", result }),
        (err: unknown) => send({ id: message.id, type: "error", message: String(err) }),
      );
      break;
    case "continue":
      continues.get(message.id)?.();
      continues.delete(message.id);
      break;
    case "exit":
      process.disconnect();
      process.exit(0);
  }
});
send({ type: "ready" });
