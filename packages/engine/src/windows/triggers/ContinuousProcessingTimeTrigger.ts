import type { Window } from '../Window.js';
import { ContinuousTrigger } from './ContinuousTrigger.js';
import { TriggerResult, type TriggerContext, type TriggerSpec } from './Trigger.js';

/** Fires every `interval` of processing time (Flink's ContinuousProcessingTimeTrigger). */
export class ContinuousProcessingTimeTrigger extends ContinuousTrigger {
  private constructor(interval: number) {
    super(interval, 'ContinuousProcessingTimeTrigger');
  }
  static of(interval: number): ContinuousProcessingTimeTrigger {
    return new ContinuousProcessingTimeTrigger(interval);
  }
  protected registerTimer(ctx: TriggerContext, time: number): void {
    ctx.registerProcessingTimeTimer(time);
  }
  protected deleteTimer(ctx: TriggerContext, time: number): void {
    ctx.deleteProcessingTimeTimer(time);
  }
  onElement(_e: unknown, _ts: number, w: Window, ctx: TriggerContext): TriggerResult {
    this.startIfNew(w, ctx, () => ctx.getCurrentProcessingTime());
    return TriggerResult.CONTINUE;
  }
  onEventTime(): TriggerResult {
    return TriggerResult.CONTINUE;
  }
  onProcessingTime(time: number, w: Window, ctx: TriggerContext): TriggerResult {
    return this.onFireTimer(time, w, ctx);
  }
  toSpec(): TriggerSpec {
    return { kind: 'continuousProcessingTime', interval: this.interval };
  }
}
