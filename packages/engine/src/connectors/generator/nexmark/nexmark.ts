import { z } from 'zod';
import type { ConnectorDefinition, ConnectorSpec } from '../../registry.js';
import { SourceBatch } from '../../SourceBatch.js';
import type { SourceContext, SourceFunction } from '../../SourceFunction.js';
import { NexmarkGenerator } from './NexmarkGenerator.js';
import { firstLanes, lanesOf, nextLane, unionLanes, type Lane, type LanesState } from '../idLanes.js';

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

/** Nexmark events (person / auction / bid) with event timestamps; each subtask emits its lanes of ids (idLanes.ts), checkpointed exactly. */
class NexmarkSource implements SourceFunction {
  private running = true;
  private lanes: Lane[] | undefined;
  private readonly c: z.output<typeof NexmarkSourceConfig>;
  constructor(config: NexmarkSourceConfig) {
    this.c = NexmarkSourceConfig.parse(config);
  }
  async run(ctx: SourceContext): Promise<void> {
    const s = ctx.subtaskIndex ?? 0;
    const p = ctx.parallelism ?? 1;
    const lanes = (this.lanes ??= firstLanes(s, p));
    const gen = new NexmarkGenerator(this.c);
    const count = this.c.count ?? Number.POSITIVE_INFINITY;
    const started = ctx.getCurrentProcessingTime();
    let emitted = 0;
    const batch = new SourceBatch(ctx);
    while (this.running && ctx.isRunning()) {
      const due = this.c.ratePerSecond === 0 ? emitted + 4096 : Math.floor((((ctx.getCurrentProcessingTime() - started) * this.c.ratePerSecond) / 1000) / p) + 1;
      let done = false;
      for (; emitted < due; emitted++) {
        const lane = nextLane(lanes, count);
        if (lane === undefined) {
          done = true;
          break;
        }
        const e = gen.at(lane.next);
        lane.next += lane.mod;
        batch.add(e, e.t);
      }
      batch.flush();
      if (done) break;
      if (this.c.ratePerSecond === 0) await ctx.yield();
      else await ctx.sleep(20);
    }
  }
  cancel(): void {
    this.running = false;
  }
  snapshotState(): LanesState | undefined {
    // Before run() with no restored state, nothing was emitted: a restore starts this subtask afresh.
    return this.lanes === undefined ? undefined : { lanes: this.lanes.map((l) => ({ ...l })) };
  }
  restoreState(state: unknown): void {
    this.lanes = lanesOf(state as LanesState);
  }
  restoreUnionState(states: unknown[], subtaskIndex: number, parallelism: number): void {
    this.lanes = unionLanes(states, subtaskIndex, parallelism);
  }
}

export const nexmarkConnector: ConnectorDefinition<NexmarkSourceConfig> = {
  name: 'nexmark',
  recordTimestamps: true,
  outputFields: ['person', 'auction', 'bid', 't'],
  description: 'Nexmark auction events (persons, auctions, bids) for demos and benchmarks',
  configSchema: NexmarkSourceConfig as z.ZodType<NexmarkSourceConfig>,
  createSource: (c) => new NexmarkSource(c),
  bounded: (c) => c.count !== undefined,
  splittable: true,
};

/** `env.fromSource(new Nexmark({ eventsPerSecond: 10000 }), WatermarkStrategy.forBoundedOutOfOrderness(4000), 'nexmark')` */
export class Nexmark implements ConnectorSpec<NexmarkSourceConfig> {
  readonly connector = 'nexmark';
  constructor(readonly config: NexmarkSourceConfig = {}) {}
}
