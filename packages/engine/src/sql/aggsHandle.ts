import { compileCode } from './compileExpr.js';
import type { Row } from './tableConnectors.js';

/**
 * Flink's generated AggsHandleFunction for window aggregates: the aggregate functions of one query compiled into one
 * accumulate function over one flat accumulator object (`n` rows, `g<i>` group values, `a<i>`/`c<i>` per aggregate),
 * instead of a loop over generic accumulators per row. Window aggregates take append-only input (the planner refuses
 * updating input), so MIN/MAX keep one value and need no multiset of retractable values, as Flink's window
 * aggregates use the non-retracting accumulators.
 */
export interface AggCall {
  /** A built-in aggregate, or the name of a user-defined one (with `udaf`). */
  name: string;
  /** A user-defined aggregate function's registration id (F.$udaf[id]), and its arguments over `r`. */
  udaf?: number;
  argsJs?: string[];
  /** The argument over the input row `r` (generated JS); undefined for COUNT(*). */
  argJs?: string;
  /** The FILTER (WHERE ...) condition over `r`. */
  filterJs?: string;
  /** AVG of an integral type stays integral (Flink: AVG of INT is INT). */
  integral: boolean;
}

/** The window operator's AggregateFunction over the compiled accumulator; getResult makes the aggregate's row. */
export interface AggsHandle {
  createAccumulator(): AggsAcc;
  add(r: Row, acc: AggsAcc): AggsAcc;
  getResult(acc: AggsAcc): Row;
  merge(a: AggsAcc, b: AggsAcc): AggsAcc;
}
export type AggsAcc = Record<string, unknown> & { n: number };

const COMPILED = new Set(['COUNT', 'SUM', 'AVG', 'MIN', 'MAX']);
/** A call with a compiled form: a built-in aggregate or a user-defined one (its methods called by id), no DISTINCT. */
const compiled = (c: AggCall & { distinct: boolean }) => !c.distinct && (COMPILED.has(c.name) || c.udaf !== undefined);

/** The generated pieces of a handle: accumulator fields, per-row statements, merge statements, result fields. */
function pieces(calls: (AggCall & { distinct: boolean })[], keysJs: string[], retracting: boolean) {
  const init: string[] = ['n: 0', ...keysJs.map((_, i) => `g${i}: null`)];
  const firstRow = keysJs.map((k, i) => `acc.g${i} = ${k};`);
  const adds: string[] = [];
  const retracts: string[] = [];
  const merges: string[] = keysJs.map((_, i) => `a.g${i} = b.g${i};`);
  const mergeAggs: string[] = [];
  const results: string[] = [...keysJs.map((_, i) => `$g${i}: acc.g${i}`)];
  const filtered = (c: AggCall, stmt: string) => (c.filterJs === undefined ? stmt : `if ((${c.filterJs}) === true) { ${stmt} }`);
  for (const [i, c] of calls.entries()) {
    const a = `acc.a${i}`;
    if (c.udaf !== undefined) {
      // Flink's AggregateFunction: its accumulator is a field of the flat one, its methods are called in place
      const u = `F.$udaf[${c.udaf}]`;
      const args = (c.argsJs ?? []).map((x) => `(${x}) ?? null`).join(', ');
      init.push(`a${i}: ${u}.createAccumulator()`);
      adds.push(filtered(c, `${u}.accumulate(${a}${args ? ', ' + args : ''});`));
      retracts.push(filtered(c, `${u}.retract(${a}${args ? ', ' + args : ''});`));
      mergeAggs.push(`${u}.merge(a.a${i}, [b.a${i}]);`);
      results.push(`$a${i}: ${u}.getValue(${a}) ?? null`);
      continue;
    }
    switch (c.name) {
      case 'COUNT':
        init.push(`a${i}: 0`);
        adds.push(filtered(c, c.argJs === undefined ? `${a}++;` : `if ((${c.argJs}) != null) ${a}++;`));
        retracts.push(filtered(c, c.argJs === undefined ? `${a}--;` : `if ((${c.argJs}) != null) ${a}--;`));
        mergeAggs.push(`a.a${i} += b.a${i};`);
        results.push(`$a${i}: ${a}`);
        break;
      case 'SUM':
      case 'AVG':
        // the sum and the count of non-null values (SUM of no values is NULL)
        init.push(`a${i}: 0`, `c${i}: 0`);
        adds.push(filtered(c, `{ const v = ${c.argJs}; if (v != null) { ${a} += v; acc.c${i}++; } }`));
        retracts.push(filtered(c, `{ const v = ${c.argJs}; if (v != null) { ${a} -= v; acc.c${i}--; } }`));
        mergeAggs.push(`a.a${i} += b.a${i}; a.c${i} += b.c${i};`);
        results.push(
          c.name === 'SUM'
            ? `$a${i}: acc.c${i} > 0 ? ${a} : null`
            : `$a${i}: acc.c${i} > 0 ? ${c.integral ? `Math.trunc(${a} / acc.c${i})` : `${a} / acc.c${i}`} : null`,
        );
        break;
      case 'MIN':
      case 'MAX': {
        // one value: only for input without retractions (a retracted extreme needs the generic multiset)
        if (retracting) return undefined;
        const better = c.name === 'MIN' ? '<' : '>';
        init.push(`a${i}: null`);
        adds.push(filtered(c, `{ const v = ${c.argJs}; if (v != null && (${a} === null || v ${better} ${a})) ${a} = v; }`));
        mergeAggs.push(`if (b.a${i} !== null && (a.a${i} === null || b.a${i} ${better} a.a${i})) a.a${i} = b.a${i};`);
        results.push(`$a${i}: ${a}`);
        break;
      }
    }
  }
  return { init, firstRow, adds, retracts, merges, mergeAggs, results };
}

