import { resolveFn, toFnSpec } from "../../graph/fn.js";
import type { FnSpec } from "../../graph/PipelineGraph.js";
import { EventTimeTrigger } from '../triggers/EventTimeTrigger.js';
import { ProcessingTimeTrigger } from '../triggers/ProcessingTimeTrigger.js';
import type { Trigger } from '../triggers/Trigger.js';
import { TimeWindow } from '../Window.js';
import { checkTimestamp, MergingWindowAssigner, type WindowAssignerContext, type WindowAssignerSpec } from './WindowAssigner.js';

/** Extracts a session gap (ms) from an element (Flink's SessionWindowTimeGapExtractor). */
export type SessionWindowTimeGapExtractor<T> = (element: T) => number;

abstract class SessionAssigner extends MergingWindowAssigner {
  constructor(private readonly eventTime: boolean) {
    super();
  }
  protected abstract gapOf(element: unknown): number;
  assignWindows(element: unknown, timestamp: number, ctx: WindowAssignerContext): TimeWindow[] {
    const ts = this.eventTime ? timestamp : ctx.getCurrentProcessingTime();
    if (this.eventTime) checkTimestamp(ts, 'EventTimeSessionWindows');
    const gap = this.gapOf(element);
    if (!(gap > 0)) throw new Error(`session windows need a gap > 0, got ${gap}`);
    return [new TimeWindow(ts, ts + gap)];
  }
  mergeWindows(windows: TimeWindow[], merge: (toBeMerged: TimeWindow[], result: TimeWindow) => void): void {
    TimeWindow.mergeWindows(windows, merge);
  }
  getDefaultTrigger(): Trigger<TimeWindow> {
    return this.eventTime ? EventTimeTrigger.create() : ProcessingTimeTrigger.create();
  }
  isEventTime(): boolean {
    return this.eventTime;
  }
}

/** Session windows with a fixed gap (the window fast path recognizes them). */
export class StaticGapSessionWindows extends SessionAssigner {
  constructor(readonly gap: number, eventTime: boolean) {
    super(eventTime);
    if (!(gap > 0)) throw new Error(`session windows need a gap > 0, got ${gap}`);
  }
  protected gapOf(): number {
    return this.gap;
  }
  toSpec(): WindowAssignerSpec {
    return { kind: 'session', time: this.isEventTime() ? 'event' : 'processing', gap: this.gap };
  }
}

class DynamicGapSessionWindows extends SessionAssigner {
  private readonly extractor: SessionWindowTimeGapExtractor<unknown>;
  constructor(readonly spec: FnSpec, eventTime: boolean) {
    super(eventTime);
    this.extractor = resolveFn(spec, 'session gap extractor');
  }
  protected gapOf(element: unknown): number {
    return this.extractor(element);
  }
  toSpec(): WindowAssignerSpec {
    return { kind: 'dynamicSession', time: this.isEventTime() ? 'event' : 'processing', gapExtractor: this.spec };
  }
}

export const EventTimeSessionWindows = {
  withGap: (gap: number): MergingWindowAssigner => new StaticGapSessionWindows(gap, true),
  withDynamicGap: <T>(extractor: SessionWindowTimeGapExtractor<T>): MergingWindowAssigner =>
    new DynamicGapSessionWindows(toFnSpec(extractor), true),
  fromSpec: (s: { gap?: number; gapExtractor?: FnSpec }): MergingWindowAssigner =>
    s.gapExtractor ? new DynamicGapSessionWindows(s.gapExtractor, true) : new StaticGapSessionWindows(s.gap!, true),
};

export const ProcessingTimeSessionWindows = {
  withGap: (gap: number): MergingWindowAssigner => new StaticGapSessionWindows(gap, false),
  withDynamicGap: <T>(extractor: SessionWindowTimeGapExtractor<T>): MergingWindowAssigner =>
    new DynamicGapSessionWindows(toFnSpec(extractor), false),
  fromSpec: (s: { gap?: number; gapExtractor?: FnSpec }): MergingWindowAssigner =>
    s.gapExtractor ? new DynamicGapSessionWindows(s.gapExtractor, false) : new StaticGapSessionWindows(s.gap!, false),
};
