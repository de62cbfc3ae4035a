import type { MessageToProduce, Producer } from '@platformatic/kafka';
import { z } from 'zod';
import { resolveFn } from '../../graph/fn.js';
import { KafkaSinkConfig, parseRoleConfig } from '../../connectors/kafka/config.js';
import { jobLogger, loadPlatformaticKafka, platformaticConnection } from '../../connectors/kafka/client.js';
import type { SinkContext, SinkFunction } from '../../connectors/SourceFunction.js';
import { MIN_WATERMARK } from '../../time/Watermark.js';
import { partitionForKey } from '../keyGroupPartitions.js';
import { RepartitionConfig } from './RepartitionConfig.js';
import { dataRecord, watermarkRecord } from './RepartitionRecord.js';

const Pending = z.object({ partition: z.number().int(), value: z.string(), timestamp: z.number().optional() });
type Pending = z.infer<typeof Pending>;

/** Checkpointed: per repartition partition the next sequence number, the watermark sent, and what Kafka has not acknowledged. */
// The watermark is null before the first one (MIN_WATERMARK, -Infinity, is not JSON).
export const RepartitionWriterState = z.object({ seqs: z.array(z.number().int()), watermark: z.number().nullable(), unacked: z.array(Pending) });
export type RepartitionWriterState = z.infer<typeof RepartitionWriterState>;

/**
 * Part 1's sink: writes each record to the repartition partition that holds its key's key group, numbered per
 * partition, and after the records its watermark to every partition (Flink broadcasts watermarks to all channels).
 * At least once, as KafkaSinkWriter: a checkpoint keeps the records not yet acknowledged and the sequence numbers,
 * so a writer restored from it writes the same records with the same numbers, and the reader drops those it has.
 * That needs part 1 to be deterministic per source partition (stateless map/filter/flatMap are).
 */
export class RepartitionWriter implements SinkFunction {
  private readonly c: RepartitionConfig;
  private readonly keyOf: (value: unknown) => unknown;
  private readonly writer: number;
  private seqs: number[];
  private buffer: Pending[] = [];
  private readonly inFlight = new Set<Pending[]>();
  private chain: Promise<void> = Promise.resolve();
  private producer: Producer | undefined;
  private connected: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private error: Error | undefined;
  /** The watermark received, and the one written to the partitions. */
  private watermark = MIN_WATERMARK;
  private sentWatermark = MIN_WATERMARK;
  /** When watermark records were last written (Date.now()). */
  private sentAt = 0;
  private failJob: (e: unknown) => void = () => {};
  private log: (line: string) => void = () => {};

  constructor(config: unknown) {
    this.c = RepartitionConfig.parse(config);
    if (this.c.keySelector === undefined || this.c.writer === undefined) throw new Error('repartition sink: keySelector and writer are required');
    this.keyOf = resolveFn<(v: unknown) => unknown>(this.c.keySelector, 'repartition key selector');
    this.writer = this.c.writer;
    this.seqs = new Array<number>(this.c.partitions).fill(0);
  }

  open(ctx: SinkContext): Promise<void> {
    this.failJob = ctx.failJob;
    this.log = jobLogger(ctx.services);
    this.connected = (async () => {
      const { Producer } = await loadPlatformaticKafka();
      const kafka = parseRoleConfig(KafkaSinkConfig, { ...this.c.kafka, topic: this.c.topic }, 'sink');
      // Idempotent: a produce retried after a leader change does not write its records twice in the log.
      this.producer = new Producer<Buffer, Buffer, Buffer, Buffer>({ ...platformaticConnection(kafka, 'sink'), idempotent: true });
    })().catch((e: unknown) => this.failed(e));
    return this.connected;
  }

  invoke(value: unknown, timestamp: number): void {
    if (this.error) throw this.error;
    const p = partitionForKey(this.keyOf(value), this.c.partitions, this.c.maxParallelism);
    const seq = this.seqs[p]!++;
    this.buffer.push({ partition: p, value: dataRecord(this.writer, seq, timestamp, value), ...(Number.isFinite(timestamp) ? { timestamp: Math.trunc(timestamp) } : {}) });
    if (this.buffer.length >= this.c.batchSize) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), this.c.lingerMs);
  }

  /** Flink's SinkWriter.writeWatermark: written with the next batch, after the records before it. */
  writeWatermark(watermark: number): void {
    if (watermark <= this.watermark) return;
    this.watermark = watermark;
    this.timer ??= setTimeout(() => void this.flush(), Math.max(this.c.lingerMs, this.sentAt + this.c.watermarkIntervalMs - Date.now()));
  }

  /** Sends the buffer after what was sent; `force` (end of input) sends a held-back watermark now too. */
  private flush(force = false): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.watermark > this.sentWatermark) {
      const wait = this.sentAt + this.c.watermarkIntervalMs - Date.now();
      // One watermark record per partition at most every watermarkIntervalMs; the newest goes out with a later batch.
      if (wait <= 0 || force) {
        this.sentWatermark = this.watermark;
        this.sentAt = Date.now();
        for (let p = 0; p < this.c.partitions; p++) this.buffer.push({ partition: p, value: watermarkRecord(this.writer, this.watermark) });
      } else this.timer = setTimeout(() => void this.flush(), wait);
    }
    if (this.buffer.length === 0) return this.chain;
    const batch = this.buffer;
    this.buffer = [];
    this.inFlight.add(batch);
    // One produce request at a time: each partition gets its records (and watermarks) in order.
    this.chain = this.chain.then(async () => {
      await this.connected;
      if (this.error || this.producer === undefined) return;
      try {
        await this.producer.send({ messages: batch.map((m) => toProduce(this.c.topic, m)) });
        this.inFlight.delete(batch);
      } catch (e) {
        this.failed(e);
      }
    });
    return this.chain;
  }

  finish(): Promise<void> {
    const done = this.flush(true).then(() => {
      if (this.error) throw this.error;
    });
    done.catch(() => {});
    return done;
  }

  snapshotState(): RepartitionWriterState {
    if (this.error) throw this.error;
    void this.flush();
    const unacked: Pending[] = [];
    for (const batch of this.inFlight) unacked.push(...batch);
    return { seqs: [...this.seqs], watermark: Number.isFinite(this.sentWatermark) ? this.sentWatermark : null, unacked };
  }

  restoreState(state: unknown): void {
    const s = RepartitionWriterState.parse(state);
    if (s.seqs.length !== this.c.partitions) throw new Error(`repartition sink: the checkpoint is of ${s.seqs.length} repartition partitions, the topic has ${this.c.partitions}`);
    this.seqs = [...s.seqs];
    this.watermark = this.sentWatermark = s.watermark ?? MIN_WATERMARK;
    // Sent again before anything new, with their numbers: the reader drops those it already has.
    this.buffer.unshift(...s.unacked);
    if (this.buffer.length > 0) void this.flush();
  }

  async close(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.connected;
    await this.chain;
    await this.producer?.close().catch((e: Error) => this.log(`repartition sink: close failed: ${e.message}`));
  }

  private failed(e: unknown): void {
    if (this.error) return;
    this.error = new Error(`repartition sink ${this.c.topic}: ${(e as Error)?.message ?? String(e)}`, { cause: e });
    this.failJob(this.error);
  }
}

function toProduce(topic: string, m: Pending): MessageToProduce<Buffer, Buffer, Buffer, Buffer> {
  return { topic, partition: m.partition, value: Buffer.from(m.value, 'utf8'), ...(m.timestamp !== undefined ? { timestamp: BigInt(m.timestamp) } : {}) };
}
