import type { Collector, KeyedProcessFunction, OnTimerContext } from '../../api/functions.js';
import { userTimerService } from '../userTimerService.js';
import type { Timer } from '../../time/TimerQueue.js';
import { NO_TIMESTAMP } from '../../time/Watermark.js';
import { KeyedStreamOperator } from '../KeyedStreamOperator.js';

/**
 * Runs a KeyedProcessFunction (Flink's KeyedProcessOperator): keyed state from open(ctx).getState, event- and
 * processing-time timers (one per key and timestamp), onTimer with the key set; timers never run during processElement.
 */
export class KeyedProcessOperator extends KeyedStreamOperator<unknown, string> {
  private ts = NO_TIMESTAMP;
  private domain: 'EVENT_TIME' | 'PROCESSING_TIME' = 'EVENT_TIME';
  private readonly out: Collector<unknown>;
  private readonly context: OnTimerContext<unknown>;

  constructor(private readonly fn: KeyedProcessFunction<unknown, unknown, unknown>) {
    super();
    if (typeof fn?.processElement !== 'function') throw new Error('a KeyedProcessFunction needs processElement(value, ctx, out)');
    this.out = { collect: (v) => this.output.collect(v, this.ts) };
    const timers = userTimerService(this);
    this.context = {
      timestamp: () => (this.ts === NO_TIMESTAMP ? undefined : this.ts),
      timerService: () => timers,
      output: (tag, value) => this.output.collectSide(tag.id, value, this.ts),
      getCurrentKey: () => this.backend.getCurrentKey(),
      timeDomain: () => this.domain,
    };
  }

  override open(): void {
    super.open();
    this.fn.open?.(this.runtimeContext());
  }

  processElement(value: unknown, timestamp: number, input: number): void {
    this.ts = timestamp;
    this.process(value, input);
  }

  /** One record, its timestamp already in `ts`. */
  private process(value: unknown, input: number): void {
    this.setKeyContextElement(value, input);
    this.fn.processElement(value, this.context, this.out);
  }

  /** A batch in one loop; timestamps go straight into the `ts` field, unboxed (see AlignedWindows.at). */
  override processBatch(values: readonly unknown[], timestamps: Float64Array, length: number, input: number): void {
    let i = 0;
    try {
      for (; i < length; i++) {
        this.ts = timestamps[i]!;
        this.process(values[i], input);
      }
    } catch (e) {
      this.batchStoppedAt(i, length);
      throw e;
    }
  }

  onEventTime(timer: Timer<string>): void {
    this.fire(timer, 'EVENT_TIME');
  }

  onProcessingTime(timer: Timer<string>): void {
    this.fire(timer, 'PROCESSING_TIME');
  }

  private fire(timer: Timer<string>, domain: 'EVENT_TIME' | 'PROCESSING_TIME'): void {
    // Output of onTimer carries the timer's timestamp for event time, none for processing time (as in Flink).
    this.ts = domain === 'EVENT_TIME' ? timer.timestamp : NO_TIMESTAMP;
    this.domain = domain;
    this.fn.onTimer?.(timer.timestamp, this.context, this.out);
  }

  override close(): void {
    this.fn.close?.();
    super.close();
  }
}
