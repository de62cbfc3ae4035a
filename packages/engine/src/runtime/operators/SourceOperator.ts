import type { SourceContext, SourceFunction } from '../../connectors/SourceFunction.js';
import { NO_TIMESTAMP } from '../../time/Watermark.js';
import type { Output } from '../Output.js';
import { StreamOperator } from '../StreamOperator.js';

/** Dead-letter side output tag: malformed input with the raw record, the error and its position. */
export const DEAD_LETTER_TAG = 'dead-letter';

export interface DeadLetter {
  raw: unknown;
  error: string;
  position?: string;
}

/**
 * Drives a SourceFunction: its records enter the chain synchronously through collect() or a batch at a time through
 * collectBatch(); between batches the source awaits yield(), which lets processing-time timers (window firings,
 * periodic watermarks) run.
 */
export class SourceOperator extends StreamOperator {
  running = true;
  readonly wakeups = new Set<() => void>();
  constructor(readonly source: SourceFunction) {
    super();
  }

  processElement(): void {
    throw new Error('a source has no inputs');
  }

  async run(): Promise<void> {
    await this.source.run(new OperatorSourceContext(this, this.output));
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
  /** After a change of parallelism; false when the source cannot take its old subtasks' states. */
  initializeUnionState(states: unknown[]): boolean {
    if (this.source.restoreUnionState === undefined) return false;
    this.source.restoreUnionState(states, this.ctx.subtaskIndex, this.ctx.parallelism);
    return true;
  }
  override notifyCheckpointComplete(checkpointId: number): void {
    void this.source.notifyCheckpointComplete?.(checkpointId);
  }
}

/**
 * What a SourceOperator gives its source. A class, not an object of closures: the methods are the same functions for
 * every job, so the code V8 optimizes for one job's hot loop still fits the next one's.
 */
class OperatorSourceContext implements SourceContext {
  readonly services: Record<string, unknown>;
  readonly subtaskIndex: number;
  readonly parallelism: number;
  /** NO_TIMESTAMP for batches without timestamps: shared, since receivers only read batches. */
  private untimed = new Float64Array(0);
  private copied = new Float64Array(0);

  constructor(
    private readonly op: SourceOperator,
    private readonly out: Output,
  ) {
    this.services = op.ctx.services;
    this.subtaskIndex = op.ctx.subtaskIndex;
    this.parallelism = op.ctx.parallelism;
  }

  collect(value: unknown): void {
    this.op.metrics.recordsIn++;
    this.out.collect(value, NO_TIMESTAMP);
  }
  collectWithTimestamp(value: unknown, timestamp: number): void {
    this.op.metrics.recordsIn++;
    this.out.collect(value, timestamp);
  }
  collectBatch(values: readonly unknown[], length = values.length): void {
    if (length <= 0) return;
    if (this.untimed.length < length) this.untimed = new Float64Array(Math.max(length, 1024)).fill(NO_TIMESTAMP);
    this.op.metrics.recordsIn += length;
    this.out.collectBatch(values, this.untimed, length);
  }
  collectBatchWithTimestamps(values: readonly unknown[], timestamps: Float64Array | readonly number[], length = values.length): void {
    if (length <= 0) return;
    this.op.metrics.recordsIn += length;
    this.out.collectBatch(values, timestamps instanceof Float64Array ? timestamps : this.copy(timestamps, length), length);
  }
  private copy(timestamps: readonly number[], length: number): Float64Array {
    if (this.copied.length < length) this.copied = new Float64Array(Math.max(length, 1024));
    for (let i = 0; i < length; i++) this.copied[i] = timestamps[i]!;
    return this.copied;
  }
  emitWatermark(watermark: number): void {
    this.out.emitWatermark(watermark);
  }
  markAsTemporarilyIdle(): void {
    this.out.emitIdle(true);
  }
  deadLetter(raw: unknown, error: string, position?: string): void {
    this.op.metrics.deadLetters++;
    const dl: DeadLetter = { raw, error, ...(position !== undefined ? { position } : {}) };
    this.out.collectSide(DEAD_LETTER_TAG, dl, NO_TIMESTAMP);
  }
  isRunning(): boolean {
    return this.op.running;
  }
  yield(): Promise<void> {
    // Backpressure: while a channel to another slot has no credit, the source waits for it.
    const credit = this.op.ctx.exchange?.writable();
    if (credit !== undefined) return credit.then(() => new Promise<void>((resolve) => setImmediate(resolve)));
    return new Promise<void>((resolve) => setImmediate(resolve));
  }
  sleep(ms: number): Promise<void> {
    const op = this.op;
    return new Promise<void>((resolve) => {
      if (!op.running) return resolve();
      const wake = () => {
        clearTimeout(t);
        op.wakeups.delete(wake);
        resolve();
      };
      const t = setTimeout(wake, ms);
      op.wakeups.add(wake);
    });
  }
  getCurrentProcessingTime(): number {
    return this.op.ctx.processingTimeService.getCurrentProcessingTime();
  }
}
