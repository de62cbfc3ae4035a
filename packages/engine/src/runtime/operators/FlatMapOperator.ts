import type { FlatMapFunction } from '../../api/functions.js';
import { BatchBuffer } from '../BatchBuffer.js';
import { flatMapLoop, loopFailure, type TimestampedCollector } from '../batchLoops.js';
import { loopCopy } from '../loopCopies.js';
import { StreamOperator } from '../StreamOperator.js';

/** The collector a flatMap function gets: emits at once per record, or into the batch while a batch is processed. */
class FlatMapCollector implements TimestampedCollector {
  ts = 0;
  /** Set while a batch is processed; a collector kept and called later still emits directly. */
  batching = false;
  constructor(
    private readonly op: FlatMapOperator,
    readonly batch: BatchBuffer,
  ) {}
  collect(v: unknown): void {
    if (!this.batching) return this.op.output.collect(v, this.ts);
    const b = this.batch;
    // A full buffer goes downstream first: a function that emits many records per input does not grow it.
    if (b.length === b.capacity) this.op.flush();
    b.values[b.length] = v;
    b.timestamps[b.length++] = this.ts;
  }
}

export class FlatMapOperator extends StreamOperator {
  /** One collector reused for every element: no allocation per record. */
  private readonly collector: FlatMapCollector;
  /** This node's copy of the loop (see loopCopy), from open(). */
  private loop = flatMapLoop;
  constructor(private readonly fn: FlatMapFunction<unknown, unknown>) {
    super();
    this.collector = new FlatMapCollector(this, new BatchBuffer());
  }
  override open(): void {
    super.open();
    this.loop = loopCopy(flatMapLoop, `${this.ctx.nodeId}\n${String(this.fn)}`);
  }
  processElement(value: unknown, timestamp: number): void {
    this.collector.ts = timestamp;
    this.fn(value, this.collector);
  }
  /** The function's records of the whole batch go on as one batch (or several, when they overflow the buffer). */
  override processBatch(values: readonly unknown[], timestamps: Float64Array, length: number): void {
    const c = this.collector;
    c.batch.reset(length);
    c.batching = true;
    try {
      this.loop(this.fn, values, timestamps, length, c, loopFailure);
    } catch (e) {
      c.batching = false;
      this.batchFailed(loopFailure.at, length, c.batch.values, c.batch.timestamps, c.batch.length);
      throw e;
    }
    c.batching = false;
    this.flush();
  }
  /** Hands what the collector gathered downstream as one batch. */
  flush(): void {
    const b = this.collector.batch;
    const n = b.length;
    b.length = 0;
    if (n > 0) this.output.collectBatch(b.values, b.timestamps, n);
  }
}
