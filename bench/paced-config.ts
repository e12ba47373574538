/** The shape of `paced_streams` (issue 16), shared by its server (bench/paced-app.ts) and the orchestrator. */

/** Milliseconds between tokens (≈ 33 tokens/s). */
export const TOKEN_INTERVAL_MS = 30;
/** Tokens per answer on `/chat`: ~10 s at {@link TOKEN_INTERVAL_MS}. */
export const PACED_TOKENS = 334;
/** Tokens per answer on `/warm`. */
export const WARM_TOKENS = 20;
/** The first token reads `@t=<monotonic ns>`; the load generator looks for this. */
export const STAMP_PREFIX = "@t=";
