/** Records per second from two polls of cumulative counters (the REST API reports totals, like Flink's numRecordsIn). */
export interface CounterSample {
  at: number;
  recordsIn: number;
  recordsOut: number;
}

export interface Rates {
  inPerSecond: number;
  outPerSecond: number;
}

/** Rates between the previous and the current sample; undefined until two samples exist or when time did not move. */
export function ratesBetween(prev: CounterSample | undefined, cur: CounterSample): Rates | undefined {
  if (!prev || cur.at <= prev.at) return undefined;
  const dt = (cur.at - prev.at) / 1000;
  // A counter that went down belongs to a new attempt of the job: no rate for this interval.
  if (cur.recordsIn < prev.recordsIn || cur.recordsOut < prev.recordsOut) return undefined;
  return { inPerSecond: (cur.recordsIn - prev.recordsIn) / dt, outPerSecond: (cur.recordsOut - prev.recordsOut) / dt };
}

export function formatRate(r: number | undefined): string {
  if (r === undefined) return '—';
  return r >= 1e6 ? `${(r / 1e6).toFixed(1)}M/s` : r >= 1e4 ? `${(r / 1e3).toFixed(1)}K/s` : `${Math.round(r)}/s`;
}
