import type { Collector, CoProcessFunction, KeyedCoProcessFunction, OnTimerContext } from '../../api/functions.js';
import { userTimerService } from '../userTimerService.js';
import type { Timer } from '../../time/TimerQueue.js';
import { NO_TIMESTAMP } from '../../time/Watermark.js';
import { KeyedStreamOperator } from '../KeyedStreamOperator.js';

/**
 * Two inputs of different types (connect): processElement1 for input 0, processElement2 for input 1 (Flink's
 * CoProcessOperator / KeyedCoProcessOperator). Keyed when both inputs come through keyBy: then state and timers work.
 * The watermark is the minimum of both inputs.
 */
export class CoProcessOperator extends KeyedStreamOperator<unknown, string> {
  private ts = NO_TIMESTAMP;
  private domain: 'EVENT_TIME' | 'PROCESSING_TIME' = 'EVENT_TIME';
  private readonly out: Collector<unknown>;
  private readonly context: OnTimerContext<unknown>;

  constructor(
    private readonly fn: KeyedCoProcessFunction<unknown, unknown, unknown, unknown> | CoProcessFunction<unknown, unknown, unknown>,
    private readonly keyed: boolean,
  ) {
    super();
    if (typeof fn?.processElement1 !== 'function' || typeof fn?.processElement2 !== 'function') {
      throw new Error('a CoProcessFunction needs processElement1 and processElement2');
    }
    this.out = { collect: (v) => this.output.collect(v, this.ts) };
    const needKey = () => {
      if (!this.keyed) throw new Error('timers need keyed streams: connect(...).keyBy(key1, key2).process(...)');
    };
    const timers = userTimerService(this, needKey);
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
    if (this.keyed) this.setKeyContextElement(value, input);
    if (input === 0) this.fn.processElement1(value, this.context, this.out);
    else this.fn.processElement2(value, this.context, this.out);
  }

  /** A batch of one input in one loop; timestamps go straight into the `ts` field, unboxed (see AlignedWindows.at). */
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
    this.ts = timer.timestamp;
    this.domain = 'EVENT_TIME';
    this.fn.onTimer?.(timer.timestamp, this.context, this.out);
  }

  onProcessingTime(timer: Timer<string>): void {
    this.ts = NO_TIMESTAMP;
    this.domain = 'PROCESSING_TIME';
    this.fn.onTimer?.(timer.timestamp, this.context, this.out);
  }

  override close(): void {
    this.fn.close?.();
    super.close();
  }
}
