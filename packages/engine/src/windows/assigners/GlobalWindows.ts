import { EventTimeTrigger } from '../triggers/EventTimeTrigger.js';
import { NeverTrigger } from '../triggers/NeverTrigger.js';
import type { Trigger } from '../triggers/Trigger.js';
import { GlobalWindow } from '../Window.js';
import { WindowAssigner, type WindowAssignerSpec } from './WindowAssigner.js';

/** One window per key that never fires by default: pair it with a trigger such as CountTrigger. */
export class GlobalWindows extends WindowAssigner<GlobalWindow> {
  private constructor(
    /** Fires once, on the final +∞ watermark at the end of the input (createWithEndOfStreamTrigger). */
    readonly endOfStream = false,
  ) {
    super();
  }
  static create(): GlobalWindows {
    return new GlobalWindows();
  }
  /**
   * Flink's GlobalWindows.createWithEndOfStreamTrigger(): the window fires once when the input ends. Its trigger is an
   * EventTimeTrigger on the window's end, +∞, which only the final watermark reaches.
   */
  static createWithEndOfStreamTrigger(): GlobalWindows {
    return new GlobalWindows(true);
  }
  assignWindows(): GlobalWindow[] {
    return [GlobalWindow.INSTANCE];
  }
  getDefaultTrigger(): Trigger<GlobalWindow> {
    return this.endOfStream ? EventTimeTrigger.create() : NeverTrigger.create();
  }
  isEventTime(): boolean {
    return false;
  }
  toSpec(): WindowAssignerSpec {
    return { kind: 'global' };
  }
}
