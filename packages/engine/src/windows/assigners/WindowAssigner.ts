import type { FnSpec } from '../../graph/PipelineGraph.js';
import type { Trigger } from '../triggers/Trigger.js';
import type { TimeWindow, Window } from '../Window.js';

export interface WindowAssignerContext {
  getCurrentProcessingTime(): number;
}

/** Serializable description of a window assigner, stored in the pipeline graph. */
export type WindowAssignerSpec =
  | { kind: 'tumbling'; time: 'event' | 'processing'; size: number; offset?: number }
  | { kind: 'sliding'; time: 'event' | 'processing'; size: number; slide: number; offset?: number }
  | { kind: 'session'; time: 'event' | 'processing'; gap: number }
  | { kind: 'dynamicSession'; time: 'event' | 'processing'; gapExtractor: FnSpec }
  | { kind: 'global' };

/** Assigns each element to zero or more windows (Flink's WindowAssigner). */
export abstract class WindowAssigner<W extends Window = Window> {
  abstract assignWindows(element: unknown, timestamp: number, ctx: WindowAssignerContext): W[];
  abstract getDefaultTrigger(): Trigger<W>;
  abstract isEventTime(): boolean;
  abstract toSpec(): WindowAssignerSpec;
  isMerging(): this is MergingWindowAssigner {
    return false;
  }
}

/** Assigners whose windows merge, such as session windows. */
export abstract class MergingWindowAssigner extends WindowAssigner<TimeWindow> {
  abstract mergeWindows(windows: TimeWindow[], merge: (toBeMerged: TimeWindow[], result: TimeWindow) => void): void;
  override isMerging(): this is MergingWindowAssigner {
    return true;
  }
}

export function checkTimestamp(timestamp: number, assigner: string): void {
  if (timestamp === Number.NEGATIVE_INFINITY || Number.isNaN(timestamp)) {
    throw new Error(
      `${assigner}: record has no timestamp. Is the time characteristic set to 'ProcessingTime', or did you forget to call ` +
        `assignTimestampsAndWatermarks(...) / pass a WatermarkStrategy with a timestamp assigner to fromSource?`,
    );
  }
}
