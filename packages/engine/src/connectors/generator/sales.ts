import { z } from 'zod';
import type { ConnectorDefinition } from '../registry.js';
import { SourceBatch } from '../SourceBatch.js';
import type { SourceContext, SourceFunction } from '../SourceFunction.js';
import { mulberry32 } from './random.js';
import { firstLanes, lanesOf, nextLane, unionLanes, type Lane, type LanesState } from './idLanes.js';

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
 * e.g. `01-06-2018,June,Category5,Bat,12`. Deterministic for a seed: line i depends only on the seed and i.
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

/** Random draws per line (salesLine's calls of rand). */
const DRAWS_PER_LINE = 5;
/** mulberry32's step: its state after k draws is seed + k·step (mod 2³²), so line i's draws start from a known state. */
const MULBERRY_STEP = 0x6d2b79f5;

/** Line i of the stream for `seed`: the line a single generator emits i-th, without drawing the i lines before it. */
export function salesLineAt(seed: number, i: number): string {
  return salesLine(mulberry32((seed + Math.imul(DRAWS_PER_LINE * (i % 0x100000000), MULBERRY_STEP)) | 0));
}

/**
 * Each subtask emits its lanes of line numbers (idLanes.ts, as the Nexmark source): subtask s of p the lines ≡ s (mod p),
 * all subtasks together exactly the lines of one generator, each once, also after a restore at another parallelism.
 */
export class SalesGeneratorSource implements SourceFunction<string> {
  private running = true;
  private lanes: Lane[] | undefined;
  private readonly config: z.output<typeof SalesGeneratorConfig>;
  constructor(config: SalesGeneratorConfig) {
    this.config = SalesGeneratorConfig.parse(config);
  }

  async run(ctx: SourceContext<string>): Promise<void> {
    const { ratePerSecond, count, seed } = this.config;
    const p = ctx.parallelism ?? 1;
    const lanes = (this.lanes ??= firstLanes(ctx.subtaskIndex ?? 0, p));
    const end = count ?? Number.POSITIVE_INFINITY;
    const startAt = ctx.getCurrentProcessingTime();
    let emitted = 0;
    const batch = new SourceBatch(ctx);
    while (this.running && ctx.isRunning()) {
      // The rate is the whole source's: each of the p subtasks emits its share of it.
      const due = ratePerSecond === 0 ? emitted + 1024 : Math.floor(((ctx.getCurrentProcessingTime() - startAt) * ratePerSecond) / 1000 / p) + 1;
      let done = false;
      for (; emitted < due; emitted++) {
        const lane = nextLane(lanes, end);
        if (lane === undefined) {
          done = true;
          break;
        }
        batch.add(salesLineAt(seed, lane.next));
        lane.next += lane.mod;
      }
      batch.flush();
      if (done) break;
      if (ratePerSecond === 0) await ctx.yield();
      else await ctx.sleep(Math.max(5, Math.min(50, (1000 * p) / ratePerSecond)));
    }
  }
  cancel(): void {
    this.running = false;
  }
  snapshotState(): LanesState | undefined {
    // Before run() with no restored state nothing was emitted: a restore starts this subtask afresh.
    return this.lanes === undefined ? undefined : { lanes: this.lanes.map((l) => ({ ...l })) };
  }
  restoreState(state: unknown): void {
    this.lanes = lanesOf(state as LanesState);
  }
  restoreUnionState(states: unknown[], subtaskIndex: number, parallelism: number): void {
    this.lanes = unionLanes(states, subtaskIndex, parallelism);
  }
}

export const salesGeneratorConnector: ConnectorDefinition<SalesGeneratorConfig> = {
  name: 'sales-generator',
  recordTimestamps: false,
  description: 'Generated sales lines (date,month,category,product,profit), as in the classic Flink example',
  configSchema: SalesGeneratorConfig as z.ZodType<SalesGeneratorConfig>,
  createSource: (config) => new SalesGeneratorSource(config),
  bounded: (config) => config.count !== undefined,
  splittable: true,
};
