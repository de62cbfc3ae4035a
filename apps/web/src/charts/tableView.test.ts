import { describe, expect, it } from 'vitest';
import { compareValues, filterRows, nextSort, pageLabel, pageOf, sortRows } from './tableView.js';

const rows = [
  { name: 'item 10', n: 10, city: 'Oslo' },
  { name: 'item 2', n: 9, city: 'Bergen' },
  { name: 'item 1', n: 100 },
  { name: 'Item 3', n: -1, city: 'oslo' },
];

describe('result table sorting', () => {
  it('is newest first when unsorted', () => {
    expect(sortRows(rows, undefined).map((r) => r.n)).toEqual([-1, 100, 9, 10]);
  });

  it('sorts numbers numerically, not as text', () => {
    expect(sortRows(rows, { field: 'n', desc: false }).map((r) => r.n)).toEqual([-1, 9, 10, 100]);
    expect(sortRows(rows, { field: 'n', desc: true }).map((r) => r.n)).toEqual([100, 10, 9, -1]);
  });

  it('sorts text naturally and without regard to case', () => {
    expect(sortRows(rows, { field: 'name', desc: false }).map((r) => r.name)).toEqual(['item 1', 'item 2', 'Item 3', 'item 10']);
  });

  it('keeps empty cells last in both directions, and ties in arrival order', () => {
    expect(sortRows(rows, { field: 'city', desc: false }).map((r) => r.n)).toEqual([9, 10, -1, 100]);
    expect(sortRows(rows, { field: 'city', desc: true }).map((r) => r.n)).toEqual([10, -1, 9, 100]);
  });

  it('puts numbers before text when a column has both', () => {
    expect([3, 'b', 1, 'a'].sort(compareValues)).toEqual([1, 3, 'a', 'b']);
  });

  it('toggles a header between ascending and descending, and starts a new column ascending', () => {
    expect(nextSort(undefined, 'n')).toEqual({ field: 'n', desc: false });
    expect(nextSort({ field: 'n', desc: false }, 'n')).toEqual({ field: 'n', desc: true });
    expect(nextSort({ field: 'n', desc: true }, 'n')).toEqual({ field: 'n', desc: false });
    expect(nextSort({ field: 'n', desc: true }, 'name')).toEqual({ field: 'name', desc: false });
  });
});

describe('result table filter', () => {
  it('matches any cell, ignoring case and surrounding spaces', () => {
    expect(filterRows(rows, ' OSLO ').map((r) => r.n)).toEqual([10, -1]);
    expect(filterRows(rows, '100').map((r) => r.n)).toEqual([100]);
    expect(filterRows(rows, '')).toBe(rows);
  });

  it('matches inside nested values', () => {
    expect(filterRows([{ tags: { colour: 'red' } }, { tags: { colour: 'blue' } }], 'red')).toHaveLength(1);
  });
});

describe('result table paging', () => {
  it('splits rows into pages of 50 and labels them 1-based', () => {
    const p = pageOf(120, 1);
    expect(p).toEqual({ page: 1, pages: 3, start: 50, end: 100 });
    expect(pageLabel(p, 120)).toBe('rows 51–100 of 120');
    expect(pageLabel(pageOf(120, 2), 120)).toBe('rows 101–120 of 120');
  });

  it('clamps a page past the end (rows filtered away) to the last page, and before the start to the first', () => {
    expect(pageOf(30, 4)).toEqual({ page: 0, pages: 1, start: 0, end: 30 });
    expect(pageOf(120, -1).page).toBe(0);
  });

  it('has one empty page when there are no rows', () => {
    const p = pageOf(0, 0);
    expect(p).toEqual({ page: 0, pages: 1, start: 0, end: 0 });
    expect(pageLabel(p, 0)).toBe('no rows');
  });
});
