import type { Expr } from './ast.js';
import { compileExpr, type RowFn, type Scope } from './compileExpr.js';
import { SqlError } from './SqlError.js';
import { lookupFunction, type SqlAggregateFunction } from './udf.js';

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
  /** A user-defined aggregate function (udf.ts), its registration id, and its arguments. */
  udaf?: SqlAggregateFunction;
  udafId?: number;
  args?: RowFn[];
}

const BUILT_IN = ['COUNT', 'SUM', 'AVG', 'MIN', 'MAX'];

/** The accumulator spec of an aggregate call (built-in or user-defined) over rows of `scope`. */
export function aggSpecOf(a: Extract<Expr, { k: 'call' }>, scope: Scope): AggSpec {
  const fail = (m: string): never => {
    throw new SqlError(m, a.pos?.line, a.pos?.column);
  };
  const filter = a.filter ? compileExpr(a.filter, scope) : undefined;
  const f = lookupFunction(a.name);
  const udaf = f?.kind === 'aggregate' ? f.aggregate : undefined;
  if (udaf) {
    if (a.distinct) fail(`${a.name}(DISTINCT ...): DISTINCT is not supported for user-defined aggregate functions`);
    return { name: a.name, distinct: false, filter, call: a, udaf, udafId: f!.id, args: a.star ? [] : a.args.map((x) => compileExpr(x, scope)) };
  }
  const arg = a.star || a.args.length === 0 ? undefined : compileExpr(a.args[0]!, scope);
  if (!arg && a.name !== 'COUNT') fail(`${a.name} needs an argument`);
  if (!BUILT_IN.includes(a.name)) fail(`aggregate ${a.name} is not supported yet`);
  return { name: a.name, distinct: !!a.distinct, arg, filter, call: a };
}

/**
 * Refuses a plan whose user-defined aggregates lack a method it needs, before it runs: retract for an updating
 * input or a bounded OVER frame, merge for session windows (Flink's planner refuses the same).
 */
export function requireAggMethods(specs: AggSpec[], needs: { retract?: string; merge?: string }): void {
  for (const s of specs) {
    if (!s.udaf) continue;
    const at = (m: string) => new SqlError(`aggregate function ${s.name} has no ${m}`, (s.call as { pos?: { line: number } }).pos?.line, (s.call as { pos?: { column: number } }).pos?.column);
    if (needs.retract && typeof s.udaf.retract !== 'function') throw at(`retract(acc, ...args), which ${needs.retract} needs`);
    if (needs.merge && typeof s.udaf.merge !== 'function') throw at(`merge(acc, others), which ${needs.merge} needs`);
  }
}

type Multiset = Record<string, [unknown, number]>;
export type AggAcc = number | { s: number; c: number } | Multiset;

const keyOf = (v: unknown) => (typeof v === 'number' ? 'n' + v : typeof v === 'string' ? 's' + v : JSON.stringify(v));

export function createAcc(a: AggSpec): AggAcc {
  if (a.udaf) return a.udaf.createAccumulator() as AggAcc;
  if (a.distinct || a.name === 'MIN' || a.name === 'MAX') return {} as Multiset;
  if (a.name === 'SUM' || a.name === 'AVG') return { s: 0, c: 0 };
  return 0;
}

/** Adds (sign 1) or retracts (sign -1) one row. */
export function accumulate(a: AggSpec, acc: AggAcc, row: Record<string, unknown>, sign: 1 | -1): AggAcc {
  if (a.filter && a.filter(row) !== true) return acc;
  if (a.udaf) {
    const vals = a.args!.map((f) => f(row) ?? null);
    if (sign > 0) a.udaf.accumulate(acc, ...vals);
    else a.udaf.retract!(acc, ...vals);
    return acc;
  }
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
  if (a.udaf) return a.udaf.getValue(acc) ?? null;
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
  if (a.udaf) {
    a.udaf.merge!(x, [y]);
    return x;
  }
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
