import type { Collector, ProcessContext, ProcessFunction, TimerService } from '../../api/functions.js';
import { NO_TIMESTAMP } from '../../time/Watermark.js';
import { StreamOperator } from '../StreamOperator.js';

/** Runs a ProcessFunction on a non-keyed stream (Flink's ProcessOperator): no keyed state, no timers. */
export class ProcessOperator extends StreamOperator {
  private ts = NO_TIMESTAMP;
  private readonly out: Collector<unknown>;
  private readonly context: ProcessContext;

  constructor(private readonly fn: ProcessFunction<unknown, unknown>) {
    super();
    if (typeof fn?.processElement !== 'function') throw new Error('a ProcessFunction needs processElement(value, ctx, out)');
    this.out = { collect: (v) => this.output.collect(v, this.ts) };
    const noTimers = (): never => {
      throw new Error('timers need a keyed stream: use keyBy(...).process(KeyedProcessFunction)');
    };
    const timers: TimerService = {
      currentProcessingTime: () => this.ctx.processingTimeService.getCurrentProcessingTime(),
      currentWatermark: () => this.currentWatermark,
      registerEventTimeTimer: noTimers,
      registerProcessingTimeTimer: noTimers,
      deleteEventTimeTimer: noTimers,
      deleteProcessingTimeTimer: noTimers,
    };
    this.context = {
      timestamp: () => (this.ts === NO_TIMESTAMP ? undefined : this.ts),
      timerService: () => timers,
      output: (tag, value) => this.output.collectSide(tag.id, value, this.ts),
    };
  }

  override open(): void {
    this.fn.open?.({
      getState: () => {
        throw new Error('keyed state needs a keyed stream: use keyBy(...) first');
      },
      getTaskName: () => this.ctx.name,
      getIndexOfThisSubtask: () => this.ctx.subtaskIndex,
      getNumberOfParallelSubtasks: () => this.ctx.parallelism,
    });
  }

  processElement(value: unknown, timestamp: number): void {
    this.ts = timestamp;
    this.fn.processElement(value, this.context, this.out);
  }

  override close(): void {
    this.fn.close?.();
  }
}
