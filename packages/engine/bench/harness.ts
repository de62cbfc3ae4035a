import { z } from 'zod';
import { registerConnector, StreamExecutionEnvironment, WatermarkStrategy, type DataStream, type NexmarkEvent } from '../src/index.js';
import { EventDrivenClock } from './clock.js';

/** Events handed to the engine by reference (no copy into the graph), so only the pipeline is measured. */
const arrays = new Map<string, { events: NexmarkEvent[]; clock?: EventDrivenClock; flushMs: number }>();
registerConnector({
  name: 'bench-array',
  description: 'pre-generated benchmark events',
  configSchema: z.object({ id: z.string() }),
  createSource: ({ id }) => {
    let running = true;
    return {
      async run(ctx) {
        const { events, clock, flushMs } = arrays.get(id)!;
        let arrival = Number.NEGATIVE_INFINITY;
        for (let i = 0; i < events.length && running; ) {
          const end = Math.min(events.length, i + 8192);
          if (clock === undefined) for (; i < end; i++) ctx.collectWithTimestamp(events[i]!, events[i]!.t);
          else {
            // Processing time follows the events' arrival times (see EventDrivenClock).
            for (; i < end; i++) {
              const e = events[i]!;
              if (e.t > arrival) clock.advanceTo((arrival = e.t));
              ctx.collectWithTimestamp(e, e.t);
            }
          }
          await ctx.yield();
        }
        // Let every processing-time window close before the input ends (a bounded job drops pending processing-time timers).
        if (clock !== undefined && running) clock.advanceTo(arrival + flushMs);
      },
      cancel() {
        running = false;
      },
    };
  },
});

/** Runs a pipeline built by `build` over `events` and returns its results (collected in memory). */
export async function runEngine<R>(
  events: NexmarkEvent[],
  build: (src: DataStream<NexmarkEvent>) => DataStream<R>,
  options: { eventDrivenProcessingTime?: { flushMs: number } } = {},
): Promise<R[]> {
  const id = `a${arrays.size}`;
  const clock = options.eventDrivenProcessingTime ? new EventDrivenClock(events[0]?.t ?? 0) : undefined;
  arrays.set(id, { events, flushMs: options.eventDrivenProcessingTime?.flushMs ?? 0, ...(clock ? { clock } : {}) });
  const env = new StreamExecutionEnvironment(clock ? { jobOptions: () => ({ processingTimeService: clock }) } : {});
  const src = env.fromSource({ connector: 'bench-array', config: { id } }, WatermarkStrategy.forBoundedOutOfOrderness<NexmarkEvent>(4000), 'nexmark');
  const out: R[] = [];
  build(src).sinkTo({ connector: 'collect', config: { name: 'out' } });
  results = out;
  await env.executeAsync('bench', { collect: collectResult }).getJobExecutionResult();
  arrays.delete(id);
  return out;
}

/** Where the running job's results go: one function for every run (see queries/simple.ts on closures). */
let results: unknown[] = [];
const collectResult = (_sink: string, v: unknown) => {
  results.push(v);
};

export interface Query<R> {
  name: string;
  windowed: boolean;
  engine(events: NexmarkEvent[]): Promise<R[]>;
  loop(events: NexmarkEvent[]): R[];
  rxjs(events: NexmarkEvent[]): Promise<R[]>;
  /** How results compare: as multisets (default) or, for huge outputs, by count and checksum. */
  compare?: 'multiset' | 'checksum';
}

export const TUMBLE = 10_000;
export const windowStart = (t: number, size: number) => t - (((t % size) + size) % size);
