import { z } from 'zod';
import { registerConnector, StreamExecutionEnvironment, WatermarkStrategy, type DataStream, type NexmarkEvent, type SourceContext } from '../src/index.js';
import { EventDrivenClock } from './clock.js';

/**
 * The benchmark's input: pre-generated events and their event times, a column of their own (NexmarkGenerator.
 * takeWithTimestamps), as a Kafka record carries its timestamp beside the payload. The engine's source emits each
 * event with its timestamp from the column, as Flowbook's Kafka source does with record timestamps; the loops read the
 * same column wherever they need an event's time.
 */
export interface Input {
  events: NexmarkEvent[];
  timestamps: Float64Array;
}
/** The first `n` events of an input. */
export const prefix = (input: Input, n: number): Input => ({ events: input.events.slice(0, n), timestamps: input.timestamps.slice(0, n) });

/** Records go out in batches of this many, as a connector emits what one read returned. */
const BATCH = 8192;
const batched = new WeakMap<Input, NexmarkEvent[][]>();
/**
 * The input's events in batches of BATCH (slices of the same events): the engine's source emits these arrays as they
 * are, with subarrays of the timestamp column, as a source that deserializes what one read returned emits the array it
 * filled. The events stand for records already deserialized, so the batches are made once per input, before anything
 * is timed (run.ts calls this for its inputs); copying each event's reference into a second array inside the timed run
 * would measure a pass that such a source does not make (q0: 1.3–2.8 ms per 1 M).
 */
export function batchesOf(input: Input): NexmarkEvent[][] {
  let batches = batched.get(input);
  if (batches === undefined) {
    batches = [];
    for (let i = 0; i < input.events.length; i += BATCH) batches.push(input.events.slice(i, i + BATCH));
    batched.set(input, batches);
  }
  return batches;
}

/** Where the engine's events come from: 'array' (default, the source below) or 'collection' (env.fromCollection). */
export const SOURCE = process.env.BENCH_SOURCE === 'collection' ? 'collection' : 'array';
const eventTime = (e: NexmarkEvent) => e.t;
const FROM_COLLECTION_WATERMARKS = WatermarkStrategy.forBoundedOutOfOrderness<NexmarkEvent>(4000).withTimestampAssigner(eventTime);

/** Inputs handed to the engine by reference (no copy into the graph), so only the pipeline is measured. */
const inputs = new Map<string, { input: Input; clock?: EventDrivenClock; flushMs: number }>();
registerConnector({
  name: 'bench-array',
  description: 'pre-generated benchmark events',
  configSchema: z.object({ id: z.string() }),
  createSource: ({ id }) => {
    let running = true;
    return {
      async run(ctx) {
        const { input, clock, flushMs } = inputs.get(id)!;
        const { events, timestamps } = input;
        const batches = batchesOf(input);
        const batch: Batch = { values: new Array<NexmarkEvent>(BATCH), timestamps: new Float64Array(BATCH), arrival: Number.NEGATIVE_INFINITY };
        for (let b = 0, i = 0; i < events.length && running; b++) {
          const end = Math.min(events.length, i + BATCH);
          if (clock === undefined) ctx.collectBatchWithTimestamps(batches[b]!, timestamps.subarray(i, end), end - i);
          else emitOnClock(ctx, batch, input, i, end, clock);
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

// The per-event loop of the processing-time queries is a function of its own rather than part of run(): it touches
// only arrays and the clock, so the code V8 optimized for it survives the end of a job and the forced GC before the next
// timed run (see src/runtime/batchLoops.ts); a loop inside run(), next to the job's source context, would start cold in
// every run.

interface Batch {
  values: NexmarkEvent[];
  timestamps: Float64Array;
  /** The clock's time (EventDrivenClock): the largest event time so far. */
  arrival: number;
}

/**
 * Emits events[from, to) with processing time following their arrival times (see EventDrivenClock): the records before
 * a clock move go out first, so that each record is processed at its own arrival time and timers fire in between.
 */
function emitOnClock(ctx: SourceContext<NexmarkEvent>, batch: Batch, input: Input, from: number, to: number, clock: EventDrivenClock): void {
  const { values, timestamps } = batch;
  let n = 0;
  for (let i = from; i < to; i++) {
    const t = input.timestamps[i]!;
    if (t > batch.arrival) {
      ctx.collectBatchWithTimestamps(values, timestamps, n);
      n = 0;
      clock.advanceTo((batch.arrival = t));
    }
    values[n] = input.events[i]!;
    timestamps[n++] = t;
  }
  ctx.collectBatchWithTimestamps(values, timestamps, n);
}

/**
 * Runs a pipeline built by `build` over `input` (each event with its timestamp) and returns its results as the chunks
 * its sink received (see below), in order; flat() gives them as one array.
 */
export async function runEngine<R>(
  input: Input,
  build: (src: DataStream<NexmarkEvent>) => DataStream<R>,
  options: { eventDrivenProcessingTime?: { flushMs: number } } = {},
): Promise<R[][]> {
  const id = `a${inputs.size}`;
  const clock = options.eventDrivenProcessingTime ? new EventDrivenClock(input.timestamps[0] ?? 0) : undefined;
  inputs.set(id, { input, flushMs: options.eventDrivenProcessingTime?.flushMs ?? 0, ...(clock ? { clock } : {}) });
  const env = new StreamExecutionEnvironment(clock ? { jobOptions: () => ({ processingTimeService: clock }) } : {});
  // BENCH_SOURCE=collection: the events go through env.fromCollection as a user hands an array over, with a timestamp
  // assigner reading each event's time (the event-driven clock of processing-time queries needs the array source).
  const src =
    SOURCE === 'collection' && clock === undefined
      ? env.fromCollection(input.events, 'nexmark').assignTimestampsAndWatermarks(FROM_COLLECTION_WATERMARKS)
      : env.fromSource({ connector: 'bench-array', config: { id } }, WatermarkStrategy.forBoundedOutOfOrderness<NexmarkEvent>(4000), 'nexmark');
  build(src).sinkTo({ connector: 'collect', config: { name: 'out' } });
  await env.executeAsync('bench', { collect: collectResult, collectBatch: collectResults }).getJobExecutionResult();
  inputs.delete(id);
  return takeResults() as R[][];
}

// Where the running job's results go: one pair of functions for every run (see queries/simple.ts on closures).
// The sink lends each batch (its arrays are reused), so a batch is copied as one chunk (a slice is a block copy);
// records that come one at a time (window results) are pushed onto an open chunk. The chunks are the results, as
// the loop's array is its results: joining them into one array would be a further copy of every result that no job
// makes (a sink writes each batch on), and it cost q0 7 of its 15 ms; the benchmark flattens them after timing.
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
function takeResults(): unknown[][] {
  if (open.length > 0) chunks.push(open);
  const all = chunks;
  chunks = [];
  open = [];
  return all;
}

export interface Query<R> {
  name: string;
  windowed: boolean;
  /** The results as the chunks the sink received (runEngine). */
  engine(input: Input): Promise<R[][]>;
  loop(input: Input): R[];
  rxjs(input: Input): Promise<R[]>;
  /** How results compare: as multisets (default) or, for huge outputs, by count and checksum. */
  compare?: 'multiset' | 'checksum';
}

export const TUMBLE = 10_000;
export const windowStart = (t: number, size: number) => t - (((t % size) + size) % size);
