import { describe, expect, it } from 'vitest';
import type { ChartSettings } from '@flowbook/protocol';
import { fieldsOf, numericFields } from './fields.js';
import { inferSettings, pivot } from './pivot.js';

const rows = [
  { windowEnd: 1_700_000_002_000, month: 'June', profit: 10, sales: 2 },
  { windowEnd: 1_700_000_002_000, month: 'July', profit: 7, sales: 1 },
  { windowEnd: 1_700_000_004_000, month: 'June', profit: 3, sales: 1 },
];

const settings = (s: Partial<ChartSettings>): ChartSettings => ({ type: 'line', y: [], aggs: [], mode: 'append', updateKey: [], ...s });

describe('chart settings inference', () => {
  it('infers x from a time-like field, series from a string field, y from numbers', () => {
    expect(inferSettings(rows)).toEqual({ type: 'line', x: 'windowEnd', y: ['profit', 'sales'], aggs: [], series: 'month', mode: 'append', updateKey: [] });
    expect(inferSettings(rows, { y: ['profit'] }).y).toEqual(['profit']);
  });

  it('keeps an explicit "no groups" (null) instead of inferring one', () => {
    expect(inferSettings(rows, { series: null }).series).toBeNull();
  });

  it('keeps the aggregations of given values, and drops them when the values are inferred', () => {
    expect(inferSettings(rows, { y: ['profit'], aggs: ['avg'] }).aggs).toEqual(['avg']);
    expect(inferSettings(rows, { y: [], aggs: ['avg'] }).aggs).toEqual([]);
  });

  it('keeps the mode, update key and single-value field', () => {
    const s = inferSettings(rows, { type: 'number', mode: 'update', updateKey: ['month'], valueField: 'sales' });
    expect(s).toMatchObject({ type: 'number', mode: 'update', updateKey: ['month'], valueField: 'sales' });
  });

  it('lists fields in first-seen order, and which of them are numeric', () => {
    expect(fieldsOf([{ a: 1 }, { b: 2, a: 3 }])).toEqual(['a', 'b']);
    expect(numericFields([{ a: 1, b: 'x' }, { a: null, b: 2 }], ['a', 'b'])).toEqual(new Set(['a']));
  });
});

describe('chart pivot', () => {
  it('makes one entry per x with one key per series value', () => {
    const p = pivot(rows, settings({ x: 'windowEnd', y: ['profit'], series: 'month' }));
    expect(p.seriesKeys).toEqual(['July', 'June']);
    expect(p.data).toEqual([
      { x: 1_700_000_002_000, June: 10, July: 7 },
      { x: 1_700_000_004_000, June: 3 },
    ]);
    expect(p.xIsTime).toBe(true);
    expect(p.points).toBe(3);
  });

  it('names keys by series and field when several values are drawn', () => {
    const p = pivot(rows, settings({ x: 'windowEnd', y: ['profit', 'sales'], series: 'month' }));
    expect(p.seriesKeys).toContain('June · sales');
  });

  it('sums the rows of a key by default (Zeppelin), one column per value without groups', () => {
    const p = pivot(rows, settings({ x: 'month', y: ['profit', 'sales'], series: null }));
    expect(p.seriesKeys).toEqual(['profit', 'sales']);
    expect(p.data).toEqual([
      { x: 'June', profit: 13, sales: 3 },
      { x: 'July', profit: 7, sales: 1 },
    ]);
    expect(p.xIsTime).toBe(false);
  });

  it('applies each value its own aggregation, and names the non-default ones', () => {
    const p = pivot(rows, settings({ x: 'month', y: ['profit', 'profit', 'sales', 'sales'], aggs: ['avg', 'max', 'count', 'min'], series: null }));
    expect(p.data[0]).toEqual({ x: 'June', 'avg(profit)': 6.5, 'max(profit)': 10, 'count(sales)': 2, 'min(sales)': 1 });
    expect(p.data[1]).toEqual({ x: 'July', 'avg(profit)': 7, 'max(profit)': 7, 'count(sales)': 1, 'min(sales)': 1 });
  });

  it('aggregates per group and counts text values', () => {
    const p = pivot(rows, settings({ x: 'windowEnd', y: ['month'], aggs: ['count'], series: null }));
    expect(p.data.map((d) => d['count(month)'])).toEqual([2, 1]);
    const byGroup = pivot(rows, settings({ x: 'month', y: ['profit', 'sales'], aggs: ['avg', 'sum'], series: 'month' }));
    expect(byGroup.data[0]).toEqual({ x: 'June', 'June · avg(profit)': 6.5, 'June · sales': 3 });
  });

  it('draws a value listed twice with the same aggregation once, not doubled', () => {
    const p = pivot(rows, settings({ x: 'month', y: ['profit', 'profit'], series: null }));
    expect(p.data[0]).toEqual({ x: 'June', profit: 13 });
  });

  it('keeps only the last x values', () => {
    const many = Array.from({ length: 50 }, (_, i) => ({ t: i, v: i }));
    const p = pivot(many, settings({ x: 't', y: ['v'] }), 10);
    expect(p.data).toHaveLength(10);
    expect(p.data[0]!.x).toBe(40);
    expect(p.xIsTime).toBe(false);
  });
});
