import type { FilterFunction } from '../api/functions.js';
import { BatchBuffer } from './BatchBuffer.js';
import { loopFailure, siblingFilterLoop, type SiblingFilterLoop } from './batchLoops.js';
import { ChannelOutput } from './ChannelOutput.js';
import { FilterOperator } from './operators/FilterOperator.js';
import type { Output } from './Output.js';

/**
 * Filters that read the same output, as when a stream is split by type (`s.filter(isPerson)`, `s.filter(isAuction)`):
 * each batch goes through all of them in one pass, each record offered to each filter in turn, instead of one pass per
 * filter. Why: reading a record is most of a cheap filter's cost (a cache miss on the record's object), and a second
 * pass reads every record again (measured on Nexmark q3: packages/engine/bench/results/).
 * Each filter's passing records then go down its own branch as one batch, in the order of the outputs, as before.
 */
export class SiblingFilters {
  private readonly buffers: BatchBuffer[];
  private readonly counts: Int32Array;
  private readonly fns: FilterFunction<unknown>[];
  /** The buffers' arrays, as the loop takes them (updated in place when a buffer grows). */
  private readonly outValues: unknown[][];
  private readonly outTimestamps: Float64Array[];
  private loop: SiblingFilterLoop | undefined;

  private constructor(
    private readonly filters: readonly FilterOperator[],
    /** For each output of the fan-out, the filter it feeds (an index into `filters`), or -1 for any other output. */
    private readonly slotOf: Int32Array,
  ) {
    this.buffers = filters.map(() => new BatchBuffer());
    this.counts = new Int32Array(filters.length + 1);
    this.fns = filters.map((f) => f.fn);
    this.outValues = this.buffers.map((b) => b.values);
    this.outTimestamps = this.buffers.map((b) => b.timestamps);
  }

  /**
   * The filters among `outputs` that can share a loop: the head of a task of their own, fed straight through a
   * channel (not a partitioner), each once; undefined unless there are two or more.
   */
  static of(outputs: readonly Output[]): SiblingFilters | undefined {
    const seen = new Map<FilterOperator, number>();
    for (const o of outputs) {
      if (o instanceof ChannelOutput && o.target instanceof FilterOperator) seen.set(o.target, (seen.get(o.target) ?? 0) + 1);
    }
    const filters = [...seen].filter(([, n]) => n === 1).map(([f]) => f);
    if (filters.length < 2) return undefined;
    const slotOf = new Int32Array(outputs.length).fill(-1);
    outputs.forEach((o, i) => {
      if (o instanceof ChannelOutput) slotOf[i] = filters.indexOf(o.target as FilterOperator);
    });
    return new SiblingFilters(filters, slotOf);
  }

  /**
   * Runs every filter over the batch, then hands each output its records in order. If a filter's function throws at
   * record i, the outputs up to the failing filter have seen records 0..i and the ones after it 0..i−1, as
   * record-at-a-time processing would have left them (each record goes to the outputs in order); then it rethrows.
   */
  filterBatch(values: readonly unknown[], timestamps: Float64Array, length: number, outputs: readonly Output[]): void {
    const { filters, buffers, counts, slotOf, outValues, outTimestamps } = this;
    for (let j = 0; j < buffers.length; j++) {
      const b = buffers[j]!;
      b.reset(length);
      outValues[j] = b.values;
      outTimestamps[j] = b.timestamps;
    }
    try {
      (this.loop ??= this.compile())(this.fns, values, timestamps, length, outValues, outTimestamps, counts, loopFailure);
    } catch (e) {
      const at = loopFailure.at;
      const failing = slotOf.indexOf(counts[filters.length]!);
      for (let i = 0; i < outputs.length; i++) {
        const seen = i <= failing ? at + 1 : at;
        if (slotOf[i]! < 0) {
          if (seen > 0) outputs[i]!.collectBatch(values, timestamps, seen);
        } else this.emit(slotOf[i]!, seen, length);
      }
      throw e;
    }
    for (let i = 0; i < outputs.length; i++) {
      if (slotOf[i]! < 0) outputs[i]!.collectBatch(values, timestamps, length);
      else this.emit(slotOf[i]!, length, length);
    }
  }

  /** Counts the batch into filter `slot` (only the `seen` records it reached, when it stopped) and hands on the ones it kept. */
  private emit(slot: number, seen: number, length: number): void {
    const f = this.filters[slot]!;
    f.metrics.recordsIn += length;
    if (seen < length) f.batchStoppedAt(seen - 1, length);
    const n = this.counts[slot]!;
    const b = this.buffers[slot]!;
    if (n > 0) f.output.collectBatch(b.values, b.timestamps, n);
  }

  private compile(): SiblingFilterLoop {
    return siblingFilterLoop(this.filters.length, this.filters.map((f) => `${f.ctx.nodeId}\n${String(f.fn)}`).join('\n'));
  }
}
