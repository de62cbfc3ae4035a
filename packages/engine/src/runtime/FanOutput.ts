import { ChannelOutput } from './ChannelOutput.js';
import type { DataTap } from './DataTap.js';
import { DEAD_LETTER_TAG, SourceOperator } from './operators/SourceOperator.js';
import type { Output } from './Output.js';
import { SiblingFilters } from './SiblingFilters.js';
import type { StreamOperator } from './StreamOperator.js';

/** Fans one operator's output out to its edges; counts records out and dead letters; feeds an open data tap. */
export class FanOutput implements Output {
  tap: DataTap | undefined;
  /** Filters among the main outputs that take each batch in one shared pass (see SiblingFilters). */
  private readonly siblings: SiblingFilters | undefined;
  constructor(
    private readonly op: StreamOperator,
    private readonly main: Output[],
    private readonly side: Map<string, Output[]>,
  ) {
    this.siblings = SiblingFilters.of(main);
  }
  /** The operator every record goes to, when there is exactly one main output and it is a channel (else undefined). */
  soleTarget(): StreamOperator | undefined {
    const m = this.main;
    return m.length === 1 && m[0] instanceof ChannelOutput && this.side.size === 0 ? m[0].target : undefined;
  }

  collect(value: unknown, timestamp: number): void {
    this.op.metrics.recordsOut++;
    if (this.tap !== undefined) this.tap.push(value, timestamp, this.op.currentWatermark);
    const m = this.main;
    for (let i = 0; i < m.length; i++) m[i]!.collect(value, timestamp);
  }
  /**
   * One batch to every edge in turn. Edges that meet again downstream (a union, a connect) see the batch's records of
   * one edge before the other's, as channels from different tasks would in Flink; each edge keeps the order.
   */
  collectBatch(values: readonly unknown[], timestamps: Float64Array, length: number): void {
    if (length <= 0) return;
    this.op.metrics.recordsOut += length;
    const tap = this.tap;
    if (tap !== undefined) {
      // The watermark cannot move within a batch: watermarks travel between batches.
      const wm = this.op.currentWatermark;
      for (let i = 0; i < length; i++) tap.push(values[i], timestamps[i]!, wm);
    }
    const m = this.main;
    if (this.siblings !== undefined) this.siblings.filterBatch(values, timestamps, length, m);
    else for (let i = 0; i < m.length; i++) m[i]!.collectBatch(values, timestamps, length);
  }
  emitWatermark(watermark: number): void {
    for (const o of this.main) o.emitWatermark(watermark);
    for (const outs of this.side.values()) for (const o of outs) o.emitWatermark(watermark);
  }
  emitIdle(idle: boolean): void {
    for (const o of this.main) o.emitIdle(idle);
    for (const outs of this.side.values()) for (const o of outs) o.emitIdle(idle);
  }
  collectSide(tag: string, value: unknown, timestamp: number): void {
    if (tag === DEAD_LETTER_TAG && !(this.op instanceof SourceOperator)) this.op.metrics.deadLetters++;
    if (this.tap !== undefined) this.tap.push(value, timestamp, this.op.currentWatermark, tag);
    const outs = this.side.get(tag);
    if (outs !== undefined) for (const o of outs) o.collect(value, timestamp);
  }
}
