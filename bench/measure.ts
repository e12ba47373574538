/**
 * Tiny ops/second measurement used by the core benchmark: run `fn` back to back for a
 * fixed time after a warm-up, several rounds, and report the median round.
 */

/** Options for {@link opsPerSecond}. */
export interface MeasureOptions {
  /** Warm-up time before measuring (ms). @default 300 */
  warmupMs?: number;
  /** Length of one measured round (ms). @default 1000 */
  roundMs?: number;
  /** Number of rounds; the median is reported. @default 5 */
  rounds?: number;
}

async function runFor(fn: () => Promise<unknown>, ms: number): Promise<number> {
  const end = performance.now() + ms;
  let ops = 0;
  let now = performance.now();
  const started = now;
  while (now < end) {
    await fn();
    ops += 1;
    now = performance.now();
  }
  return (ops * 1000) / (now - started);
}

/** Median of a list of numbers. */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** Least-squares slope of y against x (0 with fewer than two distinct x). */
export function slope(points: readonly (readonly [number, number])[]): number {
  const n = points.length;
  const meanX = points.reduce((sum, [x]) => sum + x, 0) / n;
  const meanY = points.reduce((sum, [, y]) => sum + y, 0) / n;
  let num = 0;
  let den = 0;
  for (const [x, y] of points) {
    num += (x - meanX) * (y - meanY);
    den += (x - meanX) ** 2;
  }
  return den === 0 ? 0 : num / den;
}

/**
 * Measure two implementations of the same work, alternating rounds so machine noise hits
 * both alike. Returns the median ops/s of each.
 */
export async function compare(
  a: () => Promise<unknown>,
  b: () => Promise<unknown>,
  options: MeasureOptions = {},
): Promise<{ a: number; b: number }> {
  const warmup = options.warmupMs ?? 300;
  const round = options.roundMs ?? 1000;
  const rounds = options.rounds ?? 5;
  await runFor(a, warmup);
  await runFor(b, warmup);
  const resultsA: number[] = [];
  const resultsB: number[] = [];
  for (let i = 0; i < rounds; i++) {
    resultsA.push(await runFor(a, round));
    resultsB.push(await runFor(b, round));
  }
  return { a: median(resultsA), b: median(resultsB) };
}
