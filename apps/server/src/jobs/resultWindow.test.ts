import { describe, expect, it } from 'vitest';
import { appendBounded } from './resultWindow.js';

describe('appendBounded', () => {
  it('keeps the newest rows of each series, in order', () => {
    const rows = Array.from({ length: 10 }, (_, i) => ({ i, month: i % 2 === 0 ? 'Jan' : 'Feb' }));
    expect(appendBounded([], rows, 3, 'month').map((r) => r.i)).toEqual([4, 5, 6, 7, 8, 9]);
  });
  it('without a series field, keeps the newest rows of the sink', () => {
    expect(appendBounded([{ i: 0 }, { i: 1 }], [{ i: 2 }, { i: 3 }], 3, undefined).map((r) => r.i)).toEqual([1, 2, 3]);
  });
  it('leaves a window under its bounds as it is', () => {
    const kept = [{ i: 0, s: 'a' }];
    expect(appendBounded(kept, [{ i: 1, s: 'b' }], 1, 's')).toEqual([
      { i: 0, s: 'a' },
      { i: 1, s: 'b' },
    ]);
  });
  it('stays bounded over a long run: memory does not grow with time', () => {
    let kept: Record<string, unknown>[] = [];
    for (let batch = 0; batch < 200; batch++) kept = appendBounded(kept, Array.from({ length: 100 }, (_, j) => ({ t: batch * 100 + j, s: `k${j % 12}` })), 1000, 's');
    expect(kept.length).toBe(12_000);
    expect(kept.at(-1)!.t).toBe(19_999);
  });
});
