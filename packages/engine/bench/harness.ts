import { z } from 'zod';
import { registerConnector, StreamExecutionEnvironment, WatermarkStrategy, type DataStream, type NexmarkEvent } from '../src/index.js';

/** Events handed to the engine by reference (no copy into the graph), so only the pipeline is measured. */
const arrays = new Map<string, NexmarkEvent[]>();
registerConnector({
  name: 'bench-array',
  description: 'pre-generated benchmark events',
  configSchema: z.object({ id: z.string() }),
  createSource: ({ id }) => {
    let running = true;
    return {
      async run(ctx) {
        const events = arrays.get(id)!;
        for (let i = 0; i < events.length && running; ) {
          const end = Math.min(events.length, i + 8192);
          for (; i < end; i++) ctx.collectWithTimestamp(events[i]!, events[i]!.t);
          await ctx.yield();
        }
      },
      cancel() {
        running = false;
      },
    };
  },
});

/** Runs a pipeline built by `build` over `events` and returns its results (collected in memory). */
export async function runEngine<R>(events: NexmarkEvent[], build: (src: DataStream<NexmarkEvent>) => DataStream<R>): Promise<R[]> {
  const id = `a${arrays.size}`;
  arrays.set(id, events);
  const env = new StreamExecutionEnvironment({});
  const src = env.fromSource({ connector: 'bench-array', config: { id } }, WatermarkStrategy.forBoundedOutOfOrderness<NexmarkEvent>(4000), 'nexmark');
  const out: R[] = [];
  build(src).sinkTo({ connector: 'collect', config: { name: 'out' } });
  await env.executeAsync('bench', { collect: (_s: string, v: unknown) => out.push(v as R) }).getJobExecutionResult();
  arrays.delete(id);
  return out;
}

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
