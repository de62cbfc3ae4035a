import type { PivotResult } from './pivot.js';

/** Pivot rows → uPlot's columnar data: x values (seconds for time axes) and one array per series (null where missing). */
export function toColumns(p: PivotResult): (number | null)[][] {
  const xs = p.data.map((d, i) => (typeof d.x === 'number' ? (p.xIsTime ? d.x / 1000 : d.x) : i));
  const cols: (number | null)[][] = [xs];
  for (const k of p.seriesKeys) cols.push(p.data.map((d) => (typeof d[k] === 'number' ? (d[k] as number) : null)));
  return cols;
}
