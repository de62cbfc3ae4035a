import type { Window } from '../Window.js';
import { isFire, Trigger, TriggerResult, type OnMergeContext, type TriggerContext, type TriggerSpec } from './Trigger.js';

/** Turns every FIRE of the nested trigger into FIRE_AND_PURGE (Flink's PurgingTrigger). */
export class PurgingTrigger extends Trigger<Window> {
  private constructor(readonly nested: Trigger<Window>) {
    super();
  }
  static of<W extends Window>(nested: Trigger<W>): PurgingTrigger {
    return new PurgingTrigger(nested as unknown as Trigger<Window>);
  }
  private purging(r: TriggerResult): TriggerResult {
    return isFire(r) ? TriggerResult.FIRE_AND_PURGE : r;
  }
  onElement(e: unknown, ts: number, w: Window, ctx: TriggerContext): TriggerResult {
    return this.purging(this.nested.onElement(e, ts, w, ctx));
  }
  onEventTime(time: number, w: Window, ctx: TriggerContext): TriggerResult {
    return this.purging(this.nested.onEventTime(time, w, ctx));
  }
  onProcessingTime(time: number, w: Window, ctx: TriggerContext): TriggerResult {
    return this.purging(this.nested.onProcessingTime(time, w, ctx));
  }
  override canMerge(): boolean {
    return this.nested.canMerge();
  }
  override onMerge(w: Window, ctx: OnMergeContext): void {
    this.nested.onMerge(w, ctx);
  }
  clear(w: Window, ctx: TriggerContext): void {
    this.nested.clear(w, ctx);
  }
  toSpec(): TriggerSpec {
    return { kind: 'purging', nested: this.nested.toSpec() };
  }
}
