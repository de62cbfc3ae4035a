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

/**
 * A share of the event ids (a split, as FLIP-27 sources assign them): the ids ≡ rem (mod mod), from `next` on. Subtask
 * s of p starts with the lane (p, s, s), so both advance through event time together.
 */
interface Lane {
  mod: number;
  rem: number;
  next: number;
}

/** Checkpointed: the lanes left; `{ emitted }` is the single-subtask state of earlier versions (ids below it done). */
type NexmarkState = { lanes: Lane[] } | { emitted: number };

const lanesOf = (s: NexmarkState): Lane[] => ('lanes' in s ? s.lanes.map((l) => ({ ...l })) : [{ mod: 1, rem: 0, next: s.emitted }]);

/** Splits lanes in two by residue until there are at least `n` (each id stays in exactly one lane). */
function splitLanes(lanes: Lane[], n: number): Lane[] {
  const out = lanes.map((l) => ({ ...l }));
  for (let i = 0; out.length < n; i++) {
    const l = out.shift()!;
    const mod = l.mod * 2;
    // The ids ≡ rem (mod m) are those ≡ rem and ≡ rem + m (mod 2m); each half resumes at its first id ≥ next.
    for (const rem of [l.rem, l.rem + l.mod]) out.push({ mod, rem, next: l.next + ((((rem - l.next) % mod) + mod) % mod) });
  }
  return out;
}

/** Nexmark events (person / auction / bid) with event timestamps; each subtask emits its lanes of ids, checkpointed exactly. */
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
    const lanes = (this.lanes ??= [{ mod: p, rem: s, next: s }]);
    const gen = new NexmarkGenerator(this.c);
    const count = this.c.count ?? Number.POSITIVE_INFINITY;
    const started = ctx.getCurrentProcessingTime();
    let emitted = 0;
    const batch = new SourceBatch(ctx);
    while (this.running && ctx.isRunning()) {
      const due = this.c.ratePerSecond === 0 ? emitted + 4096 : Math.floor((((ctx.getCurrentProcessingTime() - started) * this.c.ratePerSecond) / 1000) / p) + 1;
      let done = false;
      for (; emitted < due; emitted++) {
        // The lane with the lowest next id: a subtask's ids go out in order.
        let lane = lanes[0];
        for (let i = 1; i < lanes.length; i++) if (lanes[i]!.next < lane!.next) lane = lanes[i];
        if (lane === undefined || lane.next >= count) {
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
  snapshotState(): NexmarkState | undefined {
    // Before run() with no restored state, nothing was emitted: a restore starts this subtask afresh.
    return this.lanes === undefined ? undefined : { lanes: this.lanes.map((l) => ({ ...l })) };
  }
  restoreState(state: unknown): void {
    this.lanes = lanesOf(state as NexmarkState);
  }
  restoreUnionState(states: unknown[], subtaskIndex: number, parallelism: number): void {
    // An old subtask without state had not started: its whole first lane is left. The lanes are dealt out round robin.
    const all = states.flatMap((st, j) => (st === undefined ? [{ mod: states.length, rem: j, next: j }] : lanesOf(st as NexmarkState)));
    this.lanes = splitLanes(all, parallelism).filter((_, i) => i % parallelism === subtaskIndex);
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
