import type { Row } from '@flowbook/protocol';

export interface SingleValue {
  value: unknown;
  /** The row it came from, so the view can say when (its time field). */
  row: Row;
  /** The change since the previous value of the field, when both are numbers. */
  delta?: number;
}

/** The latest value of one field (the single-value view): the last row that has it. */
export function latestValue(rows: Row[], field: string | undefined): SingleValue | undefined {
  if (field === undefined) return undefined;
  for (let i = rows.length - 1; i >= 0; i--) {
    const value = rows[i]![field];
    if (value === undefined || value === null) continue;
    for (let j = i - 1; j >= 0; j--) {
      const prev = rows[j]![field];
      if (prev === undefined || prev === null) continue;
      return typeof value === 'number' && typeof prev === 'number' ? { value, row: rows[i]!, delta: value - prev } : { value, row: rows[i]! };
    }
    return { value, row: rows[i]! };
  }
  return undefined;
}

/** Large numbers with thousands separators and at most two decimals; anything else as text. */
export function formatSingle(v: unknown): string {
  if (typeof v === 'number') return v.toLocaleString(undefined, { maximumFractionDigits: 2 });
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}
