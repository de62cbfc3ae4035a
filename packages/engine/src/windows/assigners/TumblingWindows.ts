import { EventTimeTrigger } from '../triggers/EventTimeTrigger.js';
import { ProcessingTimeTrigger } from '../triggers/ProcessingTimeTrigger.js';
import type { Trigger } from '../triggers/Trigger.js';
import { TimeWindow } from '../Window.js';
import { checkTimestamp, WindowAssigner, type WindowAssignerContext, type WindowAssignerSpec } from './WindowAssigner.js';

function checkSize(size: number, offset: number): void {
  if (!(size > 0)) throw new Error(`tumbling windows need size > 0, got ${size}`);
  if (Math.abs(offset) >= size) throw new Error(`tumbling windows need |offset| < size, got offset ${offset}, size ${size}`);
}

/** Fixed-size, non-overlapping windows by event time: [start, start + size). */
export class TumblingEventTimeWindows extends WindowAssigner<TimeWindow> {
  /** Consecutive elements mostly fall in the same window: reuse it (windows are immutable values). */
  private last: TimeWindow[] = [];
  private constructor(readonly size: number, readonly offset: number) {
    super();
    checkSize(size, offset);
  }
  static of(size: number, offset = 0): TumblingEventTimeWindows {
    return new TumblingEventTimeWindows(size, offset);
  }
  assignWindows(_e: unknown, timestamp: number): TimeWindow[] {
    checkTimestamp(timestamp, 'TumblingEventTimeWindows');
    const start = TimeWindow.getWindowStartWithOffset(timestamp, this.offset, this.size);
    if (this.last[0]?.start !== start) this.last = [new TimeWindow(start, start + this.size)];
    return this.last;
  }
  getDefaultTrigger(): Trigger<TimeWindow> {
    return EventTimeTrigger.create();
  }
  isEventTime(): boolean {
    return true;
  }
  toSpec(): WindowAssignerSpec {
    return { kind: 'tumbling', time: 'event', size: this.size, offset: this.offset };
  }
}

/** Fixed-size, non-overlapping windows by the machine's clock. */
export class TumblingProcessingTimeWindows extends WindowAssigner<TimeWindow> {
  private last: TimeWindow[] = [];
  private constructor(readonly size: number, readonly offset: number) {
    super();
    checkSize(size, offset);
  }
  static of(size: number, offset = 0): TumblingProcessingTimeWindows {
    return new TumblingProcessingTimeWindows(size, offset);
  }
  assignWindows(_e: unknown, _ts: number, ctx: WindowAssignerContext): TimeWindow[] {
    const now = ctx.getCurrentProcessingTime();
    const start = TimeWindow.getWindowStartWithOffset(now, this.offset, this.size);
    if (this.last[0]?.start !== start) this.last = [new TimeWindow(start, start + this.size)];
    return this.last;
  }
  getDefaultTrigger(): Trigger<TimeWindow> {
    return ProcessingTimeTrigger.create();
  }
  isEventTime(): boolean {
    return false;
  }
  toSpec(): WindowAssignerSpec {
    return { kind: 'tumbling', time: 'processing', size: this.size, offset: this.offset };
  }
}
