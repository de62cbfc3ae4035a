import type { Collector, FilterFunction, FlatMapFunction, MapFunction } from '../api/functions.js';

/*
 * The per-record loops of the batch path, as free functions over arrays rather than methods. Why: V8 throws away
 * optimized code that depends on the shape of objects that no longer exist, and a finished job's operators are such
 * objects; a loop written over `this` then starts cold in every new job (after each GC). These loops depend only on
 * arrays and the user's function, so their optimized code carries over from job to job.
 *
 * Operators run their own copies of the loops that call a user function (loopCopies.ts): a loop uses nothing but its
 * parameters and globals, so that a copy compiled from its source text behaves the same.
 */

/**
 * Where the last loop stopped when the user's function threw (or returned a bad timestamp): the record it was at,
 * the results before it, and the bad value.
 */
export interface LoopFailure {
  at: number;
  produced: number;
  bad: unknown;
  /** In a chain's loop (chainLoop.ts): the stage that threw (-1: the timestamp assigner). */
  stage?: number;
  /** In a chain's loop that assigns timestamps: the largest timestamp assigned before it stopped. */
  max?: number;
}
export const loopFailure: LoopFailure = { at: 0, produced: 0, bad: undefined, stage: 0, max: 0 };

/** out[i] = fn(values[i]) for i < length. */
export function mapLoop(fn: MapFunction<unknown, unknown>, values: readonly unknown[], length: number, out: unknown[], failure: LoopFailure): void {
  let i = 0;
  try {
    for (; i < length; i++) out[i] = fn(values[i]);
  } catch (e) {
    failure.at = i;
    failure.produced = i;
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
  failure: LoopFailure,
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
    failure.at = i;
    failure.produced = n;
    throw e;
  }
  return n;
}

/**
 * The largest of `max` and timestamps[i] for i < length, in the same pass that looks for a NaN: failure.at is the
 * first NaN's index (the result then is the largest before it), or length. One pass, as the timestamps of a batch are
 * read from memory once (a second pass reads them all again).
 */
export function maxTimestampBeforeNaN(timestamps: Float64Array, length: number, max: number, failure: LoopFailure): number {
  for (let i = 0; i < length; i++) {
    const t = timestamps[i]!;
    // False for NaN too, which is rarely there: one comparison per record in the common case.
    if (!(t <= max)) {
      if (t !== t) {
        failure.at = i;
        return max;
      }
      max = t;
    }
  }
  failure.at = length;
  return max;
}

/**
 * out[i] = assigner(values[i], timestamps[i]) for i < length; returns the largest of `max` and the timestamps
 * assigned, with failure.at = length, or stops at the first i whose result is not a number (a bad timestamp, left in
 * failure.bad for the caller to report) with failure.at = i.
 */
export function assignLoop(
  assigner: (value: unknown, timestamp: number) => unknown,
  values: readonly unknown[],
  timestamps: Float64Array,
  length: number,
  out: Float64Array,
  max: number,
  failure: LoopFailure,
): number {
  let i = 0;
  try {
    for (; i < length; i++) {
      const ts = assigner(values[i], timestamps[i]!);
      if (typeof ts !== 'number' || Number.isNaN(ts)) {
        failure.bad = ts;
        failure.at = i;
        return max;
      }
      out[i] = ts;
      if (ts > max) max = ts;
    }
  } catch (e) {
    failure.at = i;
    failure.produced = i;
    throw e;
  }
  failure.at = length;
  return max;
}

/** The collector a flatMap loop hands each record's function: `ts` is the record's timestamp. */
export interface TimestampedCollector extends Collector<unknown> {
  ts: number;
}

/** fn(values[i], collector) for i < length, with collector.ts = timestamps[i]. */
export function flatMapLoop(
  fn: FlatMapFunction<unknown, unknown>,
  values: readonly unknown[],
  timestamps: Float64Array,
  length: number,
  collector: TimestampedCollector,
  failure: LoopFailure,
): void {
  let i = 0;
  try {
    for (; i < length; i++) {
      collector.ts = timestamps[i]!;
      fn(values[i], collector);
    }
  } catch (e) {
    failure.at = i;
    throw e;
  }
}
