import { SlidingEventTimeWindows, SlidingProcessingTimeWindows } from './assigners/SlidingWindows.js';
import { EventTimeSessionWindows, ProcessingTimeSessionWindows } from './assigners/SessionWindows.js';
import { GlobalWindows } from './assigners/GlobalWindows.js';
import { TumblingEventTimeWindows, TumblingProcessingTimeWindows } from './assigners/TumblingWindows.js';
import type { WindowAssigner, WindowAssignerSpec } from './assigners/WindowAssigner.js';
import type { Evictor, EvictorSpec } from './evictors/Evictor.js';
import { EventTimeTrigger } from './triggers/EventTimeTrigger.js';
import { NeverTrigger } from './triggers/NeverTrigger.js';
import { ProcessingTimeTrigger } from './triggers/ProcessingTimeTrigger.js';
import type { Trigger, TriggerSpec } from './triggers/Trigger.js';
import { CountTrigger } from './triggers/CountTrigger.js';
import { PurgingTrigger } from './triggers/PurgingTrigger.js';
import { ContinuousEventTimeTrigger } from './triggers/ContinuousEventTimeTrigger.js';
import { ContinuousProcessingTimeTrigger } from './triggers/ContinuousProcessingTimeTrigger.js';
import { CountEvictor } from './evictors/CountEvictor.js';
import { TimeEvictor } from './evictors/TimeEvictor.js';
import { DeltaEvictor } from './evictors/DeltaEvictor.js';

/** Rebuilds a window assigner from its graph JSON. */
export function assignerFromSpec(raw: Record<string, unknown>): WindowAssigner {
  const s = raw as WindowAssignerSpec;
  const event = 'time' in s && s.time === 'event';
  switch (s.kind) {
    case 'tumbling':
      return event ? TumblingEventTimeWindows.of(s.size, s.offset ?? 0) : TumblingProcessingTimeWindows.of(s.size, s.offset ?? 0);
    case 'sliding':
      return event ? SlidingEventTimeWindows.of(s.size, s.slide, s.offset ?? 0) : SlidingProcessingTimeWindows.of(s.size, s.slide, s.offset ?? 0);
    case 'session':
      return event ? EventTimeSessionWindows.withGap(s.gap) : ProcessingTimeSessionWindows.withGap(s.gap);
    case 'dynamicSession':
      return event ? EventTimeSessionWindows.fromSpec(s) : ProcessingTimeSessionWindows.fromSpec(s);
    case 'global':
      return GlobalWindows.create();
    default:
      throw new Error(`unknown window assigner kind ${JSON.stringify((raw as { kind?: unknown }).kind)}`);
  }
}

/** Rebuilds a trigger from its graph JSON. */
export function triggerFromSpec(raw: Record<string, unknown>): Trigger {
  const s = raw as TriggerSpec;
  switch (s.kind) {
    case 'eventTime':
      return EventTimeTrigger.create();
    case 'processingTime':
      return ProcessingTimeTrigger.create();
    case 'never':
      return NeverTrigger.create();
    case 'count':
      return CountTrigger.of(s.maxCount);
    case 'purging':
      return PurgingTrigger.of(triggerFromSpec(s.nested as unknown as Record<string, unknown>));
    case 'continuousEventTime':
      return ContinuousEventTimeTrigger.of(s.interval);
    case 'continuousProcessingTime':
      return ContinuousProcessingTimeTrigger.of(s.interval);
    default:
      throw new Error(`unknown trigger kind ${JSON.stringify((raw as { kind?: unknown }).kind)}`);
  }
}

/** Rebuilds an evictor from its graph JSON. */
export function evictorFromSpec(raw: Record<string, unknown>): Evictor {
  const s = raw as EvictorSpec;
  switch (s.kind) {
    case 'count':
      return CountEvictor.of(s.maxCount, s.doEvictAfter ?? false);
    case 'time':
      return TimeEvictor.of(s.windowSize, s.doEvictAfter ?? false);
    case 'delta':
      return DeltaEvictor.fromSpec(s.threshold, s.deltaFunction, s.doEvictAfter ?? false);
    default:
      throw new Error(`unknown evictor kind ${JSON.stringify((raw as { kind?: unknown }).kind)}`);
  }
}
