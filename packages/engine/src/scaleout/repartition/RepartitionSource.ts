import { z } from 'zod';
import { KafkaSourceFunction, type KafkaRecord } from '../../connectors/kafka/KafkaSourceFunction.js';
import type { SourceContext, SourceFunction } from '../../connectors/SourceFunction.js';
import { MIN_WATERMARK } from '../../time/Watermark.js';
import { RepartitionConfig } from './RepartitionConfig.js';
import { parseRepartitionRecord } from './RepartitionRecord.js';
import { WriterWatermarks, type WriterProgress } from './WriterWatermarks.js';

/** Checkpointed: the Kafka source's offsets (under `reader`, so it is not taken for a plain Kafka source's) and each writer's progress. */
export const RepartitionSourceState = z.object({
  reader: z.unknown(),
    progress: z.object({
    seqs: z.array(z.object({ partition: z.number().int(), writer: z.number().int(), seq: z.number().int() })),
    watermarks: z.array(z.object({ writer: z.number().int(), watermark: z.number().nullable() })),
  }),
});
export type RepartitionSourceState = z.infer<typeof RepartitionSourceState>;

/** How often idleness is re-evaluated without records (Flink's autoWatermarkInterval). */
const TICK_MS = 200;

/**
 * Part 2's source: reads the repartition partitions the worker owns with the Kafka source (offsets in checkpoints,
 * committed through the group), unwraps data records, drops those a restored writer wrote a second time (sequence
 * numbers at or below the highest read), and emits as watermark the minimum over the writers' watermark records
 * (WriterWatermarks), not the Kafka source's own per-partition watermarks.
 */
export class RepartitionSource implements SourceFunction {
  private readonly c: RepartitionConfig;
  private readonly reader: KafkaSourceFunction;
  private watermarks: WriterWatermarks | undefined;
  private restored: WriterProgress = { seqs: [], watermarks: [] };
  private lastWatermark = MIN_WATERMARK;
  private idle = false;
  private running = true;

  constructor(config: unknown) {
    this.c = RepartitionConfig.parse(config);
    this.reader = new KafkaSourceFunction({
      ...this.c.kafka,
      topics: [this.c.topic],
      groupId: `${this.c.topic}-reader`,
      format: 'json',
      startFrom: 'earliest',
    });
  }

  async run(ctx: SourceContext): Promise<void> {
    const watermarks = (this.watermarks = new WriterWatermarks(this.c.writers ?? 1, this.c.idlenessMs, () => ctx.getCurrentProcessingTime()));
    watermarks.restore(this.restored);
    const values: unknown[] = [];
    const timestamps: number[] = [];
    const emitWatermark = () => {
      const { watermark, allIdle } = watermarks.current();
      if (allIdle) {
        if (!this.idle) ctx.markAsTemporarilyIdle();
        this.idle = true;
      } else if (watermark > this.lastWatermark) {
        this.lastWatermark = watermark;
        this.idle = false;
        ctx.emitWatermark(watermark);
      }
    };
    const unwrap = (batch: readonly unknown[], length: number) => {
      for (let i = 0; i < length; i++) {
        const k = batch[i] as KafkaRecord;
        const r = parseRepartitionRecord(k.value);
        if (r === undefined) throw new Error(`repartition source ${this.c.topic}: a record not written by a repartition writer at ${k.partition}@${k.offset}: ${JSON.stringify(k.value).slice(0, 200)}`);
        if ('watermark' in r) {
          // The records before it go out first: a watermark must not overtake them.
          if (values.length > 0) flush();
          watermarks.onWatermark(r.writer, r.watermark);
          emitWatermark();
        } else if (watermarks.accept(k.partition, r.writer, r.seq)) {
          values.push(r.value);
          timestamps.push(r.timestamp);
        }
      }
      if (values.length > 0) flush();
    };
    const flush = () => {
      ctx.collectBatchWithTimestamps(values, timestamps, values.length);
      values.length = 0;
      timestamps.length = 0;
    };
    const inner: SourceContext = {
      services: ctx.services,
      subtaskIndex: ctx.subtaskIndex ?? 0,
      parallelism: ctx.parallelism ?? 1,
      collect: (v) => unwrap([v], 1),
      collectWithTimestamp: (v) => unwrap([v], 1),
      collectBatch: (vs, n) => unwrap(vs, n ?? vs.length),
      collectBatchWithTimestamps: (vs, _ts, n) => unwrap(vs, n ?? vs.length),
      // The reader's own per-partition watermarks say nothing here: the writers' do.
      emitWatermark: () => {},
      markAsTemporarilyIdle: () => {},
      isRunning: () => ctx.isRunning(),
      yield: () => ctx.yield(),
      sleep: (ms) => ctx.sleep(ms),
      getCurrentProcessingTime: () => ctx.getCurrentProcessingTime(),
      deadLetter: (raw, error, position) => ctx.deadLetter(raw, error, position),
    };
    const ticker = (async () => {
      while (this.running && ctx.isRunning()) {
        emitWatermark();
        await ctx.sleep(TICK_MS);
      }
    })();
    try {
      await this.reader.run(inner);
    } finally {
      this.running = false;
      await ticker;
    }
  }

  cancel(): void {
    this.running = false;
    this.reader.cancel();
  }

  snapshotState(checkpointId: number): RepartitionSourceState {
    return { reader: this.reader.snapshotState(checkpointId), progress: this.watermarks?.snapshot() ?? this.restored };
  }

  restoreState(state: unknown): void {
    const s = RepartitionSourceState.parse(state);
    this.reader.restoreState(s.reader);
    this.restored = s.progress;
  }

  notifyCheckpointComplete(checkpointId: number): Promise<void> {
    return this.reader.notifyCheckpointComplete(checkpointId);
  }
}
