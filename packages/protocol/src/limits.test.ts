import { describe, expect, it } from 'vitest';
import { approxJsonBytes, LIMITS, trimOldest, truncateRecord } from './limits.js';

describe('limits', () => {
  it('estimates JSON size near the real one, and stops at the cap', () => {
    const row = { month: 'Jan', profit: 12.5, tags: ['a', 'b'], ok: true };
    const real = JSON.stringify(row).length;
    expect(Math.abs(approxJsonBytes(row) - real) / real).toBeLessThan(0.5);
    const huge = Array.from({ length: 1_000_000 }, (_, i) => i);
    expect(approxJsonBytes(huge, 1000)).toBeLessThan(1100);
  });

  it('cuts a 5 MB record to the display size with a note, keeping its small fields', () => {
    const row = { id: 7, blob: 'x'.repeat(5_000_000), nested: { big: 'y'.repeat(1_000_000) } };
    const cut = truncateRecord(row, approxJsonBytes(row));
    expect(cut.__truncated).toBe('record of 5.7 MB cut to 64 KB');
    expect(cut.id).toBe(7);
    expect(JSON.stringify(cut).length).toBeLessThanOrEqual(LIMITS.recordBytes + 100);
    expect((cut.blob as string).startsWith('xxx')).toBe(true);
  });

  it('drops the oldest rows until rows and bytes are within bounds, keeping at least the newest', () => {
    const rows = [1, 2, 3, 4, 5];
    const sizes = [10, 10, 10, 10, 100];
    expect(trimOldest(rows, sizes, 140, 4, 120)).toBe(120);
    expect(rows).toEqual([3, 4, 5]);
    const one = [1];
    expect(trimOldest(one, [500], 500, 10, 100)).toBe(500);
    expect(one).toEqual([1]);
  });
});
