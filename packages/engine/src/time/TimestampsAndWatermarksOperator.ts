import { BatchBuffer } from '../runtime/BatchBuffer.js';
import { FanOutput } from '../runtime/FanOutput.js';
import type { AssigningOperator } from '../runtime/OperatorChain.js';
import { assignLoop, loopFailure, maxTimestampBeforeNaN } from '../runtime/batchLoops.js';
import { loopCopy } from '../runtime/loopCopies.js';
import { StreamOperator } from '../runtime/StreamOperator.js';
import { MAX_WATERMARK, MIN_WATERMARK } from './Watermark.js';
import type { TimestampAssigner, WatermarkGenerator, WatermarkOutput, WatermarkStrategy } from './WatermarkStrategy.js';

/**
 * Assigns timestamps and generates watermarks (Flink's TimestampsAndWatermarksOperator). Watermarks from upstream are
 * dropped except the final +∞ one; periodic emission runs every `autoWatermarkInterval` ms of processing time.
 */
export class TimestampsAndWatermarksOperator extends StreamOperator implements WatermarkOutput, AssigningOperator {
  private assigner: TimestampAssigner<unknown> | undefined;
  private generator!: WatermarkGenerator<unknown>;
  private lastEmitted = MIN_WATERMARK;
  private cancelTimer: (() => void) | undefined;
  private idle = false;
  private readonly batchTimestamps = new BatchBuffer();
  /** This node's copy of the loop (see loopCopy), from open(). */
  private assignTimestamps = assignLoop;
  /** Names this node's assigner for the loop copies (see loopCopy). */
  private assignerKey = '';

  constructor(
    private readonly strategy: WatermarkStrategy,
    private readonly interval: number,
  ) {
    super();
  }

  override open(): void {
    const pts = this.ctx.processingTimeService;
    this.assigner = this.strategy.createTimestampAssigner();
    if (this.assigner !== undefined) {
      this.assignerKey = `${this.ctx.nodeId}\n${String(this.assigner)}`;
      this.assignTimestamps = loopCopy(assignLoop, this.assignerKey);
    }
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
    if (typeof ts !== 'number' || Number.isNaN(ts)) throw badTimestamp(ts, value);
    this.generator.onEvent(value, ts, this);
    this.output.collect(value, ts);
  }

  /**
   * Timestamps for the whole batch in one loop, then the generator sees them at once. Only for generators that never
   * emit from onEvent (onEventBatch): with the others (idleness), a watermark or idleness change could fall between two
   * records of the batch, so they go record by record.
   */
  override processBatch(values: readonly unknown[], timestamps: Float64Array, length: number, input: number): void {
    const generator = this.generator;
    if (generator.onEventBatch === undefined) return super.processBatch(values, timestamps, length, input);
    let out = timestamps;
    let max: number;
    if (this.assigner !== undefined && this.output instanceof FanOutput) {
      // Chained: the loop of the filters and maps after this operator assigns the timestamps as it reads each record.
      this.batchTimestamps.reset(length);
      const bad = this.output.collectBatchAssigning(this.assigner, this.assignerKey, values, timestamps, length, this.batchTimestamps.timestamps, this);
      if (bad !== undefined) {
        if (bad >= 0) throw badTimestamp(this.output.badTimestamp(), values[bad]);
        return;
      }
    }
    if (this.assigner === undefined) max = maxTimestampBeforeNaN(timestamps, length, MIN_WATERMARK, loopFailure);
    else {
      this.batchTimestamps.reset(length);
      out = this.batchTimestamps.timestamps;
      try {
        max = this.assignTimestamps(this.assigner, values, timestamps, length, out, MIN_WATERMARK, loopFailure);
      } catch (e) {
        const at = loopFailure.at;
        generator.onEventBatch(values, out, at, maxTimestampBeforeNaN(out, at, MIN_WATERMARK, loopFailure));
        this.batchFailed(at, length, values, out, at);
        throw e;
      }
    }
    const n = loopFailure.at;
    generator.onEventBatch(values, out, n, max);
    if (n < length) {
      // Record n has a bad timestamp: the records before it go on, as they would have one by one.
      const e = badTimestamp(this.assigner === undefined ? timestamps[n] : loopFailure.bad, values[n]);
      loopFailure.bad = undefined;
      this.batchFailed(n, length, values, out, n);
      throw e;
    }
    this.output.collectBatch(values, out, length);
  }

  /** The chain's loop assigned the batch's timestamps (collectBatchAssigning): as processBatch's own loop would have. */
  assigned(values: readonly unknown[], assigned: Float64Array, emitted: number, max: number, stoppedAt: number, length: number): void {
    this.generator.onEventBatch!(values, assigned, emitted, max);
    this.metrics.recordsOut += emitted;
    if (stoppedAt >= 0) this.batchStoppedAt(stoppedAt, length);
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

function badTimestamp(ts: unknown, value: unknown): Error {
  return new Error(`timestamp assigner returned ${JSON.stringify(ts)} for ${safeJson(value)}: expected epoch milliseconds`);
}

function safeJson(v: unknown): string {
  try {
    return JSON.stringify(v)?.slice(0, 200) ?? String(v);
  } catch {
    return String(v);
  }
}
