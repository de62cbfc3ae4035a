import type { MessageToProduce, Producer } from '@platformatic/kafka';
import { z } from 'zod';
import type { SinkContext, SinkFunction } from '../SourceFunction.js';
import { jobLogger, loadPlatformaticKafka, platformaticConnection } from './client.js';
import { KafkaSinkConfig, parseRoleConfig, type KafkaSinkConfigParsed } from './config.js';
import { fromStored, recordSerializer, StoredMessage, toStored, type OutMessage } from './KafkaRecordSerializer.js';

/** Checkpointed state: records handed to the sink but not yet acknowledged by Kafka, oldest first. */
export const KafkaSinkState = z.object({ unacked: z.array(StoredMessage) });
export type KafkaSinkState = z.infer<typeof KafkaSinkState>;

/**
 * Writes records to a Kafka topic at least once (or with DeliveryGuarantee.NONE, without keeping unacknowledged records) (Flink's KafkaSink with DeliveryGuarantee.AT_LEAST_ONCE, built as its
 * AsyncSinkWriter): records are buffered and sent in batches, one produce request at a time so that order is kept,
 * with @platformatic/kafka (as the source: it costs about two thirds of kafkajs' CPU per record produced, see
 * bench/README.md).
 * A checkpoint cannot wait for acknowledgements (snapshots are synchronous), so it stores the records not yet
 * acknowledged instead, and a sink restored from it sends them again: everything before a completed checkpoint is
 * either acknowledged or in that checkpoint.
 */
export class KafkaSinkWriter implements SinkFunction {
  private readonly c: KafkaSinkConfigParsed;
  private readonly serialize: (value: unknown, timestamp: number) => OutMessage;
  private producer: Producer | undefined;
  private connected: Promise<void> = Promise.resolve();
  private buffer: OutMessage[] = [];
  /** Batches handed to the producer and not yet acknowledged, in send order. */
  private readonly inFlight = new Set<OutMessage[]>();
  /** Tail of the sequential send chain; never rejects (failures are kept in `error`). */
  private chain: Promise<void> = Promise.resolve();
  private readonly flushedAtCheckpoint = new Map<number, Promise<void>>();
  private error: Error | undefined;
  private timer: NodeJS.Timeout | undefined;
  private log: (line: string) => void = () => {};
  private failJob: (e: unknown) => void = () => {};

  constructor(config: unknown) {
    this.c = parseRoleConfig(KafkaSinkConfig, config, 'sink');
    this.serialize = recordSerializer(this.c);
  }

  open(ctx: SinkContext): Promise<void> {
    this.log = jobLogger(ctx.services);
    this.failJob = ctx.failJob;
    // Records that arrive before the producer is connected wait in the buffer; sends wait for `connected`.
    this.connected = (async () => {
      const { Producer, murmur2 } = await loadPlatformaticKafka();
      // Idempotent, as the Java client is by default since Kafka 3.0: a produce retried after "not the leader" (a topic
      // auto-created a moment ago) does not write its records twice. Sends go one request at a time anyway.
      this.producer = new Producer<Buffer, Buffer, Buffer, Buffer>({
        ...platformaticConnection(this.c, 'sink'),
        idempotent: true,
        autocreateTopics: true,
        partitioner: javaPartitioner(murmur2),
      });
    })().catch((e: unknown) => this.failed(e));
    return this.connected;
  }

