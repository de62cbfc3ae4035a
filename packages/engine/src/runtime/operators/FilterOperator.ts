import type { FilterFunction } from '../../api/functions.js';
import { BatchBuffer } from '../BatchBuffer.js';
import { filterLoop, filterMapLoop, loopFailure } from '../batchLoops.js';
import { loopCopy } from '../loopCopies.js';
import type { FanOutput } from '../FanOutput.js';
import { StreamOperator } from '../StreamOperator.js';
import type { MapOperator } from './MapOperator.js';

export class FilterOperator extends StreamOperator {
  private readonly batch = new BatchBuffer();
  /** This node's copy of the loop (see loopCopy), from open(). */
  private loop = filterLoop;
  /** The map this filter's records all go to, when fused (fuseMap), with this filter's output and their loop. */
  private fused: { map: MapOperator; out: FanOutput; loop: typeof filterMapLoop } | undefined;

  constructor(readonly fn: FilterFunction<unknown>) {
    super();
  }
  override open(): void {
    super.open();
    this.loop = loopCopy(filterLoop, `${this.ctx.nodeId}\n${String(this.fn)}`);
  }

  /**
   * Fuses the map that takes all of this filter's records (its only output, fed by nothing else): batches then go
   * through both functions in one loop, `filter(isBid).map(bidOf)` as one pass, and on to the map's output. Per-node
   * metrics stay as they were; while a data tap is open on the filter, batches take the two loops again so that the tap
   * sees the filter's records. Called by the job once every operator is set up (both nodes' ids are known).
   */
  fuseMap(map: MapOperator, out: FanOutput): void {
    this.fused = { map, out, loop: loopCopy(filterMapLoop, `${this.ctx.nodeId}\n${String(this.fn)}\n${map.ctx.nodeId}\n${String(map.fn)}`) };
  }

  processElement(value: unknown, timestamp: number): void {
    if (this.fn(value)) this.output.collect(value, timestamp);
  }
  /** Keeps the passing records of the batch in one loop, and hands them on as one batch (none when none passed). */
  override processBatch(values: readonly unknown[], timestamps: Float64Array, length: number): void {
    const b = this.batch;
    b.reset(length);
    const fused = this.fused;
    if (fused !== undefined && fused.out.tap === undefined) return this.filterMapBatch(fused, values, timestamps, length);
    let n: number;
    try {
      n = this.loop(this.fn, values, timestamps, length, b.values, b.timestamps, loopFailure);
    } catch (e) {
      this.batchFailed(loopFailure.at, length, b.values, b.timestamps, loopFailure.produced);
      throw e;
    }
    if (n > 0) this.output.collectBatch(b.values, b.timestamps, n);
  }

  /** The batch through the filter and its fused map in one loop; the buffer holds the map's results. */
  private filterMapBatch(fused: NonNullable<FilterOperator['fused']>, values: readonly unknown[], timestamps: Float64Array, length: number): void {
    const { map } = fused;
    const b = this.batch;
    let n: number;
    try {
      n = fused.loop(this.fn, map.fn, values, timestamps, length, b.values, b.timestamps, loopFailure);
    } catch (e) {
      // As record by record: the filter reached record `at`; when the map threw there, that record had passed.
      const { at, produced, stage } = loopFailure;
      loopFailure.stage = 0;
      this.batchStoppedAt(at, length);
      this.passOn(map, produced + (stage === 1 ? 1 : 0), produced);
      throw e;
    }
    this.passOn(map, n, n);
  }

  /** Counts `passed` records out of this filter and into the map, and hands the map's first `mapped` results on. */
  private passOn(map: MapOperator, passed: number, mapped: number): void {
    this.metrics.recordsOut += passed;
    map.metrics.recordsIn += passed;
    if (mapped > 0) map.output.collectBatch(this.batch.values, this.batch.timestamps, mapped);
  }
}
