import type { MessagePort } from 'node:worker_threads';
import type { Output } from '../Output.js';
import { encodeBatch } from './batchCodec.js';
import type { ChannelMessage } from './messages.js';

/** Records per batch on an exchange: large enough that a postMessage costs little per record. */
export const EXCHANGE_BATCH = 1024;
/** Batches a receiver grants each channel: what a sender may have in flight before it waits (Flink's credits). */
export const INITIAL_CREDITS = 8;

/**
 * One input channel of a subtask in another slot (Flink's RecordWriter + ResultSubpartition): records are buffered
 * into batches (values + timestamps) and posted over the MessagePort to that slot. A batch needs a credit; without
 * one it waits in `queue`, and so does everything after it, so watermarks, idleness, end of input and barriers stay
 * in order with the data.
 */
export class RemoteChannelOutput implements Output {
  private values: unknown[] = new Array(EXCHANGE_BATCH);
  private timestamps = new Float64Array(EXCHANGE_BATCH);
  private n = 0;
  credits = INITIAL_CREDITS;
  private readonly queue: ChannelMessage[] = [];
  /** Batches waiting for credit now. */
  queuedBatches = 0;
  /** Total time this channel had batches waiting for credit. */
  creditWaitMs = 0;
  private waitingSince = 0;

  constructor(
    readonly channelId: number,
    private readonly port: MessagePort,
    /** Called when the buffer gets its first record, so a partial batch is flushed at the end of the turn. */
    private readonly dirty: (o: RemoteChannelOutput) => void,
    /** Called when the channel has nothing waiting for credit any more. */
    private readonly writable: () => void,
  ) {}

  collect(value: unknown, timestamp: number): void {
    if (this.n === 0) this.dirty(this);
    this.values[this.n] = value;
    this.timestamps[this.n++] = timestamp;
    if (this.n === EXCHANGE_BATCH) this.flush();
  }

  collectBatch(values: readonly unknown[], timestamps: Float64Array, length: number): void {
    for (let i = 0; i < length; i++) {
      if (this.n === 0) this.dirty(this);
      this.values[this.n] = values[i];
      this.timestamps[this.n++] = timestamps[i]!;
      if (this.n === EXCHANGE_BATCH) this.flush();
    }
  }

  /** Posts the partial batch, if any. */
  flush(): void {
    const n = this.n;
    if (n === 0) return;
    this.n = 0;
    const values = this.values;
    const v = n === EXCHANGE_BATCH ? values : values.slice(0, n);
    const t = this.timestamps.slice(0, n);
    this.send({ k: 'b', c: this.channelId, n, t, ...encodeBatch(v) });
    values.fill(undefined, 0, n);
  }

  emitWatermark(watermark: number): void {
    this.flush();
    this.send({ k: 'w', c: this.channelId, w: watermark });
  }
  emitIdle(idle: boolean): void {
    this.flush();
    this.send({ k: 'i', c: this.channelId, i: idle });
  }
  end(): void {
    this.flush();
    this.send({ k: 'e', c: this.channelId });
  }
  emitBarrier(checkpointId: number): void {
    this.flush();
    this.send({ k: 'x', c: this.channelId, id: checkpointId });
  }
  collectSide(): void {}

  /** True while batches wait for credit. */
  get backpressured(): boolean {
    return this.queuedBatches > 0;
  }

  /** True while anything (batches, or messages behind them) waits to be posted. */
  get pending(): boolean {
    return this.queue.length > 0;
  }

  private send(m: ChannelMessage): void {
    if (this.queue.length === 0 && (m.k !== 'b' || this.credits > 0)) return this.post(m);
    if (m.k === 'b') {
      if (this.queuedBatches++ === 0) this.waitingSince = performance.now();
    }
    this.queue.push(m);
  }

  private post(m: ChannelMessage): void {
    if (m.k === 'b') {
      this.credits--;
      this.port.postMessage(m, m.p !== undefined ? [m.t.buffer as ArrayBuffer, m.p.buffer as ArrayBuffer] : [m.t.buffer as ArrayBuffer]);
    } else this.port.postMessage(m);
  }

  /** The receiver took a batch: one more may go. */
  grant(): void {
    this.credits++;
    const q = this.queue;
    while (q.length > 0 && (q[0]!.k !== 'b' || this.credits > 0)) {
      const m = q.shift()!;
      if (m.k === 'b' && --this.queuedBatches === 0) this.creditWaitMs += performance.now() - this.waitingSince;
      this.post(m);
    }
    if (q.length === 0) this.writable();
  }
}
