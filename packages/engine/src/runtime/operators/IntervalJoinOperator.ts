import type { Collector, ProcessJoinContext, ProcessJoinFunction } from '../../api/functions.js';
import { MapStateDescriptor, type MapStateLike } from '../../state/StateDescriptor.js';
import type { Timer } from '../../time/TimerQueue.js';
import { MIN_WATERMARK, NO_TIMESTAMP } from '../../time/Watermark.js';
import { KeyedStreamOperator } from '../KeyedStreamOperator.js';

const LEFT = 'CLEANUP_LEFT';
const RIGHT = 'CLEANUP_RIGHT';

export interface IntervalJoinOptions {
  lowerBound: number;
  upperBound: number;
  lowerBoundInclusive: boolean;
  upperBoundInclusive: boolean;
  /** Side output tags for late elements of each side, if wanted. */
  leftLateDataOutputTag?: string;
  rightLateDataOutputTag?: string;
}

/**
 * Joins each left element with the right elements of the same key whose timestamp lies in
 * [left.ts + lowerBound, left.ts + upperBound] (Flink's IntervalJoinOperator). Both sides are buffered by timestamp in
 * keyed state and removed once the watermark passes the point where they can no longer match; results carry
 * max(left.ts, right.ts). Late elements (behind the watermark) are dropped or sent to a side output.
 */
export class IntervalJoinOperator extends KeyedStreamOperator<unknown, string> {
  private left!: MapStateLike<number, unknown[]>;
  private right!: MapStateLike<number, unknown[]>;
  private readonly lower: number;
  private readonly upper: number;
  private leftTs = 0;
  private rightTs = 0;
  private resultTs = 0;
  private readonly out: Collector<unknown>;
  private readonly context: ProcessJoinContext;

  constructor(
    private readonly fn: ProcessJoinFunction<unknown, unknown, unknown>,
    private readonly options: IntervalJoinOptions,
  ) {
    super();
    this.lower = options.lowerBoundInclusive ? options.lowerBound : options.lowerBound + 1;
    this.upper = options.upperBoundInclusive ? options.upperBound : options.upperBound - 1;
    if (this.lower > this.upper) throw new Error(`interval join: lower bound ${options.lowerBound} must be <= upper bound ${options.upperBound}`);
    if (typeof fn?.processElement !== 'function') throw new Error('a ProcessJoinFunction needs processElement(left, right, ctx, out)');
    this.out = { collect: (v) => this.output.collect(v, this.resultTs) };
    this.context = {
      leftTimestamp: () => this.leftTs,
      rightTimestamp: () => this.rightTs,
      timestamp: () => this.resultTs,
      output: (tag, value) => this.output.collectSide(tag.id, value, this.resultTs),
    };
  }

  override open(): void {
    super.open();
    this.left = this.backend.getPartitionedState(new MapStateDescriptor<number, unknown[]>('left-buffer'));
    this.right = this.backend.getPartitionedState(new MapStateDescriptor<number, unknown[]>('right-buffer'));
    this.fn.open?.(this.runtimeContext());
  }

  processElement(value: unknown, timestamp: number, input: number): void {
    if (timestamp === NO_TIMESTAMP) {
      throw new Error('interval join: elements need event timestamps (assignTimestampsAndWatermarks or a WatermarkStrategy on the source)');
    }
    this.setKeyContextElement(value, input);
    const isLeft = input === 0;
    if (this.currentWatermark !== MIN_WATERMARK && timestamp < this.currentWatermark) {
      const tag = isLeft ? this.options.leftLateDataOutputTag : this.options.rightLateDataOutputTag;
      if (tag !== undefined) this.output.collectSide(tag, value, timestamp);
      else this.metrics.lateRecordsDropped++;
      return;
    }
    const ours = isLeft ? this.left : this.right;
    const other = isLeft ? this.right : this.left;
    const lo = isLeft ? this.lower : -this.upper;
    const hi = isLeft ? this.upper : -this.lower;
    const bucket = ours.get(timestamp);
    if (bucket) bucket.push(value);
    else ours.put(timestamp, [value]);
    for (const [ts, values] of other.entries()) {
      if (ts < timestamp + lo || ts > timestamp + hi) continue;
      for (const v of values) {
        if (isLeft) this.emit(value, v, timestamp, ts);
        else this.emit(v, value, ts, timestamp);
      }
    }
    const cleanup = hi > 0 ? timestamp + hi : timestamp;
    this.timerService.registerEventTimeTimer(isLeft ? LEFT : RIGHT, cleanup);
  }

  private emit(l: unknown, r: unknown, lts: number, rts: number): void {
    this.leftTs = lts;
    this.rightTs = rts;
    this.resultTs = Math.max(lts, rts);
    this.fn.processElement(l, r, this.context, this.out);
  }

  onEventTime(timer: Timer<string>): void {
    const t = timer.timestamp;
    if (timer.namespace === LEFT) this.left.remove(this.upper <= 0 ? t : t - this.upper);
    else this.right.remove(this.lower <= 0 ? t + this.lower : t);
  }

  onProcessingTime(): void {}

  override close(): void {
    this.fn.close?.();
    super.close();
  }
}
