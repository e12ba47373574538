/**
 * Run types and JSON Schemas of LangChain.js runnables, read from what they declare:
 * a prompt's variables (and its message placeholders), a tool's schema (zod 4 or JSON
 * Schema), the kind of component its `lc_namespace` names.
 */
import type { z } from "zod";
import { promptInputJsonSchema, promptInputSchema, type PromptVariable } from "../prompts/template.js";
import type { RunType } from "../tracing/run.js";
import { documentListJsonSchema, messageJsonSchema, parserInputJsonSchema, promptValueJsonSchema } from "../schemas/message-schemas.js";

interface LcShape {
  lc_namespace: string[];
  inputVariables?: unknown;
  promptMessages?: unknown;
  schema?: unknown;
}

/** The run type a LangChain.js component reports, from its namespace. */
export function langChainRunType(runnable: { lc_namespace: string[] }): RunType {
  const ns = runnable.lc_namespace;
  if (ns.includes("chat_models")) return "chat_model";
  if (ns.includes("llms")) return "llm";
  if (ns.includes("prompts")) return "prompt";
  if (ns.includes("output_parsers")) return "parser";
  if (ns.includes("retrievers") || typeof (runnable as { _getRelevantDocuments?: unknown })._getRelevantDocuments === "function") return "retriever";
  if (ns.includes("tools")) return "tool";
  return "chain";
}

function promptVariables(prompt: LcShape): PromptVariable[] | undefined {
  if (!Array.isArray(prompt.inputVariables)) return undefined;
  const placeholders = new Map<string, boolean>();
  if (Array.isArray(prompt.promptMessages)) {
    for (const message of prompt.promptMessages as { variableName?: unknown; optional?: unknown }[]) {
      if (typeof message?.variableName === "string") placeholders.set(message.variableName, message.optional === true);
    }
  }
  const names = new Set<string>(prompt.inputVariables.filter((v): v is string => typeof v === "string"));
  for (const name of placeholders.keys()) names.add(name);
  return [...names].map((name) => {
    const optional = placeholders.get(name);
    return optional === undefined ? { name, kind: "string", optional: false } : { name, kind: "messages", optional };
  });
}

/** The input schema a LangChain.js component's kind implies (models, parsers, retrievers), or undefined. */
export function langChainKindInputSchema(runnable: { lc_namespace: string[] }, name: string): Record<string, unknown> | undefined {
  switch (langChainRunType(runnable)) {
    case "chat_model":
      return promptValueJsonSchema(`${name}Input`);
    case "parser":
      return parserInputJsonSchema(`${name}Input`);
    case "retriever":
      return { title: `${name}Input`, type: "string" };
    default:
      return undefined;
  }
}

/** The input schema a LangChain.js runnable declares (prompts, tools), or undefined. */
export function langChainInputSchema(runnable: { lc_namespace: string[] }): { zod: z.ZodType | undefined; json: Record<string, unknown> } | undefined {
  const shape = runnable as LcShape;
  if (shape.lc_namespace.includes("prompts")) {
    const variables = promptVariables(shape);
    if (variables !== undefined) return { zod: promptInputSchema(variables), json: promptInputJsonSchema(variables) };
  }
  const schema = shape.schema;
  if (typeof schema === "object" && schema !== null) {
    // zod 4 schemas carry their own converter; zod 3 ones are read as "anything".
    const convert = (schema as { toJSONSchema?: (options: unknown) => unknown }).toJSONSchema;
    if (typeof convert === "function") {
      const json = convert.call(schema, { unrepresentable: "any", io: "input" }) as Record<string, unknown>;
      delete json.$schema;
      // A zod 4 schema also validates requests, as a native chain's does.
      const validates = "_zod" in schema && typeof (schema as { safeParse?: unknown }).safeParse === "function";
      return { zod: validates ? (schema as z.ZodType) : undefined, json };
    }
    if (typeof (schema as { type?: unknown }).type === "string" && !("_def" in schema)) {
      return { zod: undefined, json: schema as Record<string, unknown> };
    }
  }
  return undefined;
}

/** The output schema of a LangChain.js component whose output kind is fixed, or undefined. */
export function langChainOutputSchema(runnable: { lc_namespace: string[] }, name: string): Record<string, unknown> | undefined {
  const className = (runnable.constructor as { lc_name?: () => string }).lc_name?.() ?? runnable.constructor.name;
  if (className === "StrOutputParser" || className === "StringOutputParser") return { title: `${name}Output`, type: "string" };
  switch (langChainRunType(runnable)) {
    case "chat_model":
      return messageJsonSchema(`${name}Output`);
    case "retriever":
      return documentListJsonSchema(`${name}Output`);
    default:
      return undefined;
  }
}
