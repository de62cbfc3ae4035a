import type { Aggregation, ChartSettings } from '@flowbook/protocol';

export const AGGREGATIONS: readonly Aggregation[] = ['sum', 'count', 'avg', 'min', 'max'];

/** Whether a value takes part in an aggregation: count counts any present value (text too), the others only numbers. */
export const takesPart = (agg: Aggregation, v: unknown): boolean =>
  agg === 'count' ? v !== undefined && v !== null : typeof v === 'number' && !Number.isNaN(v);

/**
 * Folds one value (that takes part) into a running aggregate, undefined before the first. avg runs as a sum and is
 * divided by its count at the end. Plain numbers, not accumulator objects: the pivot runs on every live update.
 */
export function fold(agg: Aggregation, acc: number | undefined, v: unknown): number {
  if (agg === 'count') return (acc ?? 0) + 1;
  const n = v as number;
  if (agg === 'min') return acc === undefined || n < acc ? n : acc;
  if (agg === 'max') return acc === undefined || n > acc ? n : acc;
  return (acc ?? 0) + n;
}

/** The aggregation of the i-th value; saved settings may have fewer entries than values (older files: none). */
export const aggOf = (settings: Pick<ChartSettings, 'aggs'>, i: number): Aggregation => settings.aggs?.[i] ?? 'sum';

/** A value's name in legends: the bare field for the default (sum), `avg(profit)` otherwise. */
export const valueLabel = (field: string, agg: Aggregation): string => (agg === 'sum' ? field : `${agg}(${field})`);
