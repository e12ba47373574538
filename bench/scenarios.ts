/** The server benchmark's scenarios (issue #5): which request, how many connections. */

/** A throughput scenario: one request replayed in a closed loop. */
export interface Scenario {
  name: string;
  path: string;
  body: string;
  sse: boolean;
  /** Concurrent connections. @default 50 */
  connections?: number;
  /** Report time to first data frame instead of time to last byte. */
  ttfb?: boolean;
}

const CHAT_INPUT = '{"input":{"topic":"bears"}}';

/** The scenarios, in run order. */
export const SCENARIOS: readonly Scenario[] = [
  { name: "invoke_echo", path: "/echo/invoke", body: '{"input":{"a":1}}', sse: false },
  {
    name: "batch_echo",
    path: "/echo/batch",
    body: JSON.stringify({ inputs: [{ a: 1 }, [1, 2, 3], "x", 5, null, { a: 2 }, [4, 5, 6], "y", 6, true] }),
    sse: false,
  },
  { name: "stream_chat", path: "/chat/stream", body: CHAT_INPUT, sse: true },
  { name: "stream_log_chat", path: "/chat/stream_log", body: CHAT_INPUT, sse: true },
  { name: "stream_events_chat", path: "/chat/stream_events", body: '{"input":{"topic":"bears"},"version":"v2"}', sse: true },
  { name: "rag_stream", path: "/rag/stream", body: '{"input":"where did harrison work?"}', sse: true },
  { name: "ttfb_chat_c1", path: "/chat/stream", body: CHAT_INPUT, sse: true, connections: 1, ttfb: true },
  { name: "ttfb_chat_c50", path: "/chat/stream", body: CHAT_INPUT, sse: true, connections: 50, ttfb: true },
];

/** Streams held open at once in `idle_streams`. */
export const IDLE_STREAMS = 2000;
/** Concurrent connections of the throughput scenarios. */
export const CONNECTIONS = 50;
