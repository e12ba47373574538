import { childConfig, type RunnableConfig } from "../config.js";
import { registry } from "../registry.js";
import { Runnable, type RunnableLike, collectSpecs, type ConfigurableSpec } from "../runnable.js";
import { concatIterators, singleton, tee } from "../utils/iter.js";
import { RunnableMap } from "./parallel.js";
import { merged } from "../utils/objects.js";
import { assignOutputJsonSchema } from "../schemas/object-schema.js";

function assertObject(value: unknown): asserts value is Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new TypeError(`RunnableAssign can only be used with objects as input, got ${value === null ? "null" : Array.isArray(value) ? "array" : typeof value}`);
  }
}

/**
 * The input object with the mapper's outputs merged in (mapper keys win). Streaming
 * forwards the input chunks (minus the mapper's keys) while the mapper already runs,
 * then the mapper's chunks.
 */
export class RunnableAssign<RunInput extends Record<string, any> = Record<string, any>> extends Runnable<RunInput, Record<string, any>> {
  /** The parallel map whose outputs are assigned. */
  readonly mapper: RunnableMap<RunInput>;
  private readonly mapperKeys: Set<string>;

  constructor(fields: { mapper: RunnableMap<RunInput> }) {
    super();
    this.mapper = fields.mapper;
    this.mapperKeys = new Set(Object.keys(this.mapper.steps));
  }

  protected override defaultName(): string {
    return `RunnableAssign<${[...this.mapperKeys].join(",")}>`;
  }

  /** Declared schema, else the mapper's input (what the assigned steps read). */
  override getInputJsonSchema(): Record<string, unknown> {
    if (this.inputSchema !== undefined) return super.getInputJsonSchema();
    const schema = this.mapper.getInputJsonSchema();
    return Object.assign({}, schema, { title: this.getName("Input") });
  }

  /** Declared schema, else the input's properties plus the assigned keys. */
  override getOutputJsonSchema(): Record<string, unknown> {
    return this.outputSchema !== undefined ? super.getOutputJsonSchema() : assignOutputJsonSchema(this.mapper, this.getName("Output"));
  }

  /** Configurable fields of the steps (so `/config_schema` and the server's config validation see them). */
  override getConfigurableSpecs(): ConfigurableSpec[] {
    return collectSpecs([this.mapper]);
  }

  override invoke(input: RunInput, options?: RunnableConfig): Promise<Record<string, any>> {
    return this._callWithConfig(this.assignInvoke, input, options);
  }

  private async assignInvoke(input: RunInput, config: RunnableConfig): Promise<Record<string, any>> {
    assertObject(input);
    const output = await this.mapper.invoke(input, childConfig(config));
    return merged(input, output);
  }

  override _streamIterator(input: RunInput, options?: RunnableConfig): AsyncGenerator<Record<string, any>> {
    return this._streamWithConfig((value: RunInput, config: RunnableConfig) => this.assignStream(singleton(value), config), input, options);
  }

  override transform(inputs: AsyncIterable<RunInput>, options?: RunnableConfig): AsyncGenerator<Record<string, any>> {
    return this._transformWithConfig((values: AsyncIterable<RunInput>, config: RunnableConfig) => this.assignStream(values, config), inputs, options);
  }

  private assignStream(inputs: AsyncIterable<RunInput>, config: RunnableConfig): AsyncGenerator<Record<string, any>> {
    const [forPassthrough, forMapper] = tee(inputs, 2) as [AsyncGenerator<RunInput>, AsyncGenerator<RunInput>];
    const mapped = this.mapper.transform(forMapper, childConfig(config));
    // Start the mapper now, so slow branches (retrievers) overlap with forwarding the input.
    const firstMapped = mapped.next();
    firstMapped.catch(() => undefined);
    // The mapper's chunks are handed through as they come, not re-yielded one by one.
    return concatIterators(this.forward(forPassthrough), mapped, firstMapped);
  }

  /** The input chunks minus the mapper's keys. */
  private async *forward(inputs: AsyncIterable<RunInput>): AsyncGenerator<Record<string, any>> {
    for await (const chunk of inputs) {
      assertObject(chunk);
      let filtered: Record<string, unknown> | undefined;
      for (const key of Object.keys(chunk)) {
        if (this.mapperKeys.has(key)) continue;
        (filtered ??= {})[key] = chunk[key];
      }
      if (filtered !== undefined) yield filtered;
    }
  }
}

registry.assign = (mapping: Record<string, RunnableLike>) => new RunnableAssign({ mapper: new RunnableMap({ steps: mapping }) });
