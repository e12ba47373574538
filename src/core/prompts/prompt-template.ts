/** A text prompt: an f-string template rendered into a {@link StringPromptValue}. */
import type { RunnableConfig } from "../config.js";
import { StringPromptValue } from "../prompt-values.js";
import { Runnable } from "../runnable.js";
import type { RunType } from "../tracing/run.js";
import {
  formatParts,
  parseFString,
  promptInputJsonSchema,
  promptInputSchema,
  resolvePromptInput,
  templateVariables,
  type FStringInput,
  type PromptVariable,
  type TemplatePart,
} from "./template.js";

/** Constructor fields of {@link PromptTemplate}. */
export interface PromptTemplateInput {
  /** The f-string template (`{name}` variables, `{{`/`}}` for literal braces). */
  template: string;
  /** Only Python f-strings are supported. @default "f-string" */
  templateFormat?: "f-string";
}

/**
 * Renders one string from its input variables. Like every prompt it buffers a streamed
 * input (the default `transform`) and emits one value.
 * @example
 * const prompt = PromptTemplate.fromTemplate("tell me about {topic}");
 * await prompt.invoke({ topic: "bears" }); // StringPromptValue("tell me about bears")
 * prompt.format({ topic: "bears" });       // "tell me about bears"
 */
export class PromptTemplate<RunInput extends Record<string, any> = Record<string, unknown>> extends Runnable<RunInput, StringPromptValue> {
  /** The template text. */
  template: string;
  /** Only `"f-string"`. */
  readonly templateFormat = "f-string" as const;
  // Parsed lazily and keyed by the text, so a copy whose `template` was replaced
  // (configurableFields) re-parses instead of rendering the old one.
  private parsed: { template: string; parts: TemplatePart[]; variables: PromptVariable[] };

  constructor(fields: PromptTemplateInput) {
    super();
    this.template = fields.template;
    this.parsed = parse(fields.template);
    this.inputSchema = promptInputSchema(this.parsed.variables);
  }

  /** A prompt from a template; the variable names become the input type. */
  static fromTemplate<T extends string, I extends Record<string, any> = FStringInput<T>>(template: T): PromptTemplate<I> {
    return new PromptTemplate<I>({ template });
  }

  /** The template's variable names, sorted (as Python's `input_variables`). */
  get inputVariables(): string[] {
    return this.current().variables.map((v) => v.name);
  }

  protected override defaultName(): string {
    return "PromptTemplate";
  }

  protected override runType(): RunType {
    return "prompt";
  }

  /** `{"title":"PromptInput",…}` with one string property per variable, as LangServe prints it. */
  override getInputJsonSchema(): Record<string, unknown> {
    return promptInputJsonSchema(this.current().variables);
  }

  /**
   * The rendered text.
   * @throws ChainserveError `BAD_REQUEST` when variables are missing.
   */
  format(values: RunInput): string {
    const parsed = this.current();
    return formatParts(parsed.parts, resolvePromptInput(this.getName(), values, parsed.variables));
  }

  /** The rendered text as a prompt value. */
  formatPromptValue(values: RunInput): StringPromptValue {
    return new StringPromptValue(this.format(values));
  }

  override invoke(input: RunInput, options?: RunnableConfig): Promise<StringPromptValue> {
    return this._callWithConfig(this.formatPromptValue, input, options);
  }

  private current(): { parts: TemplatePart[]; variables: PromptVariable[] } {
    if (this.parsed.template !== this.template) this.parsed = parse(this.template);
    return this.parsed;
  }
}

function parse(template: string): { template: string; parts: TemplatePart[]; variables: PromptVariable[] } {
  const parts = parseFString(template);
  const variables = templateVariables(parts)
    .sort()
    .map((name): PromptVariable => ({ name, kind: "string", optional: false }));
  return { template, parts, variables };
}
