import type { ChartSettings, Row } from '@flowbook/protocol';

/** The fields that identify a row in 'update' mode: the chosen update key, else the chart's key and group. */
export function updateKeyOf(settings: Pick<ChartSettings, 'updateKey' | 'x' | 'series'>): string[] {
  if (settings.updateKey && settings.updateKey.length > 0) return settings.updateKey;
  return [settings.x, settings.series].filter((f): f is string => typeof f === 'string');
}

/**
 * The rows a view shows. 'append' (windowed results): every row. 'update' (keyed aggregates re-emitted as they change):
 * only the latest row per key, kept at the place its key first appeared so tables and bars do not jump around.
 */
export function applyMode(rows: Row[], settings: Pick<ChartSettings, 'mode' | 'updateKey' | 'x' | 'series'>): Row[] {
  if (settings.mode !== 'update') return rows;
  const fields = updateKeyOf(settings);
  const latest = new Map<string, Row>();
  for (const r of rows) {
    // JSON keeps 1 and "1" apart, and a missing field apart from the text "undefined".
    const key = fields.length === 1 ? JSON.stringify(r[fields[0]!] ?? null) : JSON.stringify(fields.map((f) => r[f] ?? null));
    latest.set(key, r);
  }
  return [...latest.values()];
}
