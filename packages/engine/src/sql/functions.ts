import { formatTimestamp, parseTimestamp } from './types.js';
import { UDAFS, UDFS } from './udf.js';

/**
 * Flink SQL's built-in scalar functions and operators with SQL's NULL semantics (NULL in, NULL out), used by the code
 * compileExpr generates. Names are the SQL names (upper case); operators have short names.
 */
const n = (v: unknown): v is null | undefined => v === null || v === undefined;

const regexCache = new Map<string, RegExp>();
function regex(p: string, flags = ''): RegExp {
  const key = flags + '/' + p;
  let r = regexCache.get(key);
  if (!r) {
    r = new RegExp(p, flags);
    regexCache.set(key, r);
  }
  return r;
}

/** Java SimpleDateFormat / Flink DATE_FORMAT patterns over UTC epoch ms. */
function dateFormat(ms: number, pattern: string): string {
  const d = new Date(ms);
  const p2 = (x: number) => String(x).padStart(2, '0');
  return pattern.replace(/yyyy|yy|MM|dd|HH|mm|ss|SSS|'[^']*'/g, (t) => {
    switch (t) {
      case 'yyyy': return String(d.getUTCFullYear());
      case 'yy': return p2(d.getUTCFullYear() % 100);
      case 'MM': return p2(d.getUTCMonth() + 1);
      case 'dd': return p2(d.getUTCDate());
      case 'HH': return p2(d.getUTCHours());
      case 'mm': return p2(d.getUTCMinutes());
      case 'ss': return p2(d.getUTCSeconds());
      case 'SSS': return String(d.getUTCMilliseconds()).padStart(3, '0');
      default: return t.slice(1, -1);
    }
  });
}

function likeRegex(pattern: string, escape?: string): RegExp {
  let src = '^';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (escape && c === escape && i + 1 < pattern.length) src += pattern[++i]!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    else if (c === '%') src += '[\\s\\S]*';
    else if (c === '_') src += '[\\s\\S]';
    else src += c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return regex(src + '$');
}

