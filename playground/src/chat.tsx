/**
 * Chat mode, for chains whose input is a message list (or has one under `key`): the history
 * lives in the page; each turn sends it with the new human message, and the reply is added
 * when the stream ends.
 */
import { useState } from "preact/hooks";
import { AIMessage } from "../../src/core/messages/ai.js";
import type { BaseMessage } from "../../src/core/messages/base.js";
import { HumanMessage } from "../../src/core/messages/human.js";
import type { RunView } from "./run.js";
import { MessageView } from "./value-view.js";

/** The reply to keep in the history, from a run's output. */
export function replyOf(output: unknown): BaseMessage | undefined {
  if (output === undefined || output === null) return undefined;
  if (typeof output === "object" && typeof (output as { getType?: unknown }).getType === "function") {
    const m = output as BaseMessage;
    // A streamed chunk becomes a full message in the history.
    return m.getType() === "ai" ? new AIMessage({ content: m.content, tool_calls: (m as AIMessage).tool_calls ?? [] }) : m;
  }
  return new AIMessage(typeof output === "string" ? output : JSON.stringify(output));
}

/** The chain input for one turn. */
export function chatInput(key: string, extra: Record<string, unknown>, messages: BaseMessage[]): unknown {
  return key === "" ? messages : { ...extra, [key]: messages };
}

interface ChatProps {
  history: BaseMessage[];
  view: RunView;
  busy: boolean;
  onSend: (messages: BaseMessage[]) => void;
  onClear: () => void;
}

/** The conversation and the message box. */
export function ChatPanel({ history, view, busy, onSend, onClear }: ChatProps) {
  const [text, setText] = useState("");
  const send = (): void => {
    if (text.trim() === "" || busy) return;
    onSend([...history, new HumanMessage(text)]);
    setText("");
  };
  const pending = busy && view.output !== undefined ? replyOf(view.output) : undefined;
  return (
    <div class="chat">
      <div class="history" data-testid="history">
        {history.length === 0 && <p class="muted">No messages yet.</p>}
        {history.map((m, i) => (
          <div data-testid="chat-message" key={i}>
            <MessageView message={m} />
          </div>
        ))}
        {pending !== undefined && <MessageView message={pending} />}
      </div>
      <div class="chat-input">
        <textarea
          data-testid="chat-input"
          rows={2}
          placeholder="Message (Enter sends, Shift+Enter for a new line)"
          value={text}
          onInput={(e) => setText(e.currentTarget.value)}
          onKeyDown={(e) => {
            if (e.key === "Enter" && !e.shiftKey) {
              e.preventDefault();
              send();
            }
          }}
        />
        <button type="button" class="primary" disabled={busy} onClick={send}>
          Send
        </button>
        <button type="button" disabled={busy || history.length === 0} onClick={onClear}>
          Clear
        </button>
      </div>
    </div>
  );
}
