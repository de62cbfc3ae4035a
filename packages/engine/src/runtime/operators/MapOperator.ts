import type { MapFunction } from '../../api/functions.js';
import { BatchBuffer } from '../BatchBuffer.js';
import { loopFailure, mapLoop } from '../batchLoops.js';
import { loopCopy } from '../loopCopies.js';
import { StreamOperator, type LoopStage } from '../StreamOperator.js';

export class MapOperator extends StreamOperator {
  private readonly batch = new BatchBuffer();
  /** This node's copy of the loop (see loopCopy), from open(). */
  private loop = mapLoop;
  constructor(readonly fn: MapFunction<unknown, unknown>) {
    super();
  }
  override open(): void {
    super.open();
    this.loop = loopCopy(mapLoop, `${this.ctx.nodeId}\n${String(this.fn)}`);
  }
  override loopStage(): LoopStage {
    return { kind: 'map', fn: this.fn };
  }
  processElement(value: unknown, timestamp: number): void {
    this.output.collect(this.fn(value), timestamp);
  }
  /** One loop over the batch; the results keep the input's timestamps, so those are passed on as they are. */
  override processBatch(values: readonly unknown[], timestamps: Float64Array, length: number): void {
    this.batch.reset(length);
    const out = this.batch.values;
    try {
      this.loop(this.fn, values, length, out, loopFailure);
    } catch (e) {
      this.batchFailed(loopFailure.at, length, out, timestamps, loopFailure.produced);
      throw e;
    }
    this.output.collectBatch(out, timestamps, length);
  }
}
