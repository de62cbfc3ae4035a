import type { Window } from '../Window.js';
import { Trigger, TriggerResult, type TriggerSpec } from './Trigger.js';

/** The default trigger of GlobalWindows: never fires (use CountTrigger or a custom trigger). */
export class NeverTrigger extends Trigger<Window> {
  static create(): NeverTrigger {
    return new NeverTrigger();
  }
  onElement(): TriggerResult {
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
  override onMerge(): void {}
  clear(): void {}
  toSpec(): TriggerSpec {
    return { kind: 'never' };
  }
}
