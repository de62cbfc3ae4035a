/**
 * Where an operator sends records and watermarks (Flink's Output). Records travel as (value, timestamp) pairs: no
 * wrapper per record. Batches carry many records in one call, as values and timestamps side by side.
 */
export interface Output<T = unknown> {
  collect(value: T, timestamp: number): void;
  /**
   * Records values[i] with timestamps[i] for i < length, in order: the same as `length` calls of collect(). The arrays
   * belong to the caller, who reuses them: read them during the call, never write them or keep them.
   */
  collectBatch(values: readonly T[], timestamps: Float64Array, length: number): void;
  emitWatermark(watermark: number): void;
  /** Side output by tag id. */
  collectSide(tag: string, value: unknown, timestamp: number): void;
  /** Marks this output idle (true) or active again (false): idle outputs leave downstream watermark minimums. */
  emitIdle(idle: boolean): void;
}

/** An Output that drops everything (an operator with no downstream). */
export const NOOP_OUTPUT: Output = {
  collect() {},
  collectBatch() {},
  emitWatermark() {},
  collectSide() {},
  emitIdle() {},
};
