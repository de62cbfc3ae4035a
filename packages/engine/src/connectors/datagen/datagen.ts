import { z } from 'zod';
import type { ConnectorDefinition } from '../registry.js';
import type { SourceContext, SourceFunction } from '../SourceFunction.js';

const FieldOptions = z.object({
  kind: z.enum(['random', 'sequence']).default('random'),
  min: z.number().optional(),
  max: z.number().optional(),
  length: z.number().int().positive().optional(),
  start: z.number().optional(),
  end: z.number().optional(),
});

export const DatagenConfig = z.object({
  /** Physical columns to generate, with their SQL types. */
  fields: z.array(z.object({ name: z.string(), type: z.string(), options: FieldOptions.optional() })).min(1),
  rowsPerSecond: z.number().positive().default(10000),
  /** Bounded when set. */
  numberOfRows: z.number().int().nonnegative().optional(),
  seed: z.number().int().optional(),
});
export type DatagenConfig = z.input<typeof DatagenConfig>;
type Config = z.output<typeof DatagenConfig>;

/** Mulberry32: a small seeded generator, so a seeded table generates the same rows again. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ALNUM = 'abcdefghijklmnopqrstuvwxyz0123456789';

/**
 * Flink SQL's 'datagen' connector: random or sequence values per column type at `rows-per-second`; bounded with
 * `number-of-rows` (or when every sequence field reached its end). Timestamps are the current time, as in Flink.
 */
export class DatagenSource implements SourceFunction<Record<string, unknown>> {
  private running = true;
  private emitted = 0;
  private readonly c: Config;
  constructor(config: DatagenConfig) {
    this.c = DatagenConfig.parse(config);
  }

  private value(type: string, o: z.output<typeof FieldOptions> | undefined, rand: () => number, i: number): unknown {
    const t = type.toUpperCase();
    if (o?.kind === 'sequence') {
      const v = (o.start ?? 0) + i;
      return /^(STRING|VARCHAR|CHAR)/.test(t) ? String(v) : v;
    }
    if (/^(TINYINT|SMALLINT|INT|INTEGER|BIGINT)\b/.test(t)) {
      const min = o?.min ?? (t.startsWith('TINY') ? -128 : t.startsWith('SMALL') ? -32768 : t.startsWith('BIG') ? -(2 ** 53) + 1 : -(2 ** 31));
      const max = o?.max ?? (t.startsWith('TINY') ? 127 : t.startsWith('SMALL') ? 32767 : t.startsWith('BIG') ? 2 ** 53 - 1 : 2 ** 31 - 1);
      return Math.floor(min + rand() * (max - min + 1));
    }
    if (/^(FLOAT|DOUBLE|REAL|DECIMAL|NUMERIC)\b/.test(t)) {
      const min = o?.min ?? 0;
      const max = o?.max ?? 1;
      return min + rand() * (max - min);
    }
    if (/^BOOLEAN/.test(t)) return rand() < 0.5;
    if (/^(TIMESTAMP|DATE|TIME)/.test(t)) return Date.now();
    let s = '';
    const len = o?.length ?? 100;
    for (let k = 0; k < len; k++) s += ALNUM[Math.floor(rand() * ALNUM.length)];
    return s;
  }

  async run(ctx: SourceContext<Record<string, unknown>>): Promise<void> {
    const rand = rng((this.c.seed ?? Date.now()) + (ctx.subtaskIndex ?? 0));
    const seqEnd = this.c.fields.map((f) => (f.options?.kind === 'sequence' ? (f.options.end ?? Infinity) - (f.options.start ?? 0) + 1 : Infinity));
    const limit = Math.min(this.c.numberOfRows ?? Infinity, ...seqEnd);
    const perTick = Math.max(1, Math.round(this.c.rowsPerSecond / 10));
    const batch: Record<string, unknown>[] = [];
    while (this.running && ctx.isRunning() && this.emitted < limit) {
      const started = Date.now();
      batch.length = 0;
      for (let k = 0; k < perTick && this.emitted < limit; k++, this.emitted++) {
        const row: Record<string, unknown> = {};
        for (const f of this.c.fields) row[f.name] = this.value(f.type, f.options, rand, this.emitted);
        batch.push(row);
      }
      ctx.collectBatch(batch);
      const wait = 100 - (Date.now() - started);
      if (wait > 0) await ctx.sleep(wait);
      else await ctx.yield();
    }
  }
  cancel(): void {
    this.running = false;
  }
  snapshotState(): unknown {
    return { emitted: this.emitted };
  }
  restoreState(state: unknown): void {
    this.emitted = (state as { emitted?: number } | undefined)?.emitted ?? 0;
  }
}

export const datagenConnector: ConnectorDefinition<DatagenConfig> = {
  name: 'datagen',
  description: "Random or sequence rows for a table's columns (Flink SQL's datagen)",
  configSchema: DatagenConfig as z.ZodType<DatagenConfig>,
  createSource: (config) => new DatagenSource(config),
  bounded: (config) => config.numberOfRows !== undefined,
};
