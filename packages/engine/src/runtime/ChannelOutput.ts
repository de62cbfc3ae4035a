import type { Output } from './Output.js';
import type { StreamOperator } from './StreamOperator.js';

/** Delivers to one input channel of the downstream task's head operator, counting its records in. */
export class ChannelOutput implements Output {
  constructor(
    readonly target: StreamOperator,
    private readonly channel: number,
    readonly input: number,
  ) {}
  collect(value: unknown, timestamp: number): void {
    this.target.metrics.recordsIn++;
    this.target.processElement(value, timestamp, this.input);
  }
  collectBatch(values: readonly unknown[], timestamps: Float64Array, length: number): void {
    this.target.metrics.recordsIn += length;
    this.target.processBatch(values, timestamps, length, this.input);
  }
  emitWatermark(watermark: number): void {
    this.target.receiveWatermark(this.channel, watermark);
  }
  emitIdle(idle: boolean): void {
    this.target.receiveIdle(this.channel, idle);
  }
  collectSide(): void {}
}
