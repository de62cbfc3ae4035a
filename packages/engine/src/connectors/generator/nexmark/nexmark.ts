import { z } from 'zod';
import type { ConnectorDefinition, ConnectorSpec } from '../../registry.js';
import { SourceBatch } from '../../SourceBatch.js';
import type { SourceContext, SourceFunction } from '../../SourceFunction.js';
import { NexmarkGenerator } from './NexmarkGenerator.js';

export const NexmarkSourceConfig = z.object({
  seed: z.number().int().default(1),
  /** Event-time rate (events per second of event time). */
  eventsPerSecond: z.number().positive().default(10_000),
  /** Wall-clock rate limit (events per second); 0 = as fast as possible. */
  ratePerSecond: z.number().nonnegative().default(1000),
  outOfOrdernessMs: z.number().nonnegative().default(0),
  /** Stop after this many events (bounded); omit for endless. */
  count: z.number().int().positive().optional(),
});
export type NexmarkSourceConfig = z.input<typeof NexmarkSourceConfig>;

/** Nexmark events (person / auction / bid) with event timestamps; position is checkpointed and replayed exactly. */
class NexmarkSource implements SourceFunction {
  private running = true;
  private emitted = 0;
  private readonly c: z.output<typeof NexmarkSourceConfig>;
  constructor(config: NexmarkSourceConfig) {
    this.c = NexmarkSourceConfig.parse(config);
  }
  async run(ctx: SourceContext): Promise<void> {
    const gen = new NexmarkGenerator(this.c);
    for (let i = 0; i < this.emitted; i++) gen.next();
    const started = ctx.getCurrentProcessingTime();
    const from = this.emitted;
    const batch = new SourceBatch(ctx);
    while (this.running && ctx.isRunning() && (this.c.count === undefined || this.emitted < this.c.count)) {
      const due = this.c.ratePerSecond === 0 ? this.emitted + 4096 : from + Math.floor(((ctx.getCurrentProcessingTime() - started) * this.c.ratePerSecond) / 1000) + 1;
      const end = this.c.count === undefined ? due : Math.min(due, this.c.count);
      for (; this.emitted < end; this.emitted++) {
        const e = gen.next();
        batch.add(e, e.t);
      }
      batch.flush();
      if (this.c.ratePerSecond === 0) await ctx.yield();
      else await ctx.sleep(20);
    }
  }
  cancel(): void {
    this.running = false;
  }
  snapshotState(): unknown {
    return { emitted: this.emitted };
  }
  restoreState(s: unknown): void {
    this.emitted = (s as { emitted: number }).emitted;
  }
}

export const nexmarkConnector: ConnectorDefinition<NexmarkSourceConfig> = {
  name: 'nexmark',
  outputFields: ['person', 'auction', 'bid', 't'],
  description: 'Nexmark auction events (persons, auctions, bids) for demos and benchmarks',
  configSchema: NexmarkSourceConfig as z.ZodType<NexmarkSourceConfig>,
  createSource: (c) => new NexmarkSource(c),
  bounded: (c) => c.count !== undefined,
};

/** `env.fromSource(new Nexmark({ eventsPerSecond: 10000 }), WatermarkStrategy.forBoundedOutOfOrderness(4000), 'nexmark')` */
export class Nexmark implements ConnectorSpec<NexmarkSourceConfig> {
  readonly connector = 'nexmark';
  constructor(readonly config: NexmarkSourceConfig = {}) {}
}
