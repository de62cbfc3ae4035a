import type { SourceContext, SourceFunction } from '../../connectors/SourceFunction.js';
import { NO_TIMESTAMP } from '../../time/Watermark.js';
import { StreamOperator } from '../StreamOperator.js';

/** Dead-letter side output tag: malformed input with the raw record, the error and its position. */
export const DEAD_LETTER_TAG = 'dead-letter';

export interface DeadLetter {
  raw: unknown;
  error: string;
  position?: string;
}

/**
 * Drives a SourceFunction: its records enter the chain synchronously through collect(); between batches the source
 * awaits yield(), which lets processing-time timers (window firings, periodic watermarks) run.
 */
export class SourceOperator extends StreamOperator {
  private running = true;
  private wakeups = new Set<() => void>();
  constructor(readonly source: SourceFunction) {
    super();
  }

  processElement(): void {
    throw new Error('a source has no inputs');
  }

  async run(): Promise<void> {
    const out = this.output;
    const metrics = this.metrics;
    const op = this;
    const ctx: SourceContext = {
      collect(value) {
        metrics.recordsIn++;
        out.collect(value, NO_TIMESTAMP);
      },
      collectWithTimestamp(value, timestamp) {
        metrics.recordsIn++;
        out.collect(value, timestamp);
      },
      emitWatermark: (wm) => out.emitWatermark(wm),
      markAsTemporarilyIdle: () => out.emitIdle(true),
      deadLetter: (raw, error, position) => {
        metrics.deadLetters++;
        const dl: DeadLetter = { raw, error, ...(position !== undefined ? { position } : {}) };
        out.collectSide(DEAD_LETTER_TAG, dl, NO_TIMESTAMP);
      },
      isRunning: () => op.running,
      yield: () => new Promise<void>((resolve) => setImmediate(resolve)),
      sleep: (ms) =>
        new Promise<void>((resolve) => {
          if (!op.running) return resolve();
          const wake = () => {
            clearTimeout(t);
            op.wakeups.delete(wake);
            resolve();
          };
          const t = setTimeout(wake, ms);
          op.wakeups.add(wake);
        }),
      getCurrentProcessingTime: () => this.ctx.processingTimeService.getCurrentProcessingTime(),
      services: this.ctx.services,
    };
    await this.source.run(ctx);
  }

  cancel(): void {
    this.running = false;
    this.source.cancel();
    for (const w of [...this.wakeups]) w();
  }

  override snapshotState(checkpointId: number): unknown {
    return this.source.snapshotState?.(checkpointId);
  }
  override initializeState(state: unknown): void {
    if (state !== undefined) this.source.restoreState?.(state);
  }
  override notifyCheckpointComplete(checkpointId: number): void {
    void this.source.notifyCheckpointComplete?.(checkpointId);
  }
}