export const F = {
  /** User-defined functions by registration id (udf.ts): compiled expressions call F.$udf[id](...). */
  $udf: UDFS,
  /** User-defined aggregate functions by registration id: compiled aggregation handles call F.$udaf[id].accumulate(...). */
  $udaf: UDAFS,
  // comparison and logic (three-valued)
  eq: (a: unknown, b: unknown) => (n(a) || n(b) ? null : a === b || (typeof a === 'number' && typeof b === 'number' ? a === b : String(a) === String(b) && typeof a === typeof b)),
  ne: (a: unknown, b: unknown) => (n(a) || n(b) ? null : a !== b),
  lt: (a: any, b: any) => (n(a) || n(b) ? null : a < b),
  le: (a: any, b: any) => (n(a) || n(b) ? null : a <= b),
  gt: (a: any, b: any) => (n(a) || n(b) ? null : a > b),
  ge: (a: any, b: any) => (n(a) || n(b) ? null : a >= b),
  and: (a: unknown, b: unknown) => (a === false || b === false ? false : n(a) || n(b) ? null : true),
  or: (a: unknown, b: unknown) => (a === true || b === true ? true : n(a) || n(b) ? null : false),
  not: (a: unknown) => (n(a) ? null : !a),
  add: (a: any, b: any) => (n(a) || n(b) ? null : a + b),
  sub: (a: any, b: any) => (n(a) || n(b) ? null : a - b),
  mul: (a: any, b: any) => (n(a) || n(b) ? null : a * b),
  /** Integer division truncates, as in Flink for INT/BIGINT operands. */
  div: (a: any, b: any, integral: boolean) => (n(a) || n(b) || b === 0 ? null : integral ? Math.trunc(a / b) : a / b),
  neg: (a: any) => (n(a) ? null : -a),
  concat: (...xs: unknown[]) => (xs.some(n) ? null : xs.map(String).join('')),
  like: (s: unknown, p: unknown, esc?: string) => (n(s) || n(p) ? null : likeRegex(String(p), esc).test(String(s))),
  inList: (v: unknown, list: unknown[]) => {
    if (n(v)) return null;
    for (const x of list) if (x === v) return true;
    return list.some(n) ? null : false;
  },
  between: (v: any, lo: any, hi: any) => (n(v) || n(lo) || n(hi) ? null : v >= lo && v <= hi),
  truthy: (v: unknown) => v === true,
  cast: (v: unknown, type: string): unknown => {
    if (n(v)) return null;
    const t = type.toUpperCase();
    if (/^(TINYINT|SMALLINT|INT|INTEGER|BIGINT)\b/.test(t)) {
      const x = typeof v === 'boolean' ? (v ? 1 : 0) : Number(v);
      return Number.isNaN(x) ? null : Math.trunc(x);
    }
    if (/^(FLOAT|DOUBLE|REAL)\b/.test(t)) {
      const x = Number(v);
      return Number.isNaN(x) ? null : x;
    }
    if (/^(DECIMAL|NUMERIC|DEC)\b/.test(t)) {
      const x = Number(v);
      if (Number.isNaN(x)) return null;
      const m = /\(\s*\d+\s*,\s*(\d+)\s*\)/.exec(t);
      const scale = m ? Number(m[1]) : 0;
      const f = 10 ** scale;
      return Math.round(x * f) / f;
    }
    if (/^(STRING|VARCHAR|CHAR)\b/.test(t)) return typeof v === 'number' && Number.isInteger(v) ? String(v) : String(v);
    if (/^BOOLEAN\b/.test(t)) return typeof v === 'string' ? v.toLowerCase() === 'true' : Boolean(v);
    if (/^(TIMESTAMP|DATE|TIME)\b/.test(t)) return parseTimestamp(v);
    return v;
  },
  // functions, by SQL name
  UPPER: (s: unknown) => (n(s) ? null : String(s).toUpperCase()),
  LOWER: (s: unknown) => (n(s) ? null : String(s).toLowerCase()),
  CHAR_LENGTH: (s: unknown) => (n(s) ? null : String(s).length),
  CHARACTER_LENGTH: (s: unknown) => (n(s) ? null : String(s).length),
  TRIM: (s: unknown) => (n(s) ? null : String(s).trim()),
  LTRIM: (s: unknown) => (n(s) ? null : String(s).trimStart()),
  RTRIM: (s: unknown) => (n(s) ? null : String(s).trimEnd()),
  /** SUBSTRING(s, start[, length]), 1-based as in SQL. */
  SUBSTRING: (s: unknown, start: any, len?: any) => {
    if (n(s) || n(start)) return null;
    const str = String(s);
    const from = start > 0 ? start - 1 : start < 0 ? Math.max(0, str.length + start) : 0;
    return len === undefined ? str.slice(from) : n(len) ? null : str.slice(from, from + Number(len));
  },
  SUBSTR: (s: unknown, start: any, len?: any) => F.SUBSTRING(s, start, len),
  CONCAT: (...xs: unknown[]) => F.concat(...xs),
  CONCAT_WS: (sep: unknown, ...xs: unknown[]) => (n(sep) ? null : xs.filter((x) => !n(x)).map(String).join(String(sep))),
  REPLACE: (s: unknown, a: unknown, b: unknown) => (n(s) || n(a) || n(b) ? null : String(s).split(String(a)).join(String(b))),
  POSITION: (a: unknown, s: unknown) => (n(a) || n(s) ? null : String(s).indexOf(String(a)) + 1),
  INITCAP: (s: unknown) => (n(s) ? null : String(s).toLowerCase().replace(/(^|[^A-Za-z0-9])([a-z])/g, (_m, p: string, c: string) => p + c.toUpperCase())),
  LPAD: (s: unknown, len: any, pad: unknown) => (n(s) || n(len) || n(pad) ? null : String(s).padStart(len, String(pad)).slice(0, len)),
  RPAD: (s: unknown, len: any, pad: unknown) => (n(s) || n(len) || n(pad) ? null : String(s).padEnd(len, String(pad)).slice(0, len)),
  /** REGEXP_EXTRACT(s, regex[, group]): Java regex semantics for the common subset; NULL without a match. */
  REGEXP_EXTRACT: (s: unknown, p: unknown, g: any = 0) => {
    if (n(s) || n(p) || n(g)) return null;
    const m = regex(String(p)).exec(String(s));
    return m ? (m[g] ?? null) : null;
  },
  REGEXP_REPLACE: (s: unknown, p: unknown, r: unknown) => (n(s) || n(p) || n(r) ? null : String(s).replace(regex(String(p), 'g'), String(r).replace(/\$(\d)/g, '$$$1'))),
  REGEXP: (s: unknown, p: unknown) => (n(s) || n(p) ? null : regex(String(p)).test(String(s))),
  /** SPLIT_INDEX(s, sep, i): the i-th (0-based) part, NULL when there is none. */
  SPLIT_INDEX: (s: unknown, sep: unknown, i: any) => {
    if (n(s) || n(sep) || n(i)) return null;
    const parts = String(s).split(String(sep));
    return i >= 0 && i < parts.length ? parts[i]! : null;
  },
  MOD: (a: any, b: any) => (n(a) || n(b) || b === 0 ? null : a % b),
  ABS: (a: any) => (n(a) ? null : Math.abs(a)),
  FLOOR: (a: any) => (n(a) ? null : Math.floor(a)),
  CEIL: (a: any) => (n(a) ? null : Math.ceil(a)),
  CEILING: (a: any) => (n(a) ? null : Math.ceil(a)),
  ROUND: (a: any, d: any = 0) => (n(a) ? null : Math.round(a * 10 ** d) / 10 ** d),
  POWER: (a: any, b: any) => (n(a) || n(b) ? null : a ** b),
  SQRT: (a: any) => (n(a) ? null : Math.sqrt(a)),
  EXP: (a: any) => (n(a) ? null : Math.exp(a)),
  LN: (a: any) => (n(a) ? null : Math.log(a)),
  LOG10: (a: any) => (n(a) ? null : Math.log10(a)),
  SIGN: (a: any) => (n(a) ? null : Math.sign(a)),
  RAND: () => Math.random(),
  COALESCE: (...xs: unknown[]) => xs.find((x) => !n(x)) ?? null,
  IFNULL: (a: unknown, b: unknown) => (n(a) ? b : a),
  NULLIF: (a: unknown, b: unknown) => (a === b ? null : a),
  IF: (c: unknown, a: unknown, b: unknown) => (c === true ? a : b),
  GREATEST: (...xs: any[]) => (xs.some(n) ? null : xs.reduce((a, b) => (b > a ? b : a))),
  LEAST: (...xs: any[]) => (xs.some(n) ? null : xs.reduce((a, b) => (b < a ? b : a))),
  DATE_FORMAT: (ts: unknown, p: unknown) => {
    if (n(ts) || n(p)) return null;
    const ms = typeof ts === 'number' ? ts : parseTimestamp(ts);
    return ms === null ? null : dateFormat(ms, String(p));
  },
  TO_TIMESTAMP: (s: unknown) => (n(s) ? null : parseTimestamp(s)),
  TO_TIMESTAMP_LTZ: (v: any, precision: any = 3) => (n(v) ? null : precision === 0 ? v * 1000 : v),
  FROM_UNIXTIME: (sec: any, p: unknown = 'yyyy-MM-dd HH:mm:ss') => (n(sec) ? null : dateFormat(sec * 1000, String(p))),
  UNIX_TIMESTAMP: (s?: unknown) => (s === undefined ? Math.floor(Date.now() / 1000) : n(s) ? null : Math.floor((parseTimestamp(s) ?? NaN) / 1000)),
  YEAR: (ts: any) => (n(ts) ? null : new Date(ts).getUTCFullYear()),
  MONTH: (ts: any) => (n(ts) ? null : new Date(ts).getUTCMonth() + 1),
  DAYOFMONTH: (ts: any) => (n(ts) ? null : new Date(ts).getUTCDate()),
  HOUR: (ts: any) => (n(ts) ? null : new Date(ts).getUTCHours()),
  MINUTE: (ts: any) => (n(ts) ? null : new Date(ts).getUTCMinutes()),
  SECOND: (ts: any) => (n(ts) ? null : new Date(ts).getUTCSeconds()),
  CURRENT_TIMESTAMP: () => Date.now(),
  NOW: () => Date.now(),
  LOCALTIMESTAMP: () => Date.now(),
  PROCTIME: () => Date.now(),
  formatTimestamp,
  castTimestampToString: (v: unknown) => (n(v) ? null : typeof v === 'number' ? formatTimestamp(v) : String(v)),
};

export type FunctionName = keyof typeof F;
export const SCALAR_FUNCTIONS: string[] = Object.keys(F).filter((k) => k === k.toUpperCase() && /^[A-Z_0-9]+$/.test(k));
