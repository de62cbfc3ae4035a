/** Where an operator sends records and watermarks (Flink's Output). Records travel as (value, timestamp) pairs: no wrapper per record. */
export interface Output<T = unknown> {
  collect(value: T, timestamp: number): void;
  emitWatermark(watermark: number): void;
  /** Side output by tag id. */
  collectSide(tag: string, value: unknown, timestamp: number): void;
  /** Marks this output idle (true) or active again (false): idle outputs leave downstream watermark minimums. */
  emitIdle(idle: boolean): void;
}

/** An Output that drops everything (an operator with no downstream). */
export const NOOP_OUTPUT: Output = {
  collect() {},
  emitWatermark() {},
  collectSide() {},
  emitIdle() {},
};
