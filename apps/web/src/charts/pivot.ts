import type { ChartSettings, Row } from '@flowbook/protocol';
import { aggOf, fold, takesPart, valueLabel } from './aggregate.js';
import { fieldsOf, numericFields } from './fields.js';

export interface PivotResult {
  /** One object per x value: { x, [seriesKey]: number }. */
  data: Record<string, number | string>[];
  seriesKeys: string[];
  xIsTime: boolean;
  /** Number of plotted points (non-empty cells). */
  points: number;
  /** The measure (value label, e.g. "profit" or "avg(price)") each series draws: series of one measure share a scale. */
  measureOf: Record<string, string>;
}

const TIME_NAMES = /^(window_?end|windowEnd|window_?start|windowStart|window|time|timestamp|ts|date|event_?time)$/i;

/** Fills in what the cell's chart settings leave open, from the rows themselves (like Zeppelin's default pivot). */
export function inferSettings(rows: Row[], given?: Partial<ChartSettings>): ChartSettings {
  const sample = rows.slice(-50);
  const fields = fieldsOf(sample);
  const numeric = [...numericFields(sample, fields)];
  const strings = fields.filter((f) => sample.some((r) => typeof r[f] === 'string'));
  const x = given?.x ?? fields.find((f) => TIME_NAMES.test(f) && f !== 'timestamp') ?? fields.find((f) => TIME_NAMES.test(f)) ?? strings[0] ?? fields[0];
  // null is an explicit "no groups" and must survive; only a missing group is inferred.
  const series = given?.series !== undefined ? given.series : strings.find((f) => f !== x);
  const givenY = given?.y !== undefined && given.y.length > 0 ? given.y : undefined;
  const y = givenY ?? numeric.filter((f) => f !== x && f !== 'timestamp' && !TIME_NAMES.test(f));
  return {
    type: given?.type ?? 'line',
    ...(x !== undefined ? { x } : {}),
    y,
    // Aggregations belong to the given values; inferred values start at the default.
    aggs: givenY ? (given?.aggs ?? []) : [],
    ...(series !== undefined ? { series } : {}),
    mode: given?.mode ?? 'append',
    updateKey: given?.updateKey ?? [],
    ...(given?.valueField !== undefined ? { valueField: given.valueField } : {}),
  };
}

/**
 * Turns rows into Recharts data, Zeppelin's pivot: one entry per key (x) value, one column per (group value, value
 * field), each the chosen aggregation of the rows that fall in it. Keeps the last `maxX` x values so a long-running job
 * does not grow the chart without bound.
 */
export function pivot(rows: Row[], settings: ChartSettings, maxX = 1000): PivotResult {
  const { x, series } = settings;
  const labels = settings.y.map((f, i) => valueLabel(f, aggOf(settings, i)));
  // A value listed twice with the same aggregation would be counted twice into one column: draw it once.
  const values = settings.y.map((field, i) => ({ field, agg: aggOf(settings, i), label: labels[i]! })).filter((v, i) => labels.indexOf(v.label) === i);
  const grouped = typeof series === 'string';
  const byX = new Map<string | number, Record<string, number | string>>();
  // avg columns run as sums in the entries; their counts are kept aside and divided at the end.
  const avgCounts = new Map<Record<string, number | string>, Record<string, number>>();
  const measureOf: Record<string, string> = {};
  let xIsTime = true;
  for (const r of rows) {
    const xv = x === undefined ? '' : (r[x] as string | number);
    if (xv === undefined || xv === null) continue;
    if (typeof xv !== 'number' || xv < 1e11) xIsTime = false;
    let entry = byX.get(xv);
    if (entry === undefined) byX.set(xv, (entry = { x: xv }));
    for (const { field, agg, label } of values) {
      const v = r[field];
      if (!takesPart(agg, v)) continue;
      const key = grouped ? (values.length > 1 ? `${String(r[series])} · ${label}` : String(r[series])) : label;
      measureOf[key] = label;
      entry[key] = fold(agg, entry[key] as number | undefined, v);
      if (agg === 'avg') {
        let n = avgCounts.get(entry);
        if (n === undefined) avgCounts.set(entry, (n = {}));
        n[key] = (n[key] ?? 0) + 1;
      }
    }
  }
  for (const [entry, n] of avgCounts) for (const key in n) entry[key] = (entry[key] as number) / n[key]!;
  let data = [...byX.values()];
  if (data.every((d) => typeof d.x === 'number')) data.sort((a, b) => (a.x as number) - (b.x as number));
  if (data.length > maxX) data = data.slice(-maxX);
  const keys = new Set<string>();
  let points = 0;
  for (const d of data) {
    for (const k in d) if (k !== 'x') keys.add(k);
    points += Object.keys(d).length - 1;
  }
  return { data, seriesKeys: [...keys].sort(), xIsTime: xIsTime && data.length > 0, points, measureOf };
}
