import { describe, expect, it } from 'vitest';
import { formatRate, ratesBetween } from './rates.js';

describe('ratesBetween', () => {
  it('divides counter deltas by the elapsed seconds', () => {
    expect(ratesBetween({ at: 1000, recordsIn: 100, recordsOut: 10 }, { at: 3000, recordsIn: 2100, recordsOut: 30 })).toEqual({ inPerSecond: 1000, outPerSecond: 10 });
  });
  it('has no rate for a first sample, a clock that did not move, or counters reset by a restart', () => {
    expect(ratesBetween(undefined, { at: 1, recordsIn: 1, recordsOut: 1 })).toBeUndefined();
    expect(ratesBetween({ at: 5, recordsIn: 1, recordsOut: 1 }, { at: 5, recordsIn: 9, recordsOut: 9 })).toBeUndefined();
    expect(ratesBetween({ at: 0, recordsIn: 500, recordsOut: 5 }, { at: 1000, recordsIn: 20, recordsOut: 6 })).toBeUndefined();
  });
  it('formats rates compactly', () => {
    expect([formatRate(undefined), formatRate(12.4), formatRate(25_000), formatRate(3_200_000)]).toEqual(['—', '12/s', '25.0K/s', '3.2M/s']);
  });
});
