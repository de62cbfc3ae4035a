import { EventTimeTrigger } from '../triggers/EventTimeTrigger.js';
import { ProcessingTimeTrigger } from '../triggers/ProcessingTimeTrigger.js';
import type { Trigger } from '../triggers/Trigger.js';
import { TimeWindow } from '../Window.js';
import { checkTimestamp, WindowAssigner, type WindowAssignerContext, type WindowAssignerSpec } from './WindowAssigner.js';

function check(size: number, slide: number, offset: number): void {
  if (!(size > 0) || !(slide > 0)) throw new Error(`sliding windows need size > 0 and slide > 0, got size ${size}, slide ${slide}`);
  if (Math.abs(offset) >= slide) throw new Error(`sliding windows need |offset| < slide, got offset ${offset}, slide ${slide}`);
}

/** Every window of `size` that starts at a multiple of `slide` (+offset) and contains the timestamp. */
function slidingWindows(timestamp: number, size: number, slide: number, offset: number): TimeWindow[] {
  const out: TimeWindow[] = [];
  const lastStart = TimeWindow.getWindowStartWithOffset(timestamp, offset, slide);
  for (let start = lastStart; start > timestamp - size; start -= slide) out.push(new TimeWindow(start, start + size));
  return out;
}

export class SlidingEventTimeWindows extends WindowAssigner<TimeWindow> {
  private constructor(readonly size: number, readonly slide: number, readonly offset: number) {
    super();
    check(size, slide, offset);
  }
  static of(size: number, slide: number, offset = 0): SlidingEventTimeWindows {
    return new SlidingEventTimeWindows(size, slide, offset);
  }
  assignWindows(_e: unknown, timestamp: number): TimeWindow[] {
    checkTimestamp(timestamp, 'SlidingEventTimeWindows');
    return slidingWindows(timestamp, this.size, this.slide, this.offset);
  }
  getDefaultTrigger(): Trigger<TimeWindow> {
    return EventTimeTrigger.create();
  }
  isEventTime(): boolean {
    return true;
  }
  toSpec(): WindowAssignerSpec {
    return { kind: 'sliding', time: 'event', size: this.size, slide: this.slide, offset: this.offset };
  }
}

export class SlidingProcessingTimeWindows extends WindowAssigner<TimeWindow> {
  private constructor(readonly size: number, readonly slide: number, readonly offset: number) {
    super();
    check(size, slide, offset);
  }
  static of(size: number, slide: number, offset = 0): SlidingProcessingTimeWindows {
    return new SlidingProcessingTimeWindows(size, slide, offset);
  }
  assignWindows(_e: unknown, _ts: number, ctx: WindowAssignerContext): TimeWindow[] {
    return slidingWindows(ctx.getCurrentProcessingTime(), this.size, this.slide, this.offset);
  }
  getDefaultTrigger(): Trigger<TimeWindow> {
    return ProcessingTimeTrigger.create();
  }
  isEventTime(): boolean {
    return false;
  }
  toSpec(): WindowAssignerSpec {
    return { kind: 'sliding', time: 'processing', size: this.size, slide: this.slide, offset: this.offset };
  }
}
