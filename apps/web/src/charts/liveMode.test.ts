import { describe, expect, it } from 'vitest';
import { applyMode, updateKeyOf } from './liveMode.js';

const rows = [
  { month: 'June', product: 'Bat', total: 1 },
  { month: 'July', product: 'Bat', total: 5 },
  { month: 'June', product: 'Ball', total: 2 },
  { month: 'June', product: 'Bat', total: 3 },
];

describe('live result modes', () => {
  it('append keeps every row', () => {
    expect(applyMode(rows, { mode: 'append', updateKey: ['month'] })).toBe(rows);
  });

  it('update keeps the latest row per key, where the key first appeared', () => {
    expect(applyMode(rows, { mode: 'update', updateKey: ['month'] })).toEqual([
      { month: 'June', product: 'Bat', total: 3 },
      { month: 'July', product: 'Bat', total: 5 },
    ]);
  });

  it('update keys can be several fields', () => {
    expect(applyMode(rows, { mode: 'update', updateKey: ['month', 'product'] }).map((r) => r.total)).toEqual([3, 5, 2]);
  });

  it('without an update key, the chart key and group identify a row', () => {
    expect(updateKeyOf({ updateKey: [], x: 'month', series: 'product' })).toEqual(['month', 'product']);
    expect(updateKeyOf({ updateKey: [], x: 'month', series: null })).toEqual(['month']);
    expect(applyMode(rows, { mode: 'update', updateKey: [], x: 'month', series: null }).map((r) => r.total)).toEqual([3, 5]);
  });

  it('keeps 1 and "1", and missing and null-valued keys, as the same only when JSON says so', () => {
    const mixed = [{ k: 1, v: 'a' }, { k: '1', v: 'b' }, { v: 'c' }, { k: null, v: 'd' }];
    expect(applyMode(mixed, { mode: 'update', updateKey: ['k'] }).map((r) => r.v)).toEqual(['a', 'b', 'd']);
  });
});