  invoke(value: unknown, timestamp: number): void {
    if (this.error) throw this.error;
    this.buffer.push(this.serialize(value, timestamp));
    if (this.buffer.length >= this.c.batchSize || this.c.lingerMs === 0) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), this.c.lingerMs);
  }

  /** A batch of records: serialized into the buffer, then at most one flush check, as invoke() per record would. */
  invokeBatch(values: readonly unknown[], timestamps: Float64Array, length: number): void {
    if (this.error) throw this.error;
    for (let i = 0; i < length; i++) {
      this.buffer.push(this.serialize(values[i], timestamps[i]!));
      // A batch larger than batchSize goes out as several produce requests of batchSize each (flush() swaps the buffer).
      if (this.buffer.length >= this.c.batchSize) void this.flush();
    }
    if (this.buffer.length === 0) return;
    if (this.c.lingerMs === 0) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), this.c.lingerMs);
  }

  /** Sends the buffer as one batch after those already sent; resolves when every batch so far is acknowledged (or failed). */
  private flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.buffer.length === 0) return this.chain;
    const batch = this.buffer;
    this.buffer = [];
    this.inFlight.add(batch);
    this.chain = this.chain.then(async () => {
      await this.connected;
      // After a failure the remaining batches stay unacknowledged: the job fails and recovers from a checkpoint.
      if (this.error || this.producer === undefined) return;
      try {
        await this.producer.send({ messages: toProduce(this.c.topic, batch) });
        this.inFlight.delete(batch);
      } catch (e) {
        this.failed(e);
      }
    });
    return this.chain;
  }

  /** End of input: everything is sent and acknowledged before the job finishes, or the job fails. */
  finish(): Promise<void> {
    const done = this.flush().then(() => {
      if (this.error) throw this.error;
    });
    // Marked handled here; the runtime awaits (and reports) it when the job drains its sinks.
    done.catch(() => {});
    return done;
  }

  snapshotState(checkpointId: number): KafkaSinkState {
    // A sink that failed to write must not let a checkpoint complete; the job fails on the next record.
    if (this.error) throw this.error;
    this.flushedAtCheckpoint.set(checkpointId, this.flush());
    // DeliveryGuarantee.NONE: what is not acknowledged may be lost in a failure.
    if (this.c.deliveryGuarantee === 'none') return { unacked: [] };
    const unacked: KafkaSinkState['unacked'] = [];
    for (const batch of this.inFlight) for (const m of batch) unacked.push(toStored(m));
    return { unacked };
  }

  restoreState(state: unknown): void {
    const parsed = KafkaSinkState.safeParse(state);
    if (!parsed.success) throw new Error(`kafka sink: cannot restore from this checkpoint: ${parsed.error.issues[0]?.message}`);
    // Records a failed run may not have delivered: send them again, before anything new (at least once).
    this.buffer.unshift(...parsed.data.unacked.map(fromStored));
    if (this.buffer.length > 0) void this.flush();
  }

  /** Resolves once everything sent up to that checkpoint is acknowledged (never rejects: failures surface on the next record). */
  async notifyCheckpointComplete(checkpointId: number): Promise<void> {
    const flushed = this.flushedAtCheckpoint.get(checkpointId);
    for (const id of [...this.flushedAtCheckpoint.keys()]) if (id <= checkpointId) this.flushedAtCheckpoint.delete(id);
    await flushed;
  }

  /** Waits for sends in flight (not the buffer: only finish() delivers it), then disconnects; never rejects. */
  async close(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    // A producer still connecting would otherwise be left open.
    await this.connected;
    await this.chain;
    await this.producer?.close().catch((e: Error) => this.log(`kafka sink: close failed: ${e.message}`));
  }

  /** The number of records not yet acknowledged (buffered or in flight). */
  get pendingRecords(): number {
    let n = this.buffer.length;
    for (const b of this.inFlight) n += b.length;
    return n;
  }

  /** Fails the job now (the restart strategy restores from the last checkpoint, whose unacknowledged records are sent again). */
  private failed(e: unknown): void {
    if (this.error) return;
    this.error = this.kafkaError(e);
    this.failJob(this.error);
  }

  private kafkaError(e: unknown): Error {
    return new Error(`kafka sink ${this.c.topic} (${this.c.brokers.join(',')}): ${(e as Error)?.message ?? String(e)}`, { cause: e });
  }
}

/** The sink's messages as @platformatic/kafka produces them: bytes, and the timestamp as a bigint. */
function toProduce(topic: string, batch: readonly OutMessage[]): MessageToProduce<Buffer, Buffer, Buffer, Buffer>[] {
  const out = new Array<MessageToProduce<Buffer, Buffer, Buffer, Buffer>>(batch.length);
  for (let i = 0; i < batch.length; i++) {
    const m = batch[i]!;
    out[i] = {
      topic,
      key: m.key === null ? undefined : Buffer.from(m.key, 'utf8'),
      value: m.value === null ? undefined : typeof m.value === 'string' ? Buffer.from(m.value, 'utf8') : m.value,
      ...(m.timestamp !== undefined ? { timestamp: BigInt(m.timestamp) } : {}),
    };
  }
  return out;
}

/**
 * The Java client's (and kafkajs') partitioner: a keyed record goes to murmur2(key) & 0x7fffffff modulo the partition
 * count (the client takes the modulo), so both clients put a key in the same partition; records without a key go round
 * robin.
 */
function javaPartitioner(murmur2: (key: Buffer) => number): (message: unknown, key: Buffer | undefined) => number {
  let next = 0;
  return (_message, key) => (key === undefined ? (next = (next + 1) & 0x7fffffff) : murmur2(key) & 0x7fffffff);
}
