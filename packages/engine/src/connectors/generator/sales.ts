import { z } from 'zod';
import type { ConnectorDefinition } from '../registry.js';
import { SourceBatch } from '../SourceBatch.js';
import type { SourceContext, SourceFunction } from '../SourceFunction.js';
import { mulberry32 } from './random.js';

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const PRODUCTS = ['Bat', 'Ball', 'Glove', 'Helmet', 'Pads', 'Stumps', 'Shoes', 'Cap', 'Jersey', 'Bag'];

export const SalesGeneratorConfig = z.object({
  /** Records per second; 0 emits as fast as possible. */
  ratePerSecond: z.number().nonnegative().default(100),
  /** Stop after this many records (bounded); omit for an endless stream. */
  count: z.number().int().positive().optional(),
  seed: z.number().int().default(42),
});
export type SalesGeneratorConfig = z.input<typeof SalesGeneratorConfig>;

/**
 * Sales lines in the classic Flink example's format: `date,month,category,product,profit`,
 * e.g. `01-06-2018,June,Category5,Bat,12`. Deterministic for a seed; position is checkpointed.
 */
export function salesLine(rand: () => number): string {
  const month = Math.floor(rand() * 12);
  const day = 1 + Math.floor(rand() * 28);
  const category = 1 + Math.floor(rand() * 5);
  const product = PRODUCTS[Math.floor(rand() * PRODUCTS.length)]!;
  const profit = 1 + Math.floor(rand() * 50);
  const dd = String(day).padStart(2, '0');
  const mm = String(month + 1).padStart(2, '0');
  return `${dd}-${mm}-2018,${MONTHS[month]},Category${category},${product},${profit}`;
}

export class SalesGeneratorSource implements SourceFunction<string> {
  private running = true;
  private emitted = 0;
  private readonly config: z.output<typeof SalesGeneratorConfig>;
  constructor(config: SalesGeneratorConfig) {
    this.config = SalesGeneratorConfig.parse(config);
  }

  async run(ctx: SourceContext<string>): Promise<void> {
    const { ratePerSecond, count, seed } = this.config;
    const rand = mulberry32(seed);
    // Replay the random sequence up to the restored position so output is identical after recovery.
    for (let i = 0; i < this.emitted; i++) salesLine(rand);
    const startAt = ctx.getCurrentProcessingTime();
    const startCount = this.emitted;
    const batch = new SourceBatch(ctx);
    while (this.running && ctx.isRunning() && (count === undefined || this.emitted < count)) {
      let due: number;
      if (ratePerSecond === 0) due = this.emitted + 1024;
      else due = startCount + Math.floor(((ctx.getCurrentProcessingTime() - startAt) * ratePerSecond) / 1000) + 1;
      if (count !== undefined) due = Math.min(due, count);
      while (this.emitted < due) {
        batch.add(salesLine(rand));
        this.emitted++;
      }
      batch.flush();
      if (ratePerSecond === 0) await ctx.yield();
      else await ctx.sleep(Math.max(5, Math.min(50, 1000 / ratePerSecond)));
    }
  }
  cancel(): void {
    this.running = false;
  }
  snapshotState(): unknown {
    return { emitted: this.emitted };
  }
  restoreState(state: unknown): void {
    this.emitted = (state as { emitted: number }).emitted;
  }
}

export const salesGeneratorConnector: ConnectorDefinition<SalesGeneratorConfig> = {
  name: 'sales-generator',
  recordTimestamps: false,
  description: 'Generated sales lines (date,month,category,product,profit), as in the classic Flink example',
  configSchema: SalesGeneratorConfig as z.ZodType<SalesGeneratorConfig>,
  createSource: (config) => new SalesGeneratorSource(config),
  bounded: (config) => config.count !== undefined,
};
