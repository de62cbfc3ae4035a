import type { Expr } from './ast.js';
import type { RowFn } from './compileExpr.js';

/**
 * Accumulators of SQL aggregate functions, as plain JSON data (they live in keyed state and checkpoints). Each takes
 * retractions (Flink's retract()): a view over an updating query may feed another aggregate.
 */
export interface AggSpec {
  name: string;
  distinct: boolean;
  arg?: RowFn;
  filter?: RowFn;
  call: Expr;
}

type Multiset = Record<string, [unknown, number]>;
export type AggAcc = number | { s: number; c: number } | Multiset;

const keyOf = (v: unknown) => (typeof v === 'number' ? 'n' + v : typeof v === 'string' ? 's' + v : JSON.stringify(v));

export function createAcc(a: AggSpec): AggAcc {
  if (a.distinct || a.name === 'MIN' || a.name === 'MAX') return {} as Multiset;
  if (a.name === 'SUM' || a.name === 'AVG') return { s: 0, c: 0 };
  return 0;
}

/** Adds (sign 1) or retracts (sign -1) one row. */
export function accumulate(a: AggSpec, acc: AggAcc, row: Record<string, unknown>, sign: 1 | -1): AggAcc {
  if (a.filter && a.filter(row) !== true) return acc;
  if (a.name === 'COUNT' && !a.arg) return (acc as number) + sign;
  const v = a.arg!(row);
  if (v === null || v === undefined) return acc;
  if (a.distinct || a.name === 'MIN' || a.name === 'MAX') {
    const m = acc as Multiset;
    const k = keyOf(v);
    const e = m[k];
    if (e) {
      e[1] += sign;
      if (e[1] === 0) delete m[k];
    } else if (sign > 0) m[k] = [v, 1];
    return m;
  }
  if (a.name === 'COUNT') return (acc as number) + sign;
  const s = acc as { s: number; c: number };
  s.s += sign * (v as number);
  s.c += sign;
  return s;
}

export function result(a: AggSpec, acc: AggAcc): unknown {
  if (a.distinct) {
    const vals = Object.values(acc as Multiset).map((e) => e[0]);
    switch (a.name) {
      case 'COUNT':
        return vals.length;
      case 'SUM':
        return vals.length ? (vals as number[]).reduce((x, y) => x + y, 0) : null;
      case 'AVG':
        return vals.length ? (vals as number[]).reduce((x, y) => x + y, 0) / vals.length : null;
    }
  }
  switch (a.name) {
    case 'COUNT':
      return acc as number;
    case 'SUM': {
      const s = acc as { s: number; c: number };
      return s.c > 0 ? s.s : null;
    }
    case 'AVG': {
      const s = acc as { s: number; c: number };
      return s.c > 0 ? s.s / s.c : null;
    }
    case 'MIN':
    case 'MAX': {
      let best: unknown = null;
      for (const [v] of Object.values(acc as Multiset)) {
        if (best === null || (a.name === 'MIN' ? (v as number) < (best as number) : (v as number) > (best as number))) best = v;
      }
      return best;
    }
  }
  return null;
}

/** Integer AVG stays integral in Flink (AVG of INT is INT). */
export function finish(a: AggSpec, v: unknown, integral: boolean): unknown {
  if (a.name === 'AVG' && integral && typeof v === 'number') return Math.trunc(v);
  return v;
}

/** Merges two accumulators (session windows merge their panes). */
export function mergeAcc(a: AggSpec, x: AggAcc, y: AggAcc): AggAcc {
  if (typeof x === 'number') return x + (y as number);
  if ('s' in x && 'c' in x && typeof x.s === 'number') {
    const b = y as { s: number; c: number };
    return { s: x.s + b.s, c: (x.c as number) + b.c };
  }
  const m = { ...(x as Multiset) };
  for (const [k, [v, c]] of Object.entries(y as Multiset)) {
    const e = m[k];
    m[k] = e ? [e[0], e[1] + c] : [v, c];
  }
  return m;
}
