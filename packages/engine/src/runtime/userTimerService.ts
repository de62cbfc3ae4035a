import type { TimerService } from '../api/functions.js';
import { VOID_NAMESPACE } from '../state/KeyedStateBackend.js';
import type { KeyedStreamOperator } from './KeyedStreamOperator.js';

/** The TimerService a process function sees: timers of the current key, in the void namespace. */
export function userTimerService(op: KeyedStreamOperator<unknown, string>, guard: () => void = () => {}): TimerService {
  return {
    currentProcessingTime: () => op.ctx.processingTimeService.getCurrentProcessingTime(),
    currentWatermark: () => op.currentWatermark,
    registerEventTimeTimer: (t) => (guard(), op.timerService.registerEventTimeTimer(VOID_NAMESPACE, t)),
    registerProcessingTimeTimer: (t) => (guard(), op.timerService.registerProcessingTimeTimer(VOID_NAMESPACE, t)),
    deleteEventTimeTimer: (t) => (guard(), op.timerService.deleteEventTimeTimer(VOID_NAMESPACE, t)),
    deleteProcessingTimeTimer: (t) => (guard(), op.timerService.deleteProcessingTimeTimer(VOID_NAMESPACE, t)),
  };
}
