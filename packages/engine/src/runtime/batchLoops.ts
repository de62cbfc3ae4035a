import type { FilterFunction, MapFunction } from '../api/functions.js';

/*
 * The per-record loops of the batch path, as free functions over arrays rather than methods. Why: V8 throws away
 * optimized code that depends on the shape of objects that no longer exist, and a finished job's operators are such
 * objects; a loop written over `this` then starts cold in every new job (after each GC). These loops depend only on
 * arrays and the user's function, so their optimized code carries over from job to job.
 */

/**
 * Where the last loop stopped when the user's function threw (or returned a bad timestamp): the record it was at,
 * the results before it, and the bad value.
 */
export const loopFailure: { at: number; produced: number; bad: unknown } = { at: 0, produced: 0, bad: undefined };

/** out[i] = fn(values[i]) for i < length. */
export function mapLoop(fn: MapFunction<unknown, unknown>, values: readonly unknown[], length: number, out: unknown[]): void {
  let i = 0;
  try {
    for (; i < length; i++) out[i] = fn(values[i]);
  } catch (e) {
    loopFailure.at = i;
    loopFailure.produced = i;
    throw e;
  }
}

/** Copies the records that pass `fn` to outValues/outTimestamps, in order; returns how many passed. */
export function filterLoop(
  fn: FilterFunction<unknown>,
  values: readonly unknown[],
  timestamps: Float64Array,
  length: number,
  outValues: unknown[],
  outTimestamps: Float64Array,
): number {
  let n = 0;
  let i = 0;
  try {
    for (; i < length; i++) {
      const v = values[i];
      if (fn(v)) {
        outValues[n] = v;
        outTimestamps[n++] = timestamps[i]!;
      }
    }
  } catch (e) {
    loopFailure.at = i;
    loopFailure.produced = n;
    throw e;
  }
  return n;
}

/** The largest of `max` and timestamps[i] for i < length. */
export function maxTimestamp(timestamps: Float64Array, length: number, max: number): number {
  for (let i = 0; i < length; i++) if (timestamps[i]! > max) max = timestamps[i]!;
  return max;
}

/** The first i < length with timestamps[i] NaN, or -1. */
export function indexOfNaN(timestamps: Float64Array, length: number): number {
  for (let i = 0; i < length; i++) if (Number.isNaN(timestamps[i])) return i;
  return -1;
}

/**
 * out[i] = assigner(values[i], timestamps[i]) for i < length; returns length, or the first i whose result is not a
 * number (a bad timestamp, left in loopFailure.bad for the caller to report).
 */
export function assignLoop(
  assigner: (value: unknown, timestamp: number) => unknown,
  values: readonly unknown[],
  timestamps: Float64Array,
  length: number,
  out: Float64Array,
): number {
  let i = 0;
  try {
    for (; i < length; i++) {
      const ts = assigner(values[i], timestamps[i]!);
      if (typeof ts !== 'number' || Number.isNaN(ts)) {
        loopFailure.bad = ts;
        return i;
      }
      out[i] = ts;
    }
  } catch (e) {
    loopFailure.at = i;
    loopFailure.produced = i;
    throw e;
  }
  return length;
}
