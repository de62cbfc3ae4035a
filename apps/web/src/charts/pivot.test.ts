import { describe, expect, it } from 'vitest';
import { inferSettings, pivot } from './pivot.js';

const rows = [
  { windowEnd: 1_700_000_002_000, month: 'June', profit: 10, sales: 2 },
  { windowEnd: 1_700_000_002_000, month: 'July', profit: 7, sales: 1 },
  { windowEnd: 1_700_000_004_000, month: 'June', profit: 3, sales: 1 },
];

describe('chart pivot', () => {
  it('infers x from a time-like field, series from a string field, y from numbers', () => {
    expect(inferSettings(rows)).toEqual({ type: 'line', x: 'windowEnd', y: ['profit', 'sales'], series: 'month' });
    expect(inferSettings(rows, { y: ['profit'] }).y).toEqual(['profit']);
  });

  it('makes one entry per x with one key per series value', () => {
    const p = pivot(rows, { type: 'line', x: 'windowEnd', y: ['profit'], series: 'month' });
    expect(p.seriesKeys).toEqual(['July', 'June']);
    expect(p.data).toEqual([
      { x: 1_700_000_002_000, June: 10, July: 7 },
      { x: 1_700_000_004_000, June: 3 },
    ]);
    expect(p.xIsTime).toBe(true);
    expect(p.points).toBe(3);
  });

  it('names keys by series and field when several values are drawn', () => {
    const p = pivot(rows, { type: 'line', x: 'windowEnd', y: ['profit', 'sales'], series: 'month' });
    expect(p.seriesKeys).toContain('June · sales');
  });

  it('keeps only the last x values', () => {
    const many = Array.from({ length: 50 }, (_, i) => ({ t: i, v: i }));
    const p = pivot(many, { type: 'line', x: 't', y: ['v'] }, 10);
    expect(p.data).toHaveLength(10);
    expect(p.data[0]!.x).toBe(40);
    expect(p.xIsTime).toBe(false);
  });
});
