import type { ChartSettings, Row } from '@flowbook/protocol';

export interface PivotResult {
  /** One object per x value: { x, [seriesKey]: number }. */
  data: Record<string, number | string>[];
  seriesKeys: string[];
  xIsTime: boolean;
  /** Number of plotted points (non-empty cells). */
  points: number;
}

const TIME_NAMES = /^(window_?end|windowEnd|window_?start|windowStart|window|time|timestamp|ts|date|event_?time)$/i;

/** Fills in what the cell's chart settings leave open, from the rows themselves (like Zeppelin's default pivot). */
export function inferSettings(rows: Row[], given?: Partial<ChartSettings>): ChartSettings {
  const sample = rows.slice(-50);
  const fields = [...new Set(sample.flatMap((r) => Object.keys(r)))];
  const numeric = fields.filter((f) => sample.every((r) => r[f] === undefined || typeof r[f] === 'number'));
  const strings = fields.filter((f) => sample.some((r) => typeof r[f] === 'string'));
  const x = given?.x ?? fields.find((f) => TIME_NAMES.test(f) && f !== 'timestamp') ?? fields.find((f) => TIME_NAMES.test(f)) ?? strings[0] ?? fields[0];
  const series = given?.series ?? strings.find((f) => f !== x);
  const y = given?.y && given.y.length > 0 ? given.y : numeric.filter((f) => f !== x && f !== 'timestamp' && !TIME_NAMES.test(f));
  return { type: given?.type ?? 'line', ...(x !== undefined ? { x } : {}), y, ...(series !== undefined ? { series } : {}) };
}

/**
 * Turns rows into Recharts data: one entry per x value, one key per (series value, y field), keeping the last
 * `maxX` x values so a long-running job does not grow the chart without bound.
 */
export function pivot(rows: Row[], settings: ChartSettings, maxX = 1000): PivotResult {
  const { x, y, series } = settings;
  const byX = new Map<string | number, Record<string, number | string>>();
  const keys = new Set<string>();
  let xIsTime = true;
  for (const r of rows) {
    const xv = x === undefined ? '' : (r[x] as string | number);
    if (xv === undefined || xv === null) continue;
    if (typeof xv !== 'number' || xv < 1e11) xIsTime = false;
    let entry = byX.get(xv);
    if (entry === undefined) byX.set(xv, (entry = { x: xv }));
    for (const f of y) {
      const v = r[f];
      if (typeof v !== 'number') continue;
      const key = series !== undefined ? (y.length > 1 ? `${String(r[series])} · ${f}` : String(r[series])) : f;
      keys.add(key);
      entry[key] = v;
    }
  }
  let data = [...byX.values()];
  if (data.every((d) => typeof d.x === 'number')) data.sort((a, b) => (a.x as number) - (b.x as number));
  if (data.length > maxX) data = data.slice(-maxX);
  let points = 0;
  for (const d of data) points += Object.keys(d).length - 1;
  return { data, seriesKeys: [...keys].sort(), xIsTime: xIsTime && data.length > 0, points };
}
