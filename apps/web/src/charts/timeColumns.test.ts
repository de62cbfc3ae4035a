import { describe, expect, it } from 'vitest';
import { formatTime, timeFields } from './timeColumns.js';

const rows = [
  { windowEnd: 1_765_000_000_000, ts: 1_765_000_000_500, count: 60, id: 1_765_000_000_000, created_at: 12 },
  { windowEnd: 1_765_000_002_000, ts: 1_765_000_001_000, count: 61, id: 1_765_000_000_001, created_at: 13 },
];

describe('time columns', () => {
  it('are numeric fields named like times holding epoch milliseconds', () => {
    expect([...timeFields(rows, new Set(['windowEnd', 'ts', 'count', 'id', 'created_at']))].sort()).toEqual(['ts', 'windowEnd']);
  });

  it('format as local date and time, with milliseconds only when there are some', () => {
    const at = new Date(2026, 11, 7, 18, 5, 3).getTime();
    expect(formatTime(at)).toBe('2026-12-07 18:05:03');
    expect(formatTime(at + 42)).toBe('2026-12-07 18:05:03.042');
  });
});
