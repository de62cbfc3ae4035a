import type { Window } from '../Window.js';
import { ContinuousTrigger } from './ContinuousTrigger.js';
import { TriggerResult, type TriggerContext, type TriggerSpec } from './Trigger.js';

/** Fires every `interval` of event time, and at the window's end (Flink's ContinuousEventTimeTrigger). */
export class ContinuousEventTimeTrigger extends ContinuousTrigger {
  private constructor(interval: number) {
    super(interval, 'ContinuousEventTimeTrigger');
  }
  static of(interval: number): ContinuousEventTimeTrigger {
    return new ContinuousEventTimeTrigger(interval);
  }
  protected registerTimer(ctx: TriggerContext, time: number): void {
    ctx.registerEventTimeTimer(time);
  }
  protected deleteTimer(ctx: TriggerContext, time: number): void {
    ctx.deleteEventTimeTimer(time);
  }
  onElement(_e: unknown, timestamp: number, w: Window, ctx: TriggerContext): TriggerResult {
    // The watermark is already past the window: fire at once.
    if (w.maxTimestamp() <= ctx.getCurrentWatermark()) return TriggerResult.FIRE;
    ctx.registerEventTimeTimer(w.maxTimestamp());
    this.startIfNew(w, ctx, () => timestamp);
    return TriggerResult.CONTINUE;
  }
  onEventTime(time: number, w: Window, ctx: TriggerContext): TriggerResult {
    if (time === w.maxTimestamp()) return TriggerResult.FIRE;
    return this.onFireTimer(time, w, ctx);
  }
  onProcessingTime(): TriggerResult {
    return TriggerResult.CONTINUE;
  }
  toSpec(): TriggerSpec {
    return { kind: 'continuousEventTime', interval: this.interval };
  }
}
