import { EventTimeTrigger } from '../triggers/EventTimeTrigger.js';
import { ProcessingTimeTrigger } from '../triggers/ProcessingTimeTrigger.js';
import type { Trigger } from '../triggers/Trigger.js';
import { TimeWindow } from '../Window.js';
import { checkTimestamp, WindowAssigner, type WindowAssignerContext, type WindowAssignerSpec } from './WindowAssigner.js';

function check(size: number, slide: number, offset: number): void {
  if (!(size > 0) || !(slide > 0)) throw new Error(`sliding windows need size > 0 and slide > 0, got size ${size}, slide ${slide}`);
  if (Math.abs(offset) >= slide) throw new Error(`sliding windows need |offset| < slide, got offset ${offset}, slide ${slide}`);
}

/**
 * Every window of `size` that starts at a multiple of `slide` (+offset) and contains the timestamp. All timestamps of one
 * slide get the same windows when size is a multiple of slide, so the last list is reused (windows are immutable).
 */
class SlidingWindowCache {
  private lastStart = Number.NaN;
  private last: TimeWindow[] = [];
  constructor(
    private readonly size: number,
    private readonly slide: number,
    private readonly offset: number,
  ) {}
  windows(timestamp: number): TimeWindow[] {
    const lastStart = TimeWindow.getWindowStartWithOffset(timestamp, this.offset, this.slide);
    if (lastStart === this.lastStart && this.size % this.slide === 0) return this.last;
    const out: TimeWindow[] = [];
    for (let start = lastStart; start > timestamp - this.size; start -= this.slide) out.push(new TimeWindow(start, start + this.size));
    this.lastStart = lastStart;
    this.last = out;
    return out;
  }
}

export class SlidingEventTimeWindows extends WindowAssigner<TimeWindow> {
  private readonly cache: SlidingWindowCache;
  private constructor(readonly size: number, readonly slide: number, readonly offset: number) {
    super();
    check(size, slide, offset);
    this.cache = new SlidingWindowCache(size, slide, offset);
  }
  static of(size: number, slide: number, offset = 0): SlidingEventTimeWindows {
    return new SlidingEventTimeWindows(size, slide, offset);
  }
  assignWindows(_e: unknown, timestamp: number): TimeWindow[] {
    checkTimestamp(timestamp, 'SlidingEventTimeWindows');
    return this.cache.windows(timestamp);
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
  private readonly cache: SlidingWindowCache;
  private constructor(readonly size: number, readonly slide: number, readonly offset: number) {
    super();
    check(size, slide, offset);
    this.cache = new SlidingWindowCache(size, slide, offset);
  }
  static of(size: number, slide: number, offset = 0): SlidingProcessingTimeWindows {
    return new SlidingProcessingTimeWindows(size, slide, offset);
  }
  assignWindows(_e: unknown, _ts: number, ctx: WindowAssignerContext): TimeWindow[] {
    return this.cache.windows(ctx.getCurrentProcessingTime());
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
