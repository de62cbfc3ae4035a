import type { Row } from '@flowbook/protocol';

/**
 * Appends rows to a sink's kept window, bounded per series: at most `perSeries` rows for each value of the series
 * field (the chart's groups; all rows are one series without one), the newest kept. So a chart of twelve months keeps
 * 1,000 points for each month rather than 83, and a job running for days keeps a fixed amount of memory.
 * Trimming walks the rows once, and only when a bound is exceeded.
 */
export function appendBounded(kept: Row[], rows: readonly Row[], perSeries: number, seriesField: string | undefined): Row[] {
  const all = kept.length === 0 ? [...rows] : kept.concat(rows);
  if (seriesField === undefined) return all.length > perSeries ? all.slice(all.length - perSeries) : all;
  const counts = new Map<unknown, number>();
  for (const r of all) counts.set(r[seriesField], (counts.get(r[seriesField]) ?? 0) + 1);
  let over = false;
  for (const n of counts.values()) if (n > perSeries) over = true;
  if (!over) return all;
  // Keep the newest `perSeries` of each series, in their original order.
  const seen = new Map<unknown, number>();
  const keep = new Array<boolean>(all.length);
  for (let i = all.length - 1; i >= 0; i--) {
    const s = all[i]![seriesField];
    const n = (seen.get(s) ?? 0) + 1;
    seen.set(s, n);
    keep[i] = n <= perSeries;
  }
  return all.filter((_, i) => keep[i]);
}
