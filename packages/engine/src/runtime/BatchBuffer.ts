/**
 * The reusable batch an operator fills and hands downstream in one collectBatch() call: values and timestamps side by
 * side, so a batch costs no object per record. It grows to the largest batch seen and is never shrunk.
 */
export class BatchBuffer {
  values: unknown[];
  timestamps: Float64Array;
  length = 0;

  constructor(capacity = 1024) {
    this.values = new Array<unknown>(capacity);
    this.timestamps = new Float64Array(capacity);
  }

  get capacity(): number {
    return this.timestamps.length;
  }

  /** Empties the buffer and makes room for `n` records (the old contents are dropped, not copied). */
  reset(n: number): void {
    this.length = 0;
    if (n > this.timestamps.length) {
      const capacity = Math.max(n, this.timestamps.length * 2);
      this.values = new Array<unknown>(capacity);
      this.timestamps = new Float64Array(capacity);
    }
  }
}
