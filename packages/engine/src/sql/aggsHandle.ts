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
  name: 'COUNT' | 'SUM' | 'AVG' | 'MIN' | 'MAX';
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

/**
 * The handle for `calls` grouped by `keysJs` (each over `r`), or undefined when a call has no compiled form (DISTINCT
 * is left to the generic accumulators) or code generation from strings is refused. The result row has `$g<i>`,
 * `$a<i>` and the window columns `$ws`, `$we`, `$wt` (set by the window function: present from the start, so that
 * setting them does not change the row's shape).
 */
export function compileAggsHandle(calls: (AggCall & { distinct: boolean })[], keysJs: string[]): AggsHandle | undefined {
  if (calls.some((c) => c.distinct)) return undefined;
  const init: string[] = ['n: 0', ...keysJs.map((_, i) => `g${i}: null`)];
  const firstRow = keysJs.map((k, i) => `acc.g${i} = ${k};`);
  const adds: string[] = [];
  const merges: string[] = keysJs.map((_, i) => `a.g${i} = b.g${i};`);
  const mergeAggs: string[] = [];
  const results: string[] = [...keysJs.map((_, i) => `$g${i}: acc.g${i}`)];
  calls.forEach((c, i) => {
    const a = `acc.a${i}`;
    let add: string;
    switch (c.name) {
      case 'COUNT':
        init.push(`a${i}: 0`);
        add = c.argJs === undefined ? `${a}++;` : `if ((${c.argJs}) != null) ${a}++;`;
        mergeAggs.push(`a.a${i} += b.a${i};`);
        results.push(`$a${i}: ${a}`);
        break;
      case 'SUM':
      case 'AVG':
        // the sum and the count of non-null values (SUM of no values is NULL)
        init.push(`a${i}: 0`, `c${i}: 0`);
        add = `{ const v = ${c.argJs}; if (v != null) { ${a} += v; acc.c${i}++; } }`;
        mergeAggs.push(`a.a${i} += b.a${i}; a.c${i} += b.c${i};`);
        results.push(
          c.name === 'SUM'
            ? `$a${i}: acc.c${i} > 0 ? ${a} : null`
            : `$a${i}: acc.c${i} > 0 ? ${c.integral ? `Math.trunc(${a} / acc.c${i})` : `${a} / acc.c${i}`} : null`,
        );
        break;
      case 'MIN':
      case 'MAX': {
        const better = c.name === 'MIN' ? '<' : '>';
        init.push(`a${i}: null`);
        add = `{ const v = ${c.argJs}; if (v != null && (${a} === null || v ${better} ${a})) ${a} = v; }`;
        mergeAggs.push(`if (b.a${i} !== null && (a.a${i} === null || b.a${i} ${better} a.a${i})) a.a${i} = b.a${i};`);
        results.push(`$a${i}: ${a}`);
        break;
      }
    }
    adds.push(c.filterJs === undefined ? add : `if ((${c.filterJs}) === true) { ${add} }`);
  });
  results.push('$ws: 0', '$we: 0', '$wt: 0');
  // merge reuses `a` (Flink's merge may reuse either accumulator); an empty `a` takes the group values of `b`
  const src = `({
  createAccumulator: () => ({ ${init.join(', ')} }),
  add: (r, acc) => {
    if (acc.n === 0) { ${firstRow.join(' ')} }
    acc.n++;
    ${adds.join('\n    ')}
    return acc;
  },
  getResult: (acc) => ({ ${results.join(', ')} }),
  merge: (a, b) => {
    if (a.n === 0) { ${merges.join(' ')} }
    a.n += b.n;
    ${mergeAggs.join('\n    ')}
    return a;
  },
})`;
  return compileCode(src) as AggsHandle | undefined;
}
