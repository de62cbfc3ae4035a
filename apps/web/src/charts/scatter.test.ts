import { describe, expect, it } from 'vitest';
import { scatterData } from './scatter.js';

const base = { type: 'scatter' as const, aggs: [], mode: 'append' as const, updateKey: [] };

describe('scatter data', () => {
  it('draws one point per row and value, coloured by group, without aggregating', () => {
    const rows = [
      { sales: 2, profit: 10, month: 'June' },
      { sales: 2, profit: 12, month: 'June' },
      { sales: 5, profit: 3, month: 'July' },
    ];
    const d = scatterData(rows, { ...base, x: 'sales', y: ['profit'], series: 'month' }, 100);
    expect(d.series).toEqual([
      { key: 'July', points: [{ x: 5, y: 3 }] },
      { key: 'June', points: [{ x: 2, y: 10 }, { x: 2, y: 12 }] },
    ]);
    expect(d.xIsNumber).toBe(true);
    expect(d.xIsTime).toBe(false);
    expect(d.points).toBe(3);
  });

  it('draws only the last rows, and uses categories when x is text', () => {
    const rows = Array.from({ length: 10 }, (_, i) => ({ k: `k${i}`, v: i }));
    const d = scatterData(rows, { ...base, x: 'k', y: ['v'], series: null }, 3);
    expect(d.series[0]!.points.map((p) => p.x)).toEqual(['k7', 'k8', 'k9']);
    expect(d.xIsNumber).toBe(false);
  });
});
