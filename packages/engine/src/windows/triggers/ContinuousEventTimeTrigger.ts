import { ReducingStateDescriptor, type ReducingStateLike } from '../../state/StateDescriptor.js';
import type { Window } from '../Window.js';
import { Trigger, TriggerResult, type OnMergeContext, type TriggerContext, type TriggerSpec } from './Trigger.js';

/** Fires every `interval` of event time, and at the window's end (Flink's ContinuousEventTimeTrigger). */
export class ContinuousEventTimeTrigger extends Trigger<Window> {
  private readonly stateDesc = new ReducingStateDescriptor<number>('fire-time', (a, b) => Math.min(a, b));
  private constructor(readonly interval: number) {
    super();
    if (!(interval > 0)) throw new Error('ContinuousEventTimeTrigger needs an interval > 0');
  }
  static of(interval: number): ContinuousEventTimeTrigger {
    return new ContinuousEventTimeTrigger(interval);
  }
  private fireTime(ctx: TriggerContext): ReducingStateLike<number> {
    return ctx.getPartitionedState(this.stateDesc) as ReducingStateLike<number>;
  }
  private registerNext(time: number, w: Window, ctx: TriggerContext, state: ReducingStateLike<number>): void {
    const next = Math.min(time + this.interval, w.maxTimestamp());
    state.add(next);
    ctx.registerEventTimeTimer(next);
  }
  onElement(_e: unknown, timestamp: number, w: Window, ctx: TriggerContext): TriggerResult {
    // The watermark is already past the window: fire at once.
    if (w.maxTimestamp() <= ctx.getCurrentWatermark()) return TriggerResult.FIRE;
    ctx.registerEventTimeTimer(w.maxTimestamp());
    const state = this.fireTime(ctx);
    // As in Flink: timestamp - (timestamp % interval), which truncates toward zero for negative timestamps.
    if (state.get() === undefined) this.registerNext(timestamp - (timestamp % this.interval), w, ctx, state);
    return TriggerResult.CONTINUE;
  }
  onEventTime(time: number, w: Window, ctx: TriggerContext): TriggerResult {
    if (time === w.maxTimestamp()) return TriggerResult.FIRE;
    const state = this.fireTime(ctx);
    if (state.get() === time) {
      state.clear();
      this.registerNext(time, w, ctx, state);
      return TriggerResult.FIRE;
    }
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
    const next = this.fireTime(ctx).get();
    if (next !== undefined) ctx.registerEventTimeTimer(next);
  }
  clear(_w: Window, ctx: TriggerContext): void {
    const state = this.fireTime(ctx);
    const t = state.get();
    if (t !== undefined) {
      ctx.deleteEventTimeTimer(t);
      state.clear();
    }
  }
  toSpec(): TriggerSpec {
    return { kind: 'continuousEventTime', interval: this.interval };
  }
}
