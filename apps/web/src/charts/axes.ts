import type { PivotResult } from './pivot.js';

/** Measures whose largest value is this many times smaller than the largest measure's get their own axis. */
export const SECOND_AXIS_RATIO = 5;

/**
 * Which series go on a second (right) axis: those of measures much smaller than the largest one, so a count of ~60 is
 * not drawn flat under a profit of ~1,500. Series of one measure (groups of it) always share an axis.
 */
export function rightAxisSeries(p: PivotResult): Set<string> {
  const magnitude = new Map<string, number>();
  for (const d of p.data) {
    for (const k of p.seriesKeys) {
      const v = d[k];
      if (typeof v !== 'number' || !Number.isFinite(v)) continue;
      const m = p.measureOf[k] ?? k;
      magnitude.set(m, Math.max(magnitude.get(m) ?? 0, Math.abs(v)));
    }
  }
  if (magnitude.size < 2) return new Set();
  const largest = Math.max(...magnitude.values());
  const small = new Set([...magnitude].filter(([, v]) => v * SECOND_AXIS_RATIO < largest).map(([m]) => m));
  return new Set(p.seriesKeys.filter((k) => small.has(p.measureOf[k] ?? k)));
}
