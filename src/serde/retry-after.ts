/**
 * `Retry-After` (RFC 9110 §10.2.3) as seconds: read by the client from a response header or an
 * SSE `error` event, and by the OpenAI-compatible model from its provider's answer.
 */

/**
 * Seconds to wait from a `Retry-After` value: delay-seconds, or an HTTP date (relative to
 * `now`); `undefined` when absent or unreadable. Never negative.
 * @example
 * parseRetryAfter("7"); // 7
 * parseRetryAfter("Wed, 21 Oct 2015 07:28:00 GMT", Date.parse("Wed, 21 Oct 2015 07:27:30 GMT")); // 30
 */
export function parseRetryAfter(value: unknown, now: number = Date.now()): number | undefined {
  if (typeof value === "number") return Number.isFinite(value) && value >= 0 ? value : undefined;
  if (typeof value !== "string") return undefined;
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text);
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - now) / 1000));
}
