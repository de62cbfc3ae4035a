import { describe, expect, it } from 'vitest';
import { pieSlices } from './pieSlices.js';
import { pivot } from './pivot.js';

const settings = { type: 'pie' as const, x: 'month', y: ['profit'], aggs: [], mode: 'append' as const, updateKey: [] };

describe('pie slices', () => {
  it('makes one slice per key, largest first, from the aggregated values', () => {
    const rows = [
      { month: 'June', profit: 10 },
      { month: 'July', profit: 30 },
      { month: 'June', profit: 5 },
    ];
    expect(pieSlices(pivot(rows, settings), String)).toEqual([
      { name: 'July', value: 30, order: 1 },
      { name: 'June', value: 15, order: 0 },
    ]);
  });

  it('splits slices by group when there are several columns, and leaves out values that are not positive', () => {
    const rows = [
      { month: 'June', shop: 'A', profit: 10 },
      { month: 'June', shop: 'B', profit: 4 },
      { month: 'July', shop: 'A', profit: -3 },
    ];
    expect(pieSlices(pivot(rows, { ...settings, series: 'shop' }), String)).toEqual([
      { name: 'June · A', value: 10, order: 0 },
      { name: 'June · B', value: 4, order: 1 },
    ]);
  });

  it('sums the smallest slices into "Other" beyond the limit', () => {
    const rows = Array.from({ length: 20 }, (_, i) => ({ month: `m${i}`, profit: i + 1 }));
    const slices = pieSlices(pivot(rows, settings), String, 5);
    expect(slices.map((s) => s.name)).toEqual(['m19', 'm18', 'm17', 'm16', 'Other']);
    // 1 + 2 + … + 16
    expect(slices[4]).toEqual({ name: 'Other', value: 136, order: -1 });
  });

  it('labels time keys with the given formatter', () => {
    const slices = pieSlices(pivot([{ month: 5, profit: 1 }], settings), (x) => `t${String(x)}`);
    expect(slices).toEqual([{ name: 't5', value: 1, order: 0 }]);
  });
});
