import { NO_TIMESTAMP } from '../time/Watermark.js';
import type { SourceContext } from './SourceFunction.js';

/**
 * Gathers a source's records into batches for SourceContext.collectBatchWithTimestamps, so the job's operators take
 * them a batch at a time. One buffer, refilled: no allocation per batch. Call flush() before anything that must come
 * after the records (a watermark, a yield, returning from run()).
 */
export class SourceBatch<T = unknown> {
  private readonly values: T[];
  private readonly timestamps: Float64Array;
  private n = 0;

  constructor(
    private readonly ctx: SourceContext<T>,
    readonly capacity = 4096,
  ) {
    this.values = new Array<T>(capacity);
    this.timestamps = new Float64Array(capacity);
  }

  /** Adds a record; a full batch goes out first. Without a timestamp, as SourceContext.collect(). */
  add(value: T, timestamp = NO_TIMESTAMP): void {
    if (this.n === this.capacity) this.flush();
    this.values[this.n] = value;
    this.timestamps[this.n++] = timestamp;
  }

  /** Emits the records gathered so far. */
  flush(): void {
    const n = this.n;
    if (n === 0) return;
    this.n = 0;
    this.ctx.collectBatchWithTimestamps(this.values, this.timestamps, n);
  }
}
