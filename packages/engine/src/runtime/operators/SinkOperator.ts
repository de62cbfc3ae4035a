import type { SinkFunction } from '../../connectors/SourceFunction.js';
import { StreamOperator } from '../StreamOperator.js';
import type { DataTap } from '../DataTap.js';

/** Hands records to a connector's sink function, and tracks the sink's asynchronous work (opens, commits, flushes). */
export class SinkOperator extends StreamOperator<never> {
  private readonly inFlight = new Set<Promise<void>>();
  /** An open data tap on what this sink receives. */
  tap: DataTap | undefined;
  private readonly failures: unknown[] = [];
  constructor(readonly sink: SinkFunction) {
    super();
  }

  /** A rejected commit or flush fails the job (and the restart strategy restores from the last checkpoint). */
  private track(r: void | Promise<void>): void {
    if (!(r instanceof Promise)) return;
    const p = r.then(
      () => {
        this.inFlight.delete(p);
      },
      (e: unknown) => {
        this.inFlight.delete(p);
        this.failures.push(e);
        this.ctx.failJob(e);
      },
    );
    this.inFlight.add(p);
  }

  /** Waits for the sink's asynchronous work; rejects with its first failure. */
  async drain(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
    if (this.failures.length > 0) throw this.failures[0];
  }

  override open(): void {
    this.track(
      this.sink.open?.({
        services: this.ctx.services,
        name: this.ctx.name,
        nodeId: this.ctx.nodeId,
        getCurrentProcessingTime: () => this.ctx.processingTimeService.getCurrentProcessingTime(),
        checkpointing: this.ctx.checkpointing,
        failJob: (e) => this.ctx.failJob(e),
        subtaskIndex: this.ctx.subtaskIndex,
        parallelism: this.ctx.parallelism,
      }),
    );
  }
  processElement(value: unknown, timestamp: number): void {
    if (this.tap !== undefined) this.tap.push(value, timestamp, this.currentWatermark);
    this.sink.invoke(value, timestamp);
  }
  /** One call into the sink per batch when it takes batches (invokeBatch), else one per record. */
  override processBatch(values: readonly unknown[], timestamps: Float64Array, length: number): void {
    const tap = this.tap;
    if (tap !== undefined) for (let i = 0; i < length; i++) tap.push(values[i], timestamps[i]!, this.currentWatermark);
    const sink = this.sink;
    if (sink.invokeBatch !== undefined) return sink.invokeBatch(values, timestamps, length);
    let i = 0;
    try {
      for (; i < length; i++) sink.invoke(values[i], timestamps[i]!);
    } catch (e) {
      this.batchFailed(i, length, values, timestamps, 0);
      throw e;
    }
  }
  override processWatermark(watermark: number): void {
    this.sink.writeWatermark?.(watermark);
  }
  override finish(): void {
    this.track(this.sink.finish?.());
  }
  override close(): void {
    this.track(this.sink.close?.());
  }
  override snapshotState(checkpointId: number): unknown {
    return this.sink.snapshotState?.(checkpointId);
  }
  override initializeState(state: unknown): void {
    if (state !== undefined) this.track(this.sink.restoreState?.(state));
  }
  /** After a change of parallelism; false when the sink cannot take its old subtasks' states. */
  initializeRescaledState(states: unknown[]): boolean {
    if (this.sink.restoreRescaledState === undefined) return false;
    this.track(this.sink.restoreRescaledState(states, this.ctx.subtaskIndex));
    return true;
  }
  override notifyCheckpointComplete(checkpointId: number): void {
    this.track(this.sink.notifyCheckpointComplete?.(checkpointId));
  }
}
