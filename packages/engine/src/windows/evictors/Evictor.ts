import type { Window } from '../Window.js';

/** An element in an evicting window, with its timestamp (Flink's TimestampedValue). */
export interface TimestampedValue<T = unknown> {
  value: T;
  timestamp: number;
}

export interface EvictorContext {
  getCurrentProcessingTime(): number;
  getCurrentWatermark(): number;
}

/** Serializable description of an evictor, stored in the pipeline graph. */
export type EvictorSpec =
  | { kind: 'count'; maxCount: number; doEvictAfter?: boolean }
  | { kind: 'time'; windowSize: number; doEvictAfter?: boolean }
  | { kind: 'delta'; threshold: number; deltaFunction: { code: string; ref?: string }; doEvictAfter?: boolean };

/**
 * Removes elements from a window before and/or after the window function runs (Flink's Evictor).
 * Implementations remove in place from `elements`.
 */
export interface Evictor<W extends Window = Window> {
  evictBefore(elements: TimestampedValue[], size: number, window: W, ctx: EvictorContext): void;
  evictAfter(elements: TimestampedValue[], size: number, window: W, ctx: EvictorContext): void;
  toSpec(): EvictorSpec;
}
