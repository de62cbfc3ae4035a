import type { Row } from '@flowbook/protocol';

/** The fields of the rows, in first-seen order (the last rows are enough: a live result's shape rarely changes). */
export function fieldsOf(rows: Row[], sample = 200): string[] {
  return [...new Set(rows.slice(-sample).flatMap((r) => Object.keys(r)))];
}

/** Fields whose values (in the last rows) are all numbers where present: right-aligned, summed by default. */
export function numericFields(rows: Row[], fields: string[], sample = 50): Set<string> {
  const last = rows.slice(-sample);
  return new Set(fields.filter((f) => last.every((r) => r[f] === undefined || r[f] === null || typeof r[f] === 'number')));
}
