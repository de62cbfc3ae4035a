import type { KeyedProcessFunction } from '../../api/functions.js';
import { ProcessFunctionOperator, type ProcessFunctionLifecycle } from './ProcessFunctionOperator.js';

/**
 * Runs a KeyedProcessFunction (Flink's KeyedProcessOperator): keyed state from open(ctx).getState, event- and
 * processing-time timers (one per key and timestamp), onTimer with the key set; timers never run during processElement.
 */
export class KeyedProcessOperator extends ProcessFunctionOperator {
  constructor(private readonly fn: KeyedProcessFunction<unknown, unknown, unknown>) {
    if (typeof fn?.processElement !== 'function') throw new Error('a KeyedProcessFunction needs processElement(value, ctx, out)');
    super(fn as ProcessFunctionLifecycle);
  }

  protected process(value: unknown, input: number): void {
    this.setKeyContextElement(value, input);
    this.fn.processElement(value, this.context, this.out);
  }
}
