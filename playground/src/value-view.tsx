/**
 * Renders any output: text as text, messages with their role, text and tool calls, everything
 * else as a JSON tree that re-renders in place as a stream fills it.
 */
import type { ComponentChildren } from "preact";
import { BaseMessage } from "../../src/core/messages/base.js";

interface ToolCallLike {
  name?: string | undefined;
  args?: unknown;
  id?: string | undefined;
}

function toolCalls(message: BaseMessage): ToolCallLike[] {
  const m = message as unknown as { tool_calls?: ToolCallLike[]; tool_call_chunks?: ToolCallLike[] };
  if (Array.isArray(m.tool_calls) && m.tool_calls.length > 0) return m.tool_calls;
  return Array.isArray(m.tool_call_chunks) ? m.tool_call_chunks : [];
}

/** One message: role, text, tool calls. */
export function MessageView({ message }: { message: BaseMessage }) {
  const calls = toolCalls(message);
  return (
    <div class={`message message-${message.getType()}`} data-testid="message">
      <span class="role">{message.getType()}</span>
      {message.text !== "" && <div class="text">{message.text}</div>}
      {calls.map((call, i) => (
        <div class="tool-call" data-testid="tool-call" key={call.id ?? i}>
          <span class="tool-label">tool call</span>
          <span class="tool-name">{call.name ?? "(unnamed)"}</span>
          <code>{typeof call.args === "string" ? call.args : JSON.stringify(call.args)}</code>
        </div>
      ))}
    </div>
  );
}

function Leaf({ value }: { value: unknown }) {
  if (value === null || value === undefined) return <span class="json-null">null</span>;
  switch (typeof value) {
    case "string":
      return <span class="json-string">{JSON.stringify(value)}</span>;
    case "number":
    case "bigint":
      return <span class="json-number">{String(value)}</span>;
    case "boolean":
      return <span class="json-bool">{String(value)}</span>;
    default:
      return <span>{String(value)}</span>;
  }
}

function Entry({ label, children }: { label: string; children: ComponentChildren }) {
  return (
    <li>
      <span class="json-key">{label}: </span>
      {children}
    </li>
  );
}

/** A collapsible JSON tree (class instances such as Documents show their own fields). */
export function JsonTree({ value, depth = 0 }: { value: unknown; depth?: number }) {
  if (value instanceof BaseMessage) return <MessageView message={value} />;
  if (typeof value !== "object" || value === null) return <Leaf value={value} />;
  const entries: [string, unknown][] = Array.isArray(value) ? value.map((v, i) => [String(i), v]) : Object.entries(value).filter(([, v]) => v !== undefined);
  // Class names are minified in the bundle: only documents get a label, from their shape.
  const kind = Array.isArray(value) ? `[${entries.length}]` : typeof (value as { pageContent?: unknown }).pageContent === "string" ? "Document" : `{${entries.length}}`;
  if (entries.length === 0) return <span class="json-empty">{Array.isArray(value) ? "[]" : "{}"}</span>;
  return (
    <details class="json" open={depth < 4}>
      <summary>{kind}</summary>
      <ul>
        {entries.map(([k, v]) => (
          <Entry key={k} label={k}>
            <JsonTree value={v} depth={depth + 1} />
          </Entry>
        ))}
      </ul>
    </details>
  );
}

/** The output of a run: text, a message (list) or a JSON tree. */
export function ValueView({ value }: { value: unknown }) {
  if (typeof value === "string") return <pre class="text-output">{value}</pre>;
  if (value instanceof BaseMessage) return <MessageView message={value} />;
  if (Array.isArray(value) && value.length > 0 && value.every((v) => v instanceof BaseMessage)) {
    return (
      <div>
        {value.map((m, i) => (
          <MessageView key={i} message={m as BaseMessage} />
        ))}
      </div>
    );
  }
  return <JsonTree value={value} />;
}
