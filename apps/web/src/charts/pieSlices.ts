import type { PivotResult } from './pivot.js';

export interface Slice {
  name: string;
  value: number;
  /** The slice's place in key order (not in size order): its colour, which must not change as live values shift. */
  order: number;
}

/** More slices than this are unreadable: the smallest are summed into one "Other" slice. */
export const MAX_SLICES = 12;

/**
 * A pie's slices from the pivot: one per key (x) value, split further by group or value when there are several
 * columns. Only positive values can be drawn as a share of the whole; the rest are left out.
 */
export function pieSlices(p: PivotResult, label: (x: unknown) => string, max = MAX_SLICES): Slice[] {
  const slices: Slice[] = [];
  for (const d of p.data) {
    for (const k of p.seriesKeys) {
      const v = d[k];
      if (typeof v !== 'number' || !(v > 0)) continue;
      slices.push({ name: p.seriesKeys.length > 1 ? `${label(d.x)} · ${k}` : label(d.x), value: v, order: slices.length });
    }
  }
  slices.sort((a, b) => b.value - a.value);
  if (slices.length <= max) return slices;
  const other = slices.slice(max - 1).reduce((s, x) => s + x.value, 0);
  return [...slices.slice(0, max - 1), { name: 'Other', value: other, order: -1 }];
}
