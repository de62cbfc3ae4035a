/** SQL column types as the engine holds their values: numbers (BIGINT too), strings, booleans, timestamps as epoch ms. */
export type ValueKind = 'number' | 'string' | 'boolean' | 'timestamp' | 'row' | 'array' | 'map' | 'unknown';

export interface Column {
  name: string;
  /** The SQL type as written (normalized to upper case), e.g. BIGINT, TIMESTAMP(3), ROW<id BIGINT>. */
  type: string;
  /** An event-time attribute (has a WATERMARK) or a processing-time attribute (PROCTIME()). */
  time?: 'rowtime' | 'proctime';
  /** The records' timestamps are not this time attribute's values (after an interval join): windows restamp. */
  restamp?: boolean;
  /**
   * The start or end of the window a window TVF or window aggregation gave the row, kept by projections that pass the
   * column on under any name: equality on both bounds makes a join a window join (Flink's window attributes).
   */
  window?: 'start' | 'end';
}

export function kindOf(type: string): ValueKind {
  const t = type.trim().toUpperCase();
  if (/^(TINYINT|SMALLINT|INT|INTEGER|BIGINT|FLOAT|DOUBLE|REAL|DECIMAL|NUMERIC|DEC)\b/.test(t)) return 'number';
  if (/^(STRING|VARCHAR|CHAR|TEXT|BYTES|VARBINARY|BINARY)\b/.test(t)) return 'string';
  if (/^BOOLEAN\b/.test(t)) return 'boolean';
  if (/^(TIMESTAMP|DATE|TIME)\b/.test(t)) return 'timestamp';
  if (/^ROW\b/.test(t)) return 'row';
  if (/^ARRAY\b/.test(t)) return 'array';
  if (/^(MAP|MULTISET)\b/.test(t)) return 'map';
  return 'unknown';
}

/** Fields of a ROW<a T, b U> type (nesting and parenthesized lengths respected). */
export function rowFields(type: string): Column[] {
  const m = /^ROW\s*[<(]([\s\S]*)[>)]\s*(NOT\s+NULL)?$/i.exec(type.trim());
  if (!m) return [];
  const out: Column[] = [];
  let depth = 0;
  let cur = '';
  const push = () => {
    const s = cur.trim();
    if (!s) return;
    const sp = /^(`[^`]+`|\S+)\s+([\s\S]+)$/.exec(s);
    if (sp) out.push({ name: sp[1]!.replace(/^`|`$/g, ''), type: sp[2]!.trim().toUpperCase() });
    cur = '';
  };
  for (const ch of m[1]!) {
    if (ch === '<' || ch === '(') depth++;
    if (ch === '>' || ch === ')') depth--;
    if (ch === ',' && depth === 0) push();
    else cur += ch;
  }
  push();
  return out;
}

/** Parses a timestamp text ('2020-10-10 00:00:01.5', ISO with T/Z) as UTC epoch ms, as Flink reads TIMESTAMP. */
export function parseTimestamp(v: unknown): number | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number') return v;
  if (v instanceof Date) return v.getTime();
  const s = String(v).trim();
  if (/^\d+$/.test(s)) return Number(s);
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?(Z|[+-]\d{2}:?\d{2})?$/.exec(s);
  if (!m) return null;
  const ms = m[7] ? Number(m[7].padEnd(3, '0').slice(0, 3)) : 0;
  let t = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0), ms);
  if (m[8] && m[8] !== 'Z') {
    const sign = m[8][0] === '-' ? -1 : 1;
    const hh = Number(m[8].slice(1, 3));
    const mm = Number(m[8].slice(-2));
    t -= sign * (hh * 60 + mm) * 60_000;
  }
  return t;
}

/** Formats epoch ms as Flink prints TIMESTAMP(3): 'yyyy-MM-dd HH:mm:ss.SSS' (UTC). */
export function formatTimestamp(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
}

/** Converts an external value (JSON, CSV text) to the engine's value of a column type. */
export function coerce(v: unknown, type: string): unknown {
  if (v === null || v === undefined || v === '') return v === '' && kindOf(type) === 'string' ? '' : null;
  switch (kindOf(type)) {
    case 'number': {
      const n = typeof v === 'number' ? v : Number(v);
      if (Number.isNaN(n)) return null;
      return /^(TINYINT|SMALLINT|INT|INTEGER|BIGINT)\b/i.test(type) ? Math.trunc(n) : n;
    }
    case 'string':
      return typeof v === 'string' ? v : typeof v === 'object' ? JSON.stringify(v) : String(v);
    case 'boolean':
      return typeof v === 'boolean' ? v : String(v).toLowerCase() === 'true';
    case 'timestamp':
      return parseTimestamp(v);
    case 'row': {
      if (typeof v !== 'object') return null;
      const o = v as Record<string, unknown>;
      const out: Record<string, unknown> = {};
      for (const f of rowFields(type)) out[f.name] = coerce(o[f.name], f.type);
      return out;
    }
    default:
      return v;
  }
}
