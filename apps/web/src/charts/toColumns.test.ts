import { describe, expect, it } from 'vitest';
import { toColumns } from './toColumns.js';

describe('toColumns', () => {
  it('turns pivoted rows into uPlot columns, time in seconds, gaps as null', () => {
    const cols = toColumns({
      data: [
        { x: 2000_000_000_000, a: 1, b: 2 },
        { x: 2000_000_002_000, a: 3 },
      ],
      seriesKeys: ['a', 'b'],
      xIsTime: true,
      points: 3,
      measureOf: { a: 'a', b: 'b' },
    });
    expect(cols).toEqual([
      [2_000_000_000, 2_000_000_002],
      [1, 3],
      [2, null],
    ]);
  });
});
