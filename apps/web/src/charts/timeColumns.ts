import type { Row } from '@flowbook/protocol';

/** Names that say "a point in time": windowEnd, window_start, timestamp, ts, eventTime, createdAt, date… */
const TIME_NAME = /(time|timestamp|^ts$|_ts$|Ts$|date|window|start|end|_at$|[a-z]At$)/i;
/** Epoch milliseconds from 2000 to 2100: seconds or plain counts never fall in here by accident. */
const MIN_MS = Date.UTC(2000, 0, 1);
const MAX_MS = Date.UTC(2100, 0, 1);

/** Numeric fields named like times whose values (in the last rows) are all epoch milliseconds: shown as times. */
export function timeFields(rows: Row[], numeric: Set<string>, sample = 50): Set<string> {
  const last = rows.slice(-sample);
  return new Set(
    [...numeric].filter((f) => {
      if (!TIME_NAME.test(f)) return false;
      const vs = last.map((r) => r[f]).filter((v) => v !== undefined && v !== null) as number[];
      return vs.length > 0 && vs.every((v) => Number.isInteger(v) && v >= MIN_MS && v < MAX_MS);
    }),
  );
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** Epoch ms as local "2026-12-07 18:55:43" (".123" when it has milliseconds): sortable, and what Flink's UI shows. */
export function formatTime(ms: number): string {
  const d = new Date(ms);
  const s = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  return ms % 1000 === 0 ? s : `${s}.${pad(d.getMilliseconds(), 3)}`;
}
