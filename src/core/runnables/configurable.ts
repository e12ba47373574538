import { z } from "zod";
import type { RunnableConfig } from "../config.js";
import { registry } from "../registry.js";
import { Runnable, type BatchOptions, type ConfigurableSpec } from "../runnable.js";
import { assignOwn } from "../utils/objects.js";

/** Describes one configurable field or selector. */
export interface ConfigurableField {
  /** Key under `config.configurable`. */
  id: string;
  /** Human name. */
  name?: string;
  /** Description (shown in `/config_schema`). */
  description?: string;
  /** Schema of the value; inferred from the default value when omitted. */
  schema?: z.ZodType;
}

function inferSchema(value: unknown): z.ZodType {
  switch (typeof value) {
    case "string":
      return z.string();
    case "number":
      return z.number();
    case "boolean":
      return z.boolean();
    default:
      return z.unknown();
  }
}

/** Base of the two configurable wrappers: picks the runnable to run from the config. */
abstract class RunnableConfigurableBase<I, O> extends Runnable<I, O> {
  protected abstract prepare(config: RunnableConfig | undefined): Runnable<I, O>;

  override invoke(input: I, options?: RunnableConfig): Promise<O> {
    return this.prepare(options).invoke(input, options);
  }

  override batch(inputs: I[], options?: RunnableConfig | RunnableConfig[], batchOptions?: BatchOptions): Promise<any[]> {
    if (Array.isArray(options)) return super.batch(inputs, options, batchOptions);
    return this.prepare(options).batch(inputs, options, batchOptions);
  }

  override _streamIterator(input: I, options?: RunnableConfig): AsyncGenerator<O> {
    return this.prepare(options)._streamIterator(input, options);
  }

  override transform(inputs: AsyncIterable<I>, options?: RunnableConfig): AsyncGenerator<O> {
    return this.prepare(options).transform(inputs, options);
  }
}

/**
 * A runnable whose fields can be overridden per call through `config.configurable`.
 * @example
 * const model = new FakeChatModel({ responses: ["a"] }).configurableFields({ responses: { id: "responses" } });
 */
export class RunnableConfigurableFields<I = any, O = any> extends RunnableConfigurableBase<I, O> {
  /** The runnable used when nothing is configured. */
  readonly default: Runnable<I, O>;
  /** Field name → how it is configured. */
  readonly fields: Record<string, ConfigurableField>;

  constructor(options: { default: Runnable<I, O>; fields: Record<string, ConfigurableField> }) {
    super();
    this.default = options.default;
    this.fields = options.fields;
    this.inputSchema = this.default.inputSchema;
    this.outputSchema = this.default.outputSchema;
  }

  override getName(suffix?: string): string {
    return this.name === undefined ? this.default.getName(suffix) : super.getName(suffix);
  }

  /** The wrapped runnable's schema (inferred ones included) unless other types were declared. */
  override getInputJsonSchema(): Record<string, unknown> {
    return this.inputSchema === this.default.inputSchema ? this.default.getInputJsonSchema() : super.getInputJsonSchema();
  }

  /** The wrapped runnable's output schema unless other types were declared. */
  override getOutputJsonSchema(): Record<string, unknown> {
    return this.outputSchema === this.default.outputSchema ? this.default.getOutputJsonSchema() : super.getOutputJsonSchema();
  }

  override getConfigurableSpecs(): ConfigurableSpec[] {
    const own = Object.entries(this.fields).map(([field, spec]) => {
      const value = (this.default as unknown as Record<string, unknown>)[field];
      const out: ConfigurableSpec = { id: spec.id, default: value, schema: spec.schema ?? inferSchema(value) };
      if (spec.name !== undefined) out.name = spec.name;
      if (spec.description !== undefined) out.description = spec.description;
      return out;
    });
    return [...own, ...this.default.getConfigurableSpecs()];
  }

  protected prepare(config: RunnableConfig | undefined): Runnable<I, O> {
    const configurable = config?.configurable;
    if (configurable === undefined) return this.default;
    let overrides: Record<string, unknown> | undefined;
    for (const [field, spec] of Object.entries(this.fields)) {
      if (configurable[spec.id] !== undefined) (overrides ??= {})[field] = configurable[spec.id];
    }
    if (overrides === undefined) return this.default;
    return Object.assign(Object.create(Object.getPrototypeOf(this.default) as object) as object, this.default, overrides) as Runnable<I, O>;
  }
}

/**
 * Chooses between alternative runnables by `config.configurable[which.id]`.
 * @example
 * model.configurableAlternatives({ which: { id: "llm" }, defaultKey: "fake", alternatives: { openai: openaiModel } })
 */
export class RunnableConfigurableAlternatives<I = any, O = any> extends RunnableConfigurableBase<I, O> {
  /** The runnable under `defaultKey`. */
  readonly default: Runnable<I, O>;
  /** The selector field. */
  readonly which: ConfigurableField;
  /** Key of the default. */
  readonly defaultKey: string;
  /** The other choices by key. */
  readonly alternatives: Record<string, Runnable<I, O>>;

  constructor(options: { default: Runnable<I, O>; which: ConfigurableField; defaultKey?: string; alternatives: Record<string, Runnable<I, O>> }) {
    super();
    this.default = options.default;
    this.which = options.which;
    this.defaultKey = options.defaultKey ?? "default";
    this.alternatives = options.alternatives;
    this.inputSchema = this.default.inputSchema;
    this.outputSchema = this.default.outputSchema;
  }

  override getName(suffix?: string): string {
    return this.name === undefined ? this.default.getName(suffix) : super.getName(suffix);
  }

  /** The wrapped runnable's schema (inferred ones included) unless other types were declared. */
  override getInputJsonSchema(): Record<string, unknown> {
    return this.inputSchema === this.default.inputSchema ? this.default.getInputJsonSchema() : super.getInputJsonSchema();
  }

  /** The wrapped runnable's output schema unless other types were declared. */
  override getOutputJsonSchema(): Record<string, unknown> {
    return this.outputSchema === this.default.outputSchema ? this.default.getOutputJsonSchema() : super.getOutputJsonSchema();
  }

  override getConfigurableSpecs(): ConfigurableSpec[] {
    const keys = [this.defaultKey, ...Object.keys(this.alternatives)] as [string, ...string[]];
    const spec: ConfigurableSpec = { id: this.which.id, default: this.defaultKey, schema: this.which.schema ?? z.enum(keys) };
    if (this.which.name !== undefined) spec.name = this.which.name;
    if (this.which.description !== undefined) spec.description = this.which.description;
    return [spec, ...this.default.getConfigurableSpecs()];
  }

  protected prepare(config: RunnableConfig | undefined): Runnable<I, O> {
    const key = config?.configurable?.[this.which.id];
    if (key === undefined || key === this.defaultKey) return this.default;
    const chosen = typeof key === "string" ? this.alternatives[key] : undefined;
    if (chosen === undefined) throw new TypeError(`Unknown alternative '${String(key)}' for configurable '${this.which.id}'`);
    return chosen;
  }
}

registry.configurableFields = (runnable, fields) => new RunnableConfigurableFields({ default: runnable, fields });
registry.configurableAlternatives = (runnable, options) => new RunnableConfigurableAlternatives(assignOwn({ default: runnable }, options));
