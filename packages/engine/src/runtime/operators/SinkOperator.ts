import type { SinkFunction } from '../../connectors/SourceFunction.js';
import { StreamOperator } from '../StreamOperator.js';

/** Hands records to a connector's sink function. */
export class SinkOperator extends StreamOperator<never> {
  pending: Promise<void>[] = [];
  constructor(readonly sink: SinkFunction) {
    super();
  }
  override open(): void {
    const r = this.sink.open?.({ services: this.ctx.services, name: this.ctx.name, getCurrentProcessingTime: () => this.ctx.processingTimeService.getCurrentProcessingTime() });
    if (r instanceof Promise) this.pending.push(r);
  }
  processElement(value: unknown, timestamp: number): void {
    this.sink.invoke(value, timestamp);
  }
  override processWatermark(): void {}
  override finish(): void {
    const r = this.sink.finish?.();
    if (r instanceof Promise) this.pending.push(r);
  }
  override close(): void {
    const r = this.sink.close?.();
    if (r instanceof Promise) this.pending.push(r);
  }
  override snapshotState(checkpointId: number): unknown {
    return this.sink.snapshotState?.(checkpointId);
  }
  override initializeState(state: unknown): void {
    if (state !== undefined) this.sink.restoreState?.(state);
  }
  override notifyCheckpointComplete(checkpointId: number): void {
    const r = this.sink.notifyCheckpointComplete?.(checkpointId);
    if (r instanceof Promise) this.pending.push(r);
  }
}
