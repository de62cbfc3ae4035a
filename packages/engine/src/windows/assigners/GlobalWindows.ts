import { NeverTrigger } from '../triggers/NeverTrigger.js';
import type { Trigger } from '../triggers/Trigger.js';
import { GlobalWindow } from '../Window.js';
import { WindowAssigner, type WindowAssignerSpec } from './WindowAssigner.js';

/** One window per key that never fires by default: pair it with a trigger such as CountTrigger. */
export class GlobalWindows extends WindowAssigner<GlobalWindow> {
  static create(): GlobalWindows {
    return new GlobalWindows();
  }
  assignWindows(): GlobalWindow[] {
    return [GlobalWindow.INSTANCE];
  }
  getDefaultTrigger(): Trigger<GlobalWindow> {
    return NeverTrigger.create();
  }
  isEventTime(): boolean {
    return false;
  }
  toSpec(): WindowAssignerSpec {
    return { kind: 'global' };
  }
}