/**
 * The handle for `calls` grouped by `keysJs` (each over `r`), or undefined when a call has no compiled form (DISTINCT
 * is left to the generic accumulators) or code generation from strings is refused. The result row has `$g<i>`,
 * `$a<i>` and the window columns `$ws`, `$we`, `$wt` (set by the window function: present from the start, so that
 * setting them does not change the row's shape).
 */
export function compileAggsHandle(calls: (AggCall & { distinct: boolean })[], keysJs: string[]): AggsHandle | undefined {
  if (!calls.every(compiled)) return undefined;
  const p = pieces(calls, keysJs, false)!;
  // merge reuses `a` (Flink's merge may reuse either accumulator); an empty `a` takes the group values of `b`
  const src = `({
  createAccumulator: () => ({ ${p.init.join(', ')} }),
  add: (r, acc) => {
    if (acc.n === 0) { ${p.firstRow.join(' ')} }
    acc.n++;
    ${p.adds.join('\n    ')}
    return acc;
  },
  getResult: (acc) => ({ ${[...p.results, '$ws: 0', '$we: 0', '$wt: 0'].join(', ')} }),
  merge: (a, b) => {
    if (a.n === 0) { ${p.merges.join(' ')} }
    a.n += b.n;
    ${p.mergeAggs.join('\n    ')}
    return a;
  },
})`;
  return compileCode(src) as AggsHandle | undefined;
}

/**
 * An unwindowed (updating) aggregation's functions over one flat accumulator: accumulate and retract a row (`n` counts
 * the rows), and the aggregate's row (`$g<i>`, `$a<i>`). MIN/MAX compile only for append-only input (`retracting`
 * false); otherwise, and for DISTINCT, undefined (the generic accumulators).
 */
export interface GroupAggsHandle {
  createAccumulator(): AggsAcc;
  accumulate(r: Row, acc: AggsAcc): void;
  retract(r: Row, acc: AggsAcc): void;
  getValue(acc: AggsAcc): Row;
}

export function compileGroupAggsHandle(calls: (AggCall & { distinct: boolean })[], keysJs: string[], retracting: boolean): GroupAggsHandle | undefined {
  if (!calls.every(compiled)) return undefined;
  const p = pieces(calls, keysJs, retracting);
  if (!p) return undefined;
  const src = `({
  createAccumulator: () => ({ ${p.init.join(', ')} }),
  accumulate: (r, acc) => {
    if (acc.n === 0) { ${p.firstRow.join(' ')} }
    acc.n++;
    ${p.adds.join('\n    ')}
  },
  retract: (r, acc) => {
    acc.n--;
    ${p.retracts.join('\n    ')}
  },
  getValue: (acc) => ({ ${p.results.join(', ')} }),
})`;
  return compileCode(src) as GroupAggsHandle | undefined;
}
