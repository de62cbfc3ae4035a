import { StreamOperator } from '../runtime/StreamOperator.js';
import type { TimestampAssigner, WatermarkGenerator, WatermarkOutput, WatermarkStrategy } from './WatermarkStrategy.js';
import { MAX_WATERMARK, MIN_WATERMARK } from './Watermark.js';

/**
 * Assigns timestamps and generates watermarks (Flink's TimestampsAndWatermarksOperator). Watermarks from upstream are
 * dropped except the final +∞ one; periodic emission runs every `autoWatermarkInterval` ms of processing time.
 */
export class TimestampsAndWatermarksOperator extends StreamOperator implements WatermarkOutput {
  private assigner: TimestampAssigner<unknown> | undefined;
  private generator!: WatermarkGenerator<unknown>;
  private lastEmitted = MIN_WATERMARK;
  private cancelTimer: (() => void) | undefined;
  private idle = false;

  constructor(
    private readonly strategy: WatermarkStrategy,
    private readonly interval: number,
  ) {
    super();
  }

  override open(): void {
    const pts = this.ctx.processingTimeService;
    this.assigner = this.strategy.createTimestampAssigner();
    this.generator = this.strategy.createWatermarkGenerator(() => pts.getCurrentProcessingTime());
    if (this.interval > 0 && this.strategy.isEventTime()) this.schedule(pts.getCurrentProcessingTime() + this.interval);
  }

  private schedule(at: number): void {
    this.cancelTimer = this.ctx.processingTimeService.registerTimer(at, (t) => {
      this.generator.onPeriodicEmit(this);
      this.schedule(t + this.interval);
    });
  }

  processElement(value: unknown, timestamp: number): void {
    const ts = this.assigner !== undefined ? this.assigner(value, timestamp) : timestamp;
    if (typeof ts !== 'number' || Number.isNaN(ts)) {
      throw new Error(`timestamp assigner returned ${JSON.stringify(ts)} for ${safeJson(value)}: expected epoch milliseconds`);
    }
    this.generator.onEvent(value, ts, this);
    this.output.collect(value, ts);
  }

  /** Only the end-of-input watermark passes: this operator is the stream's source of watermarks. */
  override processWatermark(watermark: number): void {
    if (watermark === MAX_WATERMARK) this.emitWatermark(MAX_WATERMARK);
  }

  emitWatermark(watermark: number): void {
    if (watermark <= this.lastEmitted) return;
    this.lastEmitted = watermark;
    this.metrics.watermark = watermark;
    if (this.idle) this.markActive();
    this.output.emitWatermark(watermark);
  }

  /** Emits the watermark now (used by tests and at checkpoints). */
  emitPeriodicWatermark(): void {
    this.generator.onPeriodicEmit(this);
  }

  markIdle(): void {
    if (this.idle) return;
    this.idle = true;
    this.output.emitIdle(true);
  }

  markActive(): void {
    if (!this.idle) return;
    this.idle = false;
    this.output.emitIdle(false);
  }

  override close(): void {
    this.cancelTimer?.();
  }
}

function safeJson(v: unknown): string {
  try {
    return JSON.stringify(v)?.slice(0, 200) ?? String(v);
  } catch {
    return String(v);
  }
}
