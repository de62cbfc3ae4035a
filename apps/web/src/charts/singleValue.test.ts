import { describe, expect, it } from 'vitest';
import { formatSingle, latestValue } from './singleValue.js';

describe('single value', () => {
  it('is the last row that has the field, with the change since the one before', () => {
    const rows = [{ total: 10 }, { other: 1 }, { total: 14 }, { other: 2 }];
    expect(latestValue(rows, 'total')).toEqual({ value: 14, row: { total: 14 }, delta: 4 });
  });

  it('has no change for the first value or for text, and nothing without the field', () => {
    expect(latestValue([{ total: 3 }], 'total')).toEqual({ value: 3, row: { total: 3 } });
    expect(latestValue([{ s: 'a' }, { s: 'b' }], 's')).toEqual({ value: 'b', row: { s: 'b' } });
    expect(latestValue([{ a: 1 }], 'total')).toBeUndefined();
    expect(latestValue([{ a: 1 }], undefined)).toBeUndefined();
  });

  it('formats numbers with at most two decimals', () => {
    expect(formatSingle(3.14159)).toBe((3.14).toLocaleString());
    expect(formatSingle('June')).toBe('June');
  });
});
