import type { FilterFunction } from '../../api/functions.js';
import { BatchBuffer } from '../BatchBuffer.js';
import { filterLoop, loopFailure } from '../batchLoops.js';
import { loopCopy } from '../loopCopies.js';
import { StreamOperator, type LoopStage } from '../StreamOperator.js';

export class FilterOperator extends StreamOperator {
  private readonly batch = new BatchBuffer();
  /** This node's copy of the loop (see loopCopy), from open(). */
  private loop = filterLoop;

  constructor(readonly fn: FilterFunction<unknown>) {
    super();
  }
  override open(): void {
    super.open();
    this.loop = loopCopy(filterLoop, `${this.ctx.nodeId}\n${String(this.fn)}`);
  }
  override loopStage(): LoopStage {
    return { kind: 'filter', fn: this.fn };
  }

  processElement(value: unknown, timestamp: number): void {
    if (this.fn(value)) this.output.collect(value, timestamp);
  }
  /** Keeps the passing records of the batch in one loop, and hands them on as one batch (none when none passed). */
  override processBatch(values: readonly unknown[], timestamps: Float64Array, length: number): void {
    const b = this.batch;
    b.reset(length);
    let n: number;
    try {
      n = this.loop(this.fn, values, timestamps, length, b.values, b.timestamps, loopFailure);
    } catch (e) {
      this.batchFailed(loopFailure.at, length, b.values, b.timestamps, loopFailure.produced);
      throw e;
    }
    if (n > 0) this.output.collectBatch(b.values, b.timestamps, n);
  }
}
