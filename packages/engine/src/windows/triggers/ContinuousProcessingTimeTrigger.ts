import { ReducingStateDescriptor, type ReducingStateLike } from '../../state/StateDescriptor.js';
import type { Window } from '../Window.js';
import { Trigger, TriggerResult, type OnMergeContext, type TriggerContext, type TriggerSpec } from './Trigger.js';

/** Fires every `interval` of processing time (Flink's ContinuousProcessingTimeTrigger). */
export class ContinuousProcessingTimeTrigger extends Trigger<Window> {
  private readonly stateDesc = new ReducingStateDescriptor<number>('fire-time', (a, b) => Math.min(a, b));
  private constructor(readonly interval: number) {
    super();
    if (!(interval > 0)) throw new Error('ContinuousProcessingTimeTrigger needs an interval > 0');
  }
  static of(interval: number): ContinuousProcessingTimeTrigger {
    return new ContinuousProcessingTimeTrigger(interval);
  }
  private fireTime(ctx: TriggerContext): ReducingStateLike<number> {
    return ctx.getPartitionedState(this.stateDesc) as ReducingStateLike<number>;
  }
  private registerNext(time: number, w: Window, ctx: TriggerContext, state: ReducingStateLike<number>): void {
    const next = Math.min(time + this.interval, w.maxTimestamp());
    state.add(next);
    ctx.registerProcessingTimeTimer(next);
  }
  onElement(_e: unknown, _ts: number, w: Window, ctx: TriggerContext): TriggerResult {
    const state = this.fireTime(ctx);
    if (state.get() === undefined) {
      const now = ctx.getCurrentProcessingTime();
      this.registerNext(now - (now % this.interval), w, ctx, state);
    }
    return TriggerResult.CONTINUE;
  }
  onEventTime(): TriggerResult {
    return TriggerResult.CONTINUE;
  }
  onProcessingTime(time: number, w: Window, ctx: TriggerContext): TriggerResult {
    const state = this.fireTime(ctx);
    if (state.get() === time) {
      state.clear();
      this.registerNext(time, w, ctx, state);
      return TriggerResult.FIRE;
    }
    return TriggerResult.CONTINUE;
  }
  override canMerge(): boolean {
    return true;
  }
  override onMerge(_w: Window, ctx: OnMergeContext): void {
    ctx.mergePartitionedState(this.stateDesc);
    const next = this.fireTime(ctx).get();
    if (next !== undefined) ctx.registerProcessingTimeTimer(next);
  }
  clear(_w: Window, ctx: TriggerContext): void {
    const state = this.fireTime(ctx);
    const t = state.get();
    if (t !== undefined) {
      ctx.deleteProcessingTimeTimer(t);
      state.clear();
    }
  }
  toSpec(): TriggerSpec {
    return { kind: 'continuousProcessingTime', interval: this.interval };
  }
}
