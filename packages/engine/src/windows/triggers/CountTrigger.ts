import { ReducingStateDescriptor, type ReducingStateLike } from '../../state/StateDescriptor.js';
import type { Window } from '../Window.js';
import { Trigger, TriggerResult, type OnMergeContext, type TriggerContext, type TriggerSpec } from './Trigger.js';

/** Fires once the window holds `maxCount` elements since the last firing (Flink's CountTrigger); never purges by itself. */
export class CountTrigger extends Trigger<Window> {
  private readonly stateDesc = new ReducingStateDescriptor<number>('count', (a, b) => a + b);
  private constructor(readonly maxCount: number) {
    super();
    if (!(maxCount > 0)) throw new Error('CountTrigger needs maxCount > 0');
  }
  static of(maxCount: number): CountTrigger {
    return new CountTrigger(maxCount);
  }
  onElement(_e: unknown, _ts: number, _w: Window, ctx: TriggerContext): TriggerResult {
    const count = ctx.getPartitionedState(this.stateDesc) as ReducingStateLike<number>;
    count.add(1);
    if (count.get()! >= this.maxCount) {
      count.clear();
      return TriggerResult.FIRE;
    }
    return TriggerResult.CONTINUE;
  }
  onEventTime(): TriggerResult {
    return TriggerResult.CONTINUE;
  }
  onProcessingTime(): TriggerResult {
    return TriggerResult.CONTINUE;
  }
  override canMerge(): boolean {
    return true;
  }
  override onMerge(_w: Window, ctx: OnMergeContext): void {
    ctx.mergePartitionedState(this.stateDesc);
  }
  clear(_w: Window, ctx: TriggerContext): void {
    (ctx.getPartitionedState(this.stateDesc) as ReducingStateLike<number>).clear();
  }
  toSpec(): TriggerSpec {
    return { kind: 'count', maxCount: this.maxCount };
  }
}
