/**
 * The constructs two lint rules in `src/` ban, each beside the replacement the rule asks
 * for, as loops for bench/lint-rules.ts to count instructions of under callgrind. Run as
 * `node <built file> <case>=<n> …`: each case runs n times, in the order given. Results are
 * kept in a ring of 1,024 slots, so objects live about as long as a stream's chunks do and
 * the GC's cost of promoting them is counted too.
 */
import { copied, merged } from "../src/core/utils/objects.js";

const ring: unknown[] = new Array(1024);
// A RunnableConfig-like object: what the server copies and completes per run and per step.
const config = { tags: ["a"], metadata: { k: 1 }, callbacks: undefined, recursionLimit: 25, configurable: { user: "u" }, signal: undefined };
const extra = { runName: "step", runId: "id" };

async function* twoItems(x: number): AsyncGenerator<number> {
  yield x;
  yield x + 1;
}

const perCallGenerator = (x: number): AsyncGenerator<number> =>
  (async function* () {
    yield x;
    yield x + 1;
  })();

async function drain(iterator: AsyncGenerator<number>): Promise<number> {
  let sum = 0;
  for await (const item of iterator) sum += item;
  return sum;
}

/** The cases: a banned construct and its replacement, side by side. */
const CASES: Record<string, (n: number) => void | Promise<void>> = {
  // `{ ...config, runName }`: a spread that adds a key.
  spread_add_key: (n) => {
    for (let i = 0; i < n; i++) ring[i & 1023] = { ...config, runName: i };
  },
  copied_add_key: (n) => {
    for (let i = 0; i < n; i++) {
      const copy = copied(config) as Record<string, unknown>;
      copy.runName = i;
      ring[i & 1023] = copy;
    }
  },
  // `{ ...a, ...b }`
  spread_merge: (n) => {
    for (let i = 0; i < n; i++) ring[i & 1023] = { ...config, ...extra };
  },
  merged: (n) => {
    for (let i = 0; i < n; i++) ring[i & 1023] = merged(config, extra);
  },
  // `{ ...a }`: a copy that gets no new key (allowed by V8's fast path, banned by the rule all the same).
  spread_copy: (n) => {
    for (let i = 0; i < n; i++) ring[i & 1023] = { ...config };
  },
  copied: (n) => {
    for (let i = 0; i < n; i++) ring[i & 1023] = copied(config);
  },
  generator_per_call: async (n) => {
    for (let i = 0; i < n; i++) {
      const iterator = perCallGenerator(i);
      ring[i & 1023] = iterator;
      await drain(iterator);
    }
  },
  generator_module_level: async (n) => {
    for (let i = 0; i < n; i++) {
      const iterator = twoItems(i);
      ring[i & 1023] = iterator;
      await drain(iterator);
    }
  },
};

for (const arg of process.argv.slice(2)) {
  const [name, count] = arg.split("=");
  const run = CASES[name ?? ""];
  if (run === undefined) throw new Error(`unknown case ${arg}`);
  await run(Number(count));
}
