import type { JobSummary } from '@flowbook/protocol';
import { ratesBetween } from './rates.js';

/** One point of the job page's charts over time. */
export interface JobSample {
  at: number;
  recordsIn: number;
  recordsOut: number;
  inPerSecond?: number;
  outPerSecond?: number;
  /** Seconds event time is behind the wall clock at the sinks. */
  watermarkLagS?: number;
}

/** Samples kept: five minutes at one poll a second. */
export const SAMPLES_KEPT = 300;

/** The history with the job's latest poll appended (rates from the previous sample); unchanged for a repeated poll. */
export function appendSample(history: JobSample[], job: Pick<JobSummary, 'recordsIn' | 'recordsOut' | 'watermarkLagMs'>, at: number, max = SAMPLES_KEPT): JobSample[] {
  const prev = history.at(-1);
  if (prev && at <= prev.at) return history;
  const r = ratesBetween(prev, { at, recordsIn: job.recordsIn, recordsOut: job.recordsOut });
  const next: JobSample = {
    at,
    recordsIn: job.recordsIn,
    recordsOut: job.recordsOut,
    ...(r ? { inPerSecond: r.inPerSecond, outPerSecond: r.outPerSecond } : {}),
    ...(job.watermarkLagMs !== undefined ? { watermarkLagS: job.watermarkLagMs / 1000 } : {}),
  };
  const out = [...history, next];
  return out.length > max ? out.slice(-max) : out;
}
