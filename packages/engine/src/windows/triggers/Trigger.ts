import type { StateDescriptor } from '../../state/StateDescriptor.js';
import type { Window } from '../Window.js';

/** What a trigger decides (Flink's TriggerResult). */
export const TriggerResult = {
  CONTINUE: 0,
  FIRE: 1,
  PURGE: 2,
  FIRE_AND_PURGE: 3,
} as const;
export type TriggerResult = (typeof TriggerResult)[keyof typeof TriggerResult];
export const isFire = (r: TriggerResult): boolean => (r & 1) !== 0;
export const isPurge = (r: TriggerResult): boolean => (r & 2) !== 0;

export interface TriggerContext {
  getCurrentProcessingTime(): number;
  getCurrentWatermark(): number;
  registerProcessingTimeTimer(time: number): void;
  registerEventTimeTimer(time: number): void;
  deleteProcessingTimeTimer(time: number): void;
  deleteEventTimeTimer(time: number): void;
  /** State scoped to the current key and window. */
  getPartitionedState<S>(descriptor: StateDescriptor<S>): S;
}

export interface OnMergeContext extends TriggerContext {
  mergePartitionedState(descriptor: StateDescriptor): void;
}

/** Serializable description of a trigger, stored in the pipeline graph. */
export type TriggerSpec =
  | { kind: 'eventTime' }
  | { kind: 'processingTime' }
  | { kind: 'count'; maxCount: number }
  | { kind: 'purging'; nested: TriggerSpec }
  | { kind: 'continuousEventTime'; interval: number }
  | { kind: 'continuousProcessingTime'; interval: number }
  | { kind: 'never' };

/** Decides when a window fires and purges (Flink's Trigger). */
export abstract class Trigger<W extends Window = Window> {
  abstract onElement(element: unknown, timestamp: number, window: W, ctx: TriggerContext): TriggerResult;
  abstract onProcessingTime(time: number, window: W, ctx: TriggerContext): TriggerResult;
  abstract onEventTime(time: number, window: W, ctx: TriggerContext): TriggerResult;
  canMerge(): boolean {
    return false;
  }
  onMerge(_window: W, _ctx: OnMergeContext): void {
    throw new Error(`${this.constructor.name} does not support merging windows`);
  }
  abstract clear(window: W, ctx: TriggerContext): void;
  abstract toSpec(): TriggerSpec;
}
