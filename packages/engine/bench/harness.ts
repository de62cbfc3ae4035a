import { z } from 'zod';
import { registerConnector, StreamExecutionEnvironment, WatermarkStrategy, type DataStream, type NexmarkEvent, type SourceContext } from '../src/index.js';
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
        // Records go out in batches of 8192, as a connector would emit what one read returned.
        const batch: Batch = { values: new Array<NexmarkEvent>(8192), timestamps: new Float64Array(8192), arrival: Number.NEGATIVE_INFINITY };
        for (let i = 0; i < events.length && running; ) {
          const end = Math.min(events.length, i + 8192);
          if (clock === undefined) ctx.collectBatchWithTimestamps(batch.values, batch.timestamps, fill(events, i, end, batch.values, batch.timestamps));
          else emitOnClock(ctx, batch, events, i, end, clock);
          i = end;
          await ctx.yield();
        }
        // Let every processing-time window close before the input ends (a bounded job drops pending processing-time timers).
        if (clock !== undefined && running) clock.advanceTo(batch.arrival + flushMs);
      },
      cancel() {
        running = false;
      },
    };
  },
});

// The per-event loops are functions of their own rather than part of run(): fill() touches only arrays, so the code V8
// optimized for it survives the end of a job and the forced GC before the next timed run (see src/runtime/batchLoops.ts);
// a loop inside run(), next to the job's source context, would start cold in every run.

interface Batch {
  values: NexmarkEvent[];
  timestamps: Float64Array;
  /** The clock's time (EventDrivenClock): the largest event time so far. */
  arrival: number;
}

/** Copies events[from, to) and their event times into a batch; returns its length. */
function fill(events: NexmarkEvent[], from: number, to: number, values: NexmarkEvent[], timestamps: Float64Array): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const e = events[i]!;
    values[n] = e;
    timestamps[n++] = e.t;
  }
  return n;
}

/**
 * Emits events[from, to) with processing time following their arrival times (see EventDrivenClock): the records before
 * a clock move go out first, so that each record is processed at its own arrival time and timers fire in between.
 */
function emitOnClock(ctx: SourceContext<NexmarkEvent>, batch: Batch, events: NexmarkEvent[], from: number, to: number, clock: EventDrivenClock): void {
  const { values, timestamps } = batch;
  let n = 0;
  for (let i = from; i < to; i++) {
    const e = events[i]!;
    if (e.t > batch.arrival) {
      ctx.collectBatchWithTimestamps(values, timestamps, n);
      n = 0;
      clock.advanceTo((batch.arrival = e.t));
    }
    values[n] = e;
    timestamps[n++] = e.t;
  }
  ctx.collectBatchWithTimestamps(values, timestamps, n);
}

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
  build(src).sinkTo({ connector: 'collect', config: { name: 'out' } });
  await env.executeAsync('bench', { collect: collectResult, collectBatch: collectResults }).getJobExecutionResult();
  arrays.delete(id);
  return takeResults() as R[];
}

// Where the running job's results go: one pair of functions for every run (see queries/simple.ts on closures).
// Records that come one at a time (window results) are pushed onto the open chunk, a batch is copied as one chunk
// (a slice is a block copy, where pushes one by one grow the array again and again), and the chunks are joined at the end.
let chunks: unknown[][] = [];
let open: unknown[] = [];
const collectResult = (_sink: string, v: unknown) => {
  open.push(v);
};
const collectResults = (_sink: string, values: readonly unknown[], _timestamps: Float64Array, length: number) => {
  if (open.length > 0) {
    chunks.push(open);
    open = [];
  }
  chunks.push(values.slice(0, length));
};
function takeResults(): unknown[] {
  if (open.length > 0) chunks.push(open);
  const all = chunks.length === 1 ? chunks[0]! : ([] as unknown[]).concat(...chunks);
  chunks = [];
  open = [];
  return all;
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
