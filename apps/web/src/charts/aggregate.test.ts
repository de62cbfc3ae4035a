import { describe, expect, it } from 'vitest';
import type { Aggregation } from '@flowbook/protocol';
import { aggOf, fold, takesPart, valueLabel } from './aggregate.js';

/** Folds values as the pivot does, dividing avg at the end. */
function aggregate(agg: Aggregation, values: unknown[]): number | undefined {
  let acc: number | undefined;
  let n = 0;
  for (const v of values) {
    if (!takesPart(agg, v)) continue;
    acc = fold(agg, acc, v);
    n++;
  }
  return agg === 'avg' && acc !== undefined ? acc / n : acc;
}

describe('aggregations', () => {
  it('computes sum, count, avg, min and max of numbers', () => {
    expect(aggregate('sum', [4, 1, 7])).toBe(12);
    expect(aggregate('count', [4, 1, 7])).toBe(3);
    expect(aggregate('avg', [4, 1, 7])).toBe(4);
    expect(aggregate('min', [4, 1, 7])).toBe(1);
    expect(aggregate('max', [4, 1, 7])).toBe(7);
  });

  it('counts text values but leaves them out of numeric aggregations, and skips missing values', () => {
    const values = ['a', 'b', 3, null, undefined, NaN];
    expect(aggregate('count', values)).toBe(4);
    expect(aggregate('sum', values)).toBe(3);
    expect(aggregate('avg', values)).toBe(3);
  });

  it('has no value for numeric aggregations of text only, nor for anything when empty', () => {
    expect(aggregate('max', ['a'])).toBeUndefined();
    expect(aggregate('count', [])).toBeUndefined();
    expect(aggregate('max', [-2, -5])).toBe(-2);
    expect(aggregate('min', [0, 3])).toBe(0);
  });

  it('defaults a value without a saved aggregation to sum, and names values by aggregation', () => {
    expect(aggOf({ aggs: ['avg'] }, 0)).toBe('avg');
    expect(aggOf({ aggs: ['avg'] }, 1)).toBe('sum');
    expect(valueLabel('profit', 'sum')).toBe('profit');
    expect(valueLabel('profit', 'avg')).toBe('avg(profit)');
  });
});
