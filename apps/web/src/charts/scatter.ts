import type { ChartSettings, Row } from '@flowbook/protocol';

export interface ScatterSeries {
  key: string;
  points: { x: number | string; y: number }[];
}

export interface ScatterData {
  series: ScatterSeries[];
  /** x is numeric (a value axis), else categories. */
  xIsNumber: boolean;
  xIsTime: boolean;
  points: number;
}

/**
 * A scatter plot shows rows as they are, one point per row and value field, coloured by group: aggregating would hide
 * the spread it is meant to show. Only the last `maxRows` rows are drawn (an SVG chart's budget).
 */
export function scatterData(rows: Row[], settings: ChartSettings, maxRows: number): ScatterData {
  const { x, series } = settings;
  const y = [...new Set(settings.y)];
  const byKey = new Map<string, ScatterSeries>();
  let xIsNumber = true;
  let xIsTime = true;
  let points = 0;
  for (const r of rows.slice(-maxRows)) {
    const xv = x === undefined ? undefined : r[x];
    if (typeof xv !== 'number' && typeof xv !== 'string') continue;
    if (typeof xv !== 'number') xIsNumber = false;
    if (typeof xv !== 'number' || xv < 1e11) xIsTime = false;
    for (const f of y) {
      const v = r[f];
      if (typeof v !== 'number') continue;
      const key = typeof series === 'string' ? (y.length > 1 ? `${String(r[series])} · ${f}` : String(r[series])) : f;
      let s = byKey.get(key);
      if (s === undefined) byKey.set(key, (s = { key, points: [] }));
      s.points.push({ x: xv, y: v });
      points++;
    }
  }
  const list = [...byKey.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return { series: list, xIsNumber: xIsNumber && points > 0, xIsTime: xIsTime && points > 0, points };
}
