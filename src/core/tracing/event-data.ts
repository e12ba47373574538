/**
 * How stream_events v2 presents a run's input and output, per run type (Python
 * langchain-core's `astream_events` forms, as LangServe sends them).
 */
import { HumanMessage } from "../messages/human.js";
import { coerceMessageLike } from "../messages/utils.js";
import type { BaseMessage } from "../messages/base.js";
import type { Run } from "./run.js";
import { textOf } from "./values.js";

function toMessages(input: unknown): unknown[] {
  if (typeof (input as { toChatMessages?: unknown } | null)?.toChatMessages === "function") {
    return (input as { toChatMessages(): BaseMessage[] }).toChatMessages();
  }
  if (typeof input === "string") return [new HumanMessage(input)];
  if (Array.isArray(input)) {
    return input.map((item: unknown) => {
      try {
        return coerceMessageLike(item);
      } catch {
        return item;
      }
    });
  }
  return [input];
}

function toPrompts(input: unknown): unknown[] {
  if (Array.isArray(input)) return input;
  if (typeof input === "string") return [input];
  if (typeof input === "object" && input !== null && typeof (input as { toChatMessages?: unknown }).toChatMessages === "function") {
    return [String(input)];
  }
  return [input];
}

/**
 * A run's input as events show it: chat models `{messages: [[…]]}` (a prompt value
 * converted to messages, a string to one human message), text LLMs `{prompts: […]}`,
 * retrievers `{query}`, everything else as is.
 */
export function eventInput(run: Run, input: unknown): unknown {
  switch (run.runType) {
    case "chat_model":
      return { messages: [toMessages(input)] };
    case "llm":
      return { prompts: toPrompts(input) };
    case "retriever":
      return { query: input };
    case "chain":
    case "prompt":
    case "parser":
    case "tool":
      return input;
  }
}

/**
 * A run's output as end events show it: text LLMs `{generations, llm_output}`, everything
 * else (the chat model's message, the retriever's documents, the prompt value) as is.
 */
export function eventOutput(run: Run, output: unknown): unknown {
  if (run.runType !== "llm") return output;
  return { generations: [[{ text: textOf(output), generation_info: null, type: "GenerationChunk" }]], llm_output: null };
}
