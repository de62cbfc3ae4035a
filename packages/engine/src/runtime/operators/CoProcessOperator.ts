import type { CoProcessFunction, KeyedCoProcessFunction } from '../../api/functions.js';
import { ProcessFunctionOperator, type ProcessFunctionLifecycle } from './ProcessFunctionOperator.js';

/**
 * Two inputs of different types (connect): processElement1 for input 0, processElement2 for input 1 (Flink's
 * CoProcessOperator / KeyedCoProcessOperator). Keyed when both inputs come through keyBy: then state and timers work.
 * The watermark is the minimum of both inputs.
 */
export class CoProcessOperator extends ProcessFunctionOperator {
  constructor(
    private readonly fn: KeyedCoProcessFunction<unknown, unknown, unknown, unknown> | CoProcessFunction<unknown, unknown, unknown>,
    private readonly keyed: boolean,
  ) {
    if (typeof fn?.processElement1 !== 'function' || typeof fn?.processElement2 !== 'function') {
      throw new Error('a CoProcessFunction needs processElement1 and processElement2');
    }
    super(fn as ProcessFunctionLifecycle, () => {
      if (!keyed) throw new Error('timers need keyed streams: connect(...).keyBy(key1, key2).process(...)');
    });
  }

  /**
   * A function with `outputWatermarkDelay` (SQL's interval join) emits records up to that many ms behind the input
   * watermark: the watermark it forwards is held back by as much (Flink's KeyedCoProcessOperatorWithWatermarkDelay),
   * after its timers fired, so those records are not late downstream.
   */
  override processWatermark(watermark: number): void {
    const delay = (this.fn as { outputWatermarkDelay?: number }).outputWatermarkDelay;
    if (!this.keyed || !delay || !Number.isFinite(watermark)) return super.processWatermark(watermark);
    this.timerService.advanceWatermark(watermark);
    this.output.emitWatermark(watermark - delay);
  }

  protected process(value: unknown, input: number): void {
    if (this.keyed) this.setKeyContextElement(value, input);
    if (input === 0) this.fn.processElement1(value, this.context, this.out);
    else this.fn.processElement2(value, this.context, this.out);
  }
}
