import type { Collector, OnTimerContext, RuntimeContext } from '../../api/functions.js';
import type { Timer } from '../../time/TimerQueue.js';
import { NO_TIMESTAMP } from '../../time/Watermark.js';
import { KeyedStreamOperator } from '../KeyedStreamOperator.js';
import { userTimerService } from '../userTimerService.js';

/** What the operator needs of a (keyed, co-)process function besides its processElement methods. */
export interface ProcessFunctionLifecycle {
  open?(ctx: RuntimeContext): void;
  close?(): void;
  onTimer?(timestamp: number, ctx: OnTimerContext<unknown>, out: Collector<unknown>): void;
}

/**
 * The part of KeyedProcessOperator and CoProcessOperator that is the same: the context and collector handed to the
 * user's function (timestamp, timers, side outputs, current key, time domain), its open/close, onTimer for both clocks,
 * and the batch loop. Subclasses say how one record reaches the function (`process`).
 */
export abstract class ProcessFunctionOperator extends KeyedStreamOperator<unknown, string> {
  /** The current record's or timer's timestamp (NO_TIMESTAMP for none); a field, so a batch's doubles stay unboxed. */
  protected ts = NO_TIMESTAMP;
  private domain: 'EVENT_TIME' | 'PROCESSING_TIME' = 'EVENT_TIME';
  protected readonly out: Collector<unknown>;
  protected readonly context: OnTimerContext<unknown>;

  /** `needKey` runs before any timer call: it throws where timers cannot work (an unkeyed connect). */
  constructor(
    private readonly lifecycle: ProcessFunctionLifecycle,
    needKey?: () => void,
  ) {
    super();
    this.out = { collect: (v) => this.output.collect(v, this.ts) };
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
    this.lifecycle.open?.(this.runtimeContext());
  }

  /** One record, its timestamp already in `ts`. */
  protected abstract process(value: unknown, input: number): void;

  processElement(value: unknown, timestamp: number, input: number): void {
    this.ts = timestamp;
    this.process(value, input);
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
    this.lifecycle.onTimer?.(timer.timestamp, this.context, this.out);
  }

  override close(): void {
    this.lifecycle.close?.();
    super.close();
  }
}
