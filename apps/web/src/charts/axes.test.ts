import { describe, expect, it } from 'vitest';
import type { ChartSettings } from '@flowbook/protocol';
import { rightAxisSeries } from './axes.js';
import { pivot } from './pivot.js';

const settings = (s: Partial<ChartSettings>): ChartSettings => ({ type: 'line', y: [], aggs: [], mode: 'append', updateKey: [], ...s });
const rows = [
  { t: 1, category: 'books', profit: 1500, count: 60 },
  { t: 1, category: 'games', profit: 1200, count: 45 },
  { t: 2, category: 'books', profit: 1400, count: 58 },
];

describe('second axis', () => {
  it('puts a measure of a much smaller scale on the right axis', () => {
    const p = pivot(rows, settings({ x: 't', y: ['profit', 'count'] }));
    expect([...rightAxisSeries(p)]).toEqual(['count']);
  });

  it('moves every group of the small measure, and none of the large one', () => {
    const p = pivot(rows, settings({ x: 't', y: ['profit', 'count'], series: 'category' }));
    expect([...rightAxisSeries(p)].sort()).toEqual(['books · count', 'games · count']);
  });

  it('keeps groups of one measure on one axis, however far apart', () => {
    const p = pivot([...rows, { t: 2, category: 'pens', profit: 3, count: 1 }], settings({ x: 't', y: ['profit'], series: 'category' }));
    expect(rightAxisSeries(p).size).toBe(0);
  });

  it('keeps measures of a similar scale on one axis', () => {
    const p = pivot(rows, settings({ x: 't', y: ['profit'], aggs: ['sum'] }));
    const both = pivot(rows.map((r) => ({ ...r, cost: r.profit / 2 })), settings({ x: 't', y: ['profit', 'cost'] }));
    expect(rightAxisSeries(p).size).toBe(0);
    expect(rightAxisSeries(both).size).toBe(0);
  });
});
