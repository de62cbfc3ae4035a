import type { DataStream } from '../api/DataStream.js';
import type { StreamExecutionEnvironment } from '../api/StreamExecutionEnvironment.js';
import type { AggregateFunction, Collector, KeyedProcessContext, OnTimerContext, RuntimeContext } from '../api/functions.js';
import { ValueStateDescriptor, type ValueStateLike } from '../state/StateDescriptor.js';
import { StateTtlConfig } from '../state/StateTtlConfig.js';
import { SlidingEventTimeWindows, SlidingProcessingTimeWindows } from '../windows/assigners/SlidingWindows.js';
import { EventTimeSessionWindows, ProcessingTimeSessionWindows } from '../windows/assigners/SessionWindows.js';
import { TumblingEventTimeWindows, TumblingProcessingTimeWindows } from '../windows/assigners/TumblingWindows.js';
import type { WindowAssigner } from '../windows/assigners/WindowAssigner.js';
import type { TimeWindow } from '../windows/Window.js';
import { accumulate, aggSpecOf, createAcc, finish, mergeAcc, requireAggMethods, result, type AggAcc, type AggSpec } from './aggregates.js';
import type { Expr, From, Query } from './ast.js';
import type { SqlCatalog } from './catalog.js';
import { compileAggsHandle, compileGroupAggsHandle, type AggCall, type AggsAcc, type GroupAggsHandle } from './aggsHandle.js';
import { groupKeyJs, joinKeyJs } from './rowKeys.js';
import { compileCode, compileExpr, compileJs, compilePiece, exprJs, isAggregate, RelScope, typeOf, WINDOW_PROPS, type Piece, type Scope, type ScopeEntry } from './compileExpr.js';
import { indent, lazyRel } from './rel.js';
import { SqlError } from './SqlError.js';
import { intervalBounds, intervalExplain, IntervalJoinFunction, timeAttrResolver } from './intervalJoin.js';
import { restamp } from './restamp.js';
import { streamingJoin, StreamingJoinFunction } from './join.js';
import { WindowAttachedAggFunction } from './windowAttachedAggregate.js';
import { WindowJoinFunction, windowJoinBounds } from './windowJoin.js';
import { isOverAggregate, planOverAggregate } from './overAggregate.js';
import { planQueryTail } from './queryTail.js';
import { correlate } from './correlate.js';
import { tableSource, type Row } from './tableConnectors.js';
import type { Column } from './types.js';

/** A planned relation: its stream of rows (updating ones carry `$rowKind`), columns, and EXPLAIN text. */
export interface Rel {
  stream: DataStream<Row>;
  columns: Column[];
  updating: boolean;
  explain: string;
  /** Set when the relation is a Calc (filters and projections): a following Calc fuses into it (see Calc). */
  calc?: Calc;
  /** Set when the relation is a window TVF: aggregations over its windows use the engine's window operator. */
  tvf?: { fn: 'TUMBLE' | 'HOP' | 'CUMULATE'; timeCol: string; intervals: number[]; base: Rel; proctime: boolean };
}

/**
 * Filters and projections over one input, fused at plan time (Flink's Calc after CalcMergeRule): a query over a view
 * over a table is one Calc whose expressions read the table's rows, the view's columns inlined as the expressions
 * that compute them (so `bid.price` of the events table is read where the query needs it, and no view row is made).
 * Its stream is a filter (all conditions) and a map (one object literal per output row): two operators the engine
 * chains into one batch loop with the operators around them (runtime/OperatorChain.ts).
 */
export interface Calc {
  input: Rel;
  /** Conditions over the input row; a row passes when all are TRUE (in order: a later one sees only rows that passed). */
  conds: Piece[];
  /** The output columns computed from the input row; undefined: the input row passes as it is. */
  proj?: { name: string; p: Piece }[];
  /** The projection copies the input row's `$rowKind` (an updating relation). */
  rowKind: boolean;
  /** The whole Calc on one row (null: filtered out), for operators that apply it themselves (window Top-N). */
  fn: (r: Row) => Row | null;
}

/** The Calc's condition as one function; undefined when it has none. */
function calcFilter(c: Pick<Calc, 'conds'>): ((r: Row) => boolean) | undefined {
  if (!c.conds.length) return undefined;
  const fns = c.conds.map((p) => p.fn);
  return compileJs(c.conds.map((p) => `(${p.js}) === true`).join(' && '), () => (r) => fns.every((f) => f(r) === true)) as (r: Row) => boolean;
}

/**
 * The Calc's projection as one object literal (a fixed shape V8 builds in one step); `extra` adds constant fields
 * (toChangelogStream's `$rowKind: '+I'`, set where the row is made rather than by a copy).
 */
export function calcMap(c: Pick<Calc, 'proj' | 'rowKind'>, extra: Record<string, string> = {}): ((r: Row) => Row) | undefined {
  if (!c.proj) return undefined;
  const proj = c.proj;
  const fields = proj.map(({ name, p }) => `${JSON.stringify(name)}: ${p.js}`);
  if (c.rowKind) fields.push('"$rowKind": r.$rowKind');
  for (const [k, v] of Object.entries(extra)) fields.push(`${JSON.stringify(k)}: ${JSON.stringify(v)}`);
  const rowKind = c.rowKind;
  return compileJs(`({${fields.join(', ')}})`, () => (r) => {
    const o: Row = {};
    for (const { name, p } of proj) o[name] = p.fn(r);
    if (rowKind) o.$rowKind = r.$rowKind;
    Object.assign(o, extra);
    return o;
  }) as (r: Row) => Row;
}

/** The Calc's stream: its input, filtered, mapped (each only if there is something to do). */
export function calcStream(c: Calc, extra?: Record<string, string>): DataStream<Row> {
  let s = c.input.stream;
  const f = calcFilter(c);
  if (f) s = s.filter(f, 'Calc(where)');
  const m = calcMap(c, extra);
  if (m) s = s.map(m, 'Calc(select)');
  return s;
}

/** The Calc of `rel` when another Calc may fuse into it (its projections can be inlined: they are deterministic). */
function fusable(rel: Rel, scope: Scope): Calc | undefined {
  const c = rel.calc;
  if (!c) return undefined;
  if (!c.proj) return c;
  if (!(scope instanceof RelScope) || !c.proj.every((x) => x.p.deterministic)) return undefined;
  return c;
}

/** `scope` (over the Calc's output) with each column inlined as the Calc's expression over its input row. */
function inlined(scope: Scope, c: Calc): Scope | undefined {
  if (!c.proj) return scope;
  const proj = c.proj;
  const entries = (scope as RelScope).entries.map((e) => ({ ...e, inline: proj.find((x) => x.name === e.key)?.p }));
  return entries.every((e) => e.inline) ? new RelScope(entries) : undefined;
}

export interface PlannerOptions {
  stateTtlMs?: number;
  /** Flink's table.optimizer.reuse-sub-plan-enabled (default true): see Planner.query. */
  reuseSubPlans?: boolean;
}

const strip = (e: unknown): string => JSON.stringify(e, (k, v) => (k === 'pos' ? undefined : v));
const posOf = (e: { pos?: { line: number; column: number } }) => e.pos;

function walk(e: Expr, f: (e: Expr) => boolean | void): void {
  if (f(e) === false) return;
  switch (e.k) {
    case 'bin': walk(e.l, f); walk(e.r, f); break;
    case 'not': case 'neg': case 'cast': case 'isnull': walk(e.e, f); break;
    case 'case': if (e.operand) walk(e.operand, f); e.whens.forEach(([a, b]) => { walk(a, f); walk(b, f); }); if (e.else) walk(e.else, f); break;
    case 'in': walk(e.e, f); e.list.forEach((x) => walk(x, f)); break;
    case 'between': walk(e.e, f); walk(e.lo, f); walk(e.hi, f); break;
    case 'like': walk(e.e, f); walk(e.pattern, f); break;
    case 'call': e.args.forEach((x) => walk(x, f)); break;
    default: break;
  }
}

/** Plans SQL queries onto the engine's DataStream operators (Flink's names in the EXPLAIN text). */
export class Planner {
  constructor(
    readonly env: StreamExecutionEnvironment,
    readonly catalog: SqlCatalog,
    readonly opts: PlannerOptions = {},
  ) {}

  /** The relations planned so far by their query's text (positions left out): see query(). */
  private readonly planned = new Map<string, Rel>();

  /**
   * A query written more than once in a statement (the same subquery on both sides of a join, a view read twice) is
   * planned once and its stream runs once, its rows going to each reader (Flink's sub-plan reuse): q5's two identical
   * HOP aggregations are one operator.
   */
  query(q: Query): Rel {
    if (this.opts.reuseSubPlans === false) return this.planQuery(q);
    const key = strip(q);
    let rel = this.planned.get(key);
    if (rel === undefined) this.planned.set(key, (rel = this.planQuery(q)));
    return rel;
  }

  private planQuery(q: Query): Rel {
    // UNION, DISTINCT, ORDER BY, LIMIT: queryTail.ts
    if (q.setOp || q.orderBy || q.limit !== undefined || q.distinct) return planQueryTail(this, q);
    if (!q.from) throw new SqlError('SELECT without FROM is not supported', q.pos?.line, q.pos?.column);
    // a comma join takes its condition from WHERE; so does an inner join (the same rows: ON c WHERE w is ON c AND w),
    // so that conditions on one side filter that side before the join (Flink's FilterIntoJoinRule)
    const commaJoin = q.from.k === 'join' && (!q.from.on || q.from.type === 'INNER') && q.where !== undefined;
    const needed = referencedNames(q);
    const from = commaJoin ? this.join(q.from as Extract<From, { k: 'join' }>, q.where, needed) : this.fromItem(q.from, needed);
    // rows an aggregation or a window keeps carry only the columns the query reads (a projection fuses anyway)
    if (needed && q.from.k !== 'join') this.prune(from, needed);
    let { rel, scope } = from;
    if (q.where && !commaJoin) {
      const base = rel;
      rel = this.filterRel(base, q.where, scope, `Calc(where=[${whereText(q)}])\n${indent(base.explain)}`);
      // WHERE over a window TVF filters its input too, so a window aggregation after it still sees the TVF
      if (base.tvf) {
        const t = base.tvf;
        const baseScope = new RelScope(scope.entries.filter((e) => !['window_start', 'window_end', 'window_time'].includes(e.name)));
        let readsWindow = false;
        try {
          compileExpr(q.where, baseScope);
        } catch {
          readsWindow = true; // the condition reads window columns: only the TVF's rows can be filtered
        }
        if (!readsWindow) rel.tvf = { ...t, base: this.filterRel(t.base, q.where, baseScope, `Calc(where=[${whereText(q)}])\n${indent(t.base.explain)}`) };
      }
    }
    const aggs: Expr[] = [];
    const findAggs = (e: Expr) =>
      walk(e, (x) => {
        if (x.k === 'call' && isAggregate(x.name) && !x.over) {
          if (!aggs.some((a) => strip(a) === strip(x))) aggs.push(x);
          return false;
        }
      });
    q.items.forEach((i) => findAggs(i.e));
    if (q.having) findAggs(q.having);
    if (q.groupBy.length || aggs.length) return this.aggregate(q, rel, scope, aggs);
    if (q.items.some((i) => i.e.k === 'call' && i.e.over)) return this.overQuery(q, rel, scope);
    return this.project(q, rel, scope);
  }

  /**
   * A window aggregation over a Calc reads the Calc's input rows: the Calc's conditions filter them and its projections
   * are inlined where the keys and aggregate arguments read its columns, so no row is made per input row only to be
   * keyed and accumulated (Flink's generated code reads the Calc's input fields the same way). Only the window
   * operator keeps rows (its accumulators), and the records' timestamps, which window it, are the same either way.
   */
  private fuseCalcInput(input: Rel, scope: RelScope): { input: Rel; scope: RelScope } {
    const c = fusable(input, scope);
    if (!c?.proj || input.updating) return { input, scope };
    const fused = inlined(scope, c);
    if (!fused) return { input, scope };
    const f = calcFilter(c);
    const base = c.input;
    const rel = this.derive(base, () => (f ? base.stream.filter(f, 'Calc(where)') : base.stream), input.explain, input.columns, false);
    return { input: rel, scope: fused as RelScope };
  }

  /** A relation whose stream is built when first used (a TVF's rows are only built if something reads them). */
  private derive(base: Rel, build: () => DataStream<Row>, explain: string, columns = base.columns, updating = base.updating): Rel {
    return lazyRel(build, columns, updating, explain);
  }

  /** A relation that is a Calc: built (filter, map) only when its stream is used, and fusable with a Calc after it. */
  private calcRel(input: Rel, conds: Piece[], proj: Calc['proj'], rowKind: boolean, explain: string, columns: Column[], updating: boolean): Rel {
    let fn: Calc['fn'] | undefined;
    const calc: Calc = {
      input,
      conds,
      proj,
      rowKind,
      // compiled on first use: a Calc that a later one fuses into is never run itself
      get fn() {
        if (!fn) {
          const filter = calcFilter({ conds });
          const map = calcMap({ proj, rowKind });
          fn = (r: Row): Row | null => (filter && !filter(r) ? null : map ? map(r) : r);
        }
        return fn;
      },
    };
    const rel = this.derive(input, () => calcStream(calc), explain, columns, updating);
    rel.calc = calc;
    return rel;
  }

  /** A projection of `input`'s rows by expressions already compiled over them (a code table's computed columns). */
  calcOf(input: Rel, proj: NonNullable<Calc['proj']>, explain: string, columns: Column[]): Rel {
    return this.calcRel(input, [], proj, false, explain, columns, false);
  }

  /** WHERE / HAVING: a condition, fused into the Calc before it when there is one. */
  private filterRel(base: Rel, cond: Expr, scope: Scope, explain: string, special?: (e: Expr) => string | undefined): Rel {
    const c = fusable(base, scope);
    const s = c && inlined(scope, c);
    if (c && s) return this.calcRel(c.input, [...c.conds, compilePiece(cond, s, special)], c.proj, c.rowKind, explain, base.columns, base.updating);
    return this.calcRel(base, [compilePiece(cond, scope, special)], undefined, false, explain, base.columns, base.updating);
  }

  /**
   * A projection (SELECT list): its items compiled over the Calc before it when there is one (the previous columns
   * inlined), else over `base`'s rows. `items` give an expression or (SELECT *) a scope entry.
   */
  private projectRel(
    base: Rel,
    scope: Scope,
    items: { name: string; e?: Expr; entry?: RelScope['entries'][number] }[],
    explain: string,
    columns: Column[],
    updating: boolean,
    special?: (e: Expr) => string | undefined,
  ): Rel {
    const c = fusable(base, scope);
    const s = c && inlined(scope, c);
    const use = c && s ? s : scope;
    const proj = items.map(({ name, e, entry }) => {
      if (e) return { name, p: compilePiece(e, use, special) };
      const inline = c && s ? (s as RelScope).entries.find((x) => x.key === entry!.key)?.inline : undefined;
      const key = entry!.key;
      return { name, p: inline ?? { js: `r[${JSON.stringify(key)}]`, fn: (r: Row) => r[key], deterministic: true } };
    });
    if (c && s) return this.calcRel(c.input, c.conds, proj, updating, explain, columns, updating);
    return this.calcRel(base, [], proj, updating, explain, columns, updating);
  }

  /** A FROM item that is a Calc projects only the columns in `needed` (Flink's projection pushdown). */
  private prune(x: { rel: Rel; scope: RelScope }, needed: Set<string>): void {
    const c = x.rel.calc;
    if (!c?.proj) return;
    const keep = c.proj.filter((p) => needed.has(p.name.toLowerCase()));
    if (keep.length === c.proj.length) return;
    const names = new Set(keep.map((p) => p.name));
    x.rel = this.calcRel(c.input, c.conds, keep, c.rowKind, x.rel.explain, x.rel.columns.filter((col) => names.has(col.name)), x.rel.updating);
    x.scope = new RelScope(x.scope.entries.filter((e) => names.has(e.key)));
  }

  /** `needed`: the column names the query reads (a join's inputs drop the others), undefined for all. */
  fromItem(f: From, needed?: Set<string>): { rel: Rel; scope: RelScope } {
    switch (f.k) {
      case 'table': {
        const rel = this.table(f.name, f.pos);
        return { rel, scope: RelScope.of(rel.columns, f.alias ?? f.name) };
      }
      case 'sub': {
        const rel = this.query(f.query);
        return { rel, scope: RelScope.of(rel.columns, f.alias) };
      }
      case 'tvf':
        return this.tvf(f);
      case 'join':
        return this.join(f, undefined, needed);
      case 'lateral':
        throw new SqlError(`${f.unnest ? 'UNNEST(...)' : 'LATERAL TABLE(...)'} must follow a table it reads: FROM t, LATERAL TABLE(f(t.x)) or FROM t CROSS JOIN UNNEST(t.arr)`, f.pos?.line, f.pos?.column);
    }
  }

  /**
   * A regular join: equality conditions between the two sides become the key both sides are partitioned and kept by;
   * all conditions are checked on each joined pair (SQL's NULL = NULL is not a match).
   */
  private join(f: Extract<From, { k: 'join' }>, extraCondition?: Expr, needed?: Set<string>): { rel: Rel; scope: RelScope } {
    if (f.right.k === 'lateral') return this.lateralJoin(f, f.right, extraCondition, needed);
    const L = this.fromItem(f.left, needed);
    const R = this.fromItem(f.right, needed);
    const sides = { L, R };
    // a side that is a Calc projects only the columns the query reads: the join keeps and combines fewer fields
    // (Flink's projection pushdown into a join's inputs)
    if (needed) for (const x of [L, R]) this.prune(x, needed);
    const used = new Set<string>();
    const unique = (name: string) => {
      let k = name;
      for (let i = 0; used.has(k); i++) k = `${name}${i}`;
      used.add(k);
      return k;
    };
    const lMap = L.scope.entries.map((e) => ({ ...e, newKey: unique(e.key) }));
    const rMap = R.scope.entries.map((e) => ({ ...e, newKey: unique(e.key) }));
    const scope = new RelScope([...lMap, ...rMap].map((e) => ({ qualifier: e.qualifier, name: e.name, key: e.newKey, type: e.type })));
    const lFrom = lMap.map((e) => e.key);
    const lTo = lMap.map((e) => e.newKey);
    const rFrom = rMap.map((e) => e.key);
    const rTo = rMap.map((e) => e.newKey);
    // the joined row as one generated object literal (one shape, no keyed stores); closures without code generation
    const field = (side: string, from: string[], to: string[]) => to.map((t, i) => `${JSON.stringify(t)}: ${side} === null ? null : ${side}[${JSON.stringify(from[i])}]`);
    const combine =
      (compileCode(`((l, o) => ({ ${[...field('l', lFrom, lTo), ...field('o', rFrom, rTo)].join(', ')} }))`) as ((l: Row | null, r: Row | null) => Row) | undefined) ??
      ((l: Row | null, r: Row | null): Row => {
        const o: Row = {};
        for (let i = 0; i < lTo.length; i++) o[lTo[i]!] = l ? l[lFrom[i]!] : null;
        for (let i = 0; i < rTo.length; i++) o[rTo[i]!] = r ? r[rFrom[i]!] : null;
        return o;
      });
    const cond = f.on && extraCondition ? ({ k: 'bin', op: 'AND', l: f.on, r: extraCondition } as Expr) : (f.on ?? extraCondition);
    if (!cond) throw new SqlError('a join needs a condition (ON, or WHERE for a comma join)', f.pos?.line, f.pos?.column);
    // equality conjuncts with one side in each input are the join key
    const conjuncts: Expr[] = [];
    const split = (e: Expr): void => {
      if (e.k === 'bin' && e.op.toUpperCase() === 'AND') {
        split(e.l);
        split(e.r);
      } else conjuncts.push(e);
    };
    split(cond);
    const sideOf = (e: Expr): 'L' | 'R' | undefined => {
      let side: 'L' | 'R' | undefined;
      let mixed = false;
      walk(e, (x) => {
        if (x.k !== 'col') return;
        let s: 'L' | 'R' | undefined;
        try {
          L.scope.resolve(x.path);
          s = 'L';
        } catch {
          try {
            R.scope.resolve(x.path);
            s = 'R';
          } catch {
            s = undefined;
          }
        }
        if (s && side && s !== side) mixed = true;
        side = s ?? side;
      });
      return mixed ? undefined : side;
    };
    // a condition on one side only filters that side's rows before the join, where no row of the other side can be
    // NULL padding for it: both sides of an inner join, the inner side of an outer join (Flink's join pushdown)
    const residual: Expr[] = [];
    for (const c of conjuncts) {
      const side = sideOf(c);
      const pushable = side !== undefined && (f.type === 'INNER' || (f.type === 'LEFT' && side === 'R') || (f.type === 'RIGHT' && side === 'L'));
      if (!pushable) {
        residual.push(c);
        continue;
      }
      const x = sides[side];
      x.rel = this.filterRel(x.rel, c, x.scope, `Calc(where=[${exprText(c)}])\n${indent(x.rel.explain)}`);
    }
    const lKeys: Expr[] = [];
    const rKeys: Expr[] = [];
    for (const c of residual) {
      if (c.k !== 'bin' || c.op !== '=') continue;
      const a = sideOf(c.l);
      const b = sideOf(c.r);
      if (a === 'L' && b === 'R') (lKeys.push(c.l), rKeys.push(c.r));
      else if (a === 'R' && b === 'L') (lKeys.push(c.r), rKeys.push(c.l));
    }
    // time bounds between the two sides' time attributes over append-only inputs: an interval join (intervalJoin.ts)
    const interval = L.rel.updating || R.rel.updating ? undefined : intervalBounds(residual, timeAttrResolver([
      { side: 'L', resolve: (p) => L.scope.resolve(p), columns: L.rel.columns },
      { side: 'R', resolve: (p) => R.scope.resolve(p), columns: R.rel.columns },
    ]));
    if (!lKeys.length && !interval) throw new SqlError('a join needs an equality condition between its two sides (cross joins are not supported)', f.pos?.line, f.pos?.column);
    const lk = lKeys.map((k) => compileExpr(k, L.scope));
    const rk = rKeys.map((k) => compileExpr(k, R.scope));
    const keyFn = (fns: ((r: Row) => unknown)[], keys: Expr[], sc: Scope): ((r: Row) => string | number) =>
      compileJs(joinKeyJs(keys.map((k) => exprJs(k, sc))), () => keyClosure(fns)) as (r: Row) => string | number;
    const keyClosure = (fns: ((r: Row) => unknown)[]): ((r: Row) => string | number) => {
      if (fns.length !== 1) return (r) => JSON.stringify(fns.map((g) => g(r)));
      // one key: a number is its own key (no string per row); others as text that no number key equals
      const g = fns[0]!;
      return (r) => {
        const v = g(r);
        return typeof v === 'number' ? v : typeof v === 'string' ? `s${v}` : JSON.stringify([v]);
      };
    };
    // the equality conditions stay: the key is their values as text, the condition is SQL's = on the values
    const residualFn = residual.length === 0 ? () => true : compileExpr(residual.reduce((a, b) => ({ k: 'bin', op: 'AND', l: a, r: b }) as Expr), scope);
    // a key that is a window bound column of its side (also when a projection renamed it)
    const bound = (e: Expr, side: 'L' | 'R') => {
      if (e.k !== 'col') return undefined;
      const x = sides[side];
      const key = x.scope.resolve(e.path).key;
      return x.rel.columns.find((c) => c.name === key)?.window;
    };
    const winBounds = windowJoinBounds(lKeys, rKeys, bound);
    const winEnd = winBounds?.end;
    const updating = !interval && (L.rel.updating || R.rel.updating || (f.type !== 'INNER' && winEnd === undefined));
    const ttl = this.opts.stateTtlMs;
    // an interval join keeps both sides' time attributes, as Flink's: its output watermark is held back by the
    // bounds (IntervalJoinFunction.outputWatermarkDelay), so windows over the joined rows see none of them late
    const timeOf = (rel: Rel, key: string): Partial<Column> => {
      const time = interval ? rel.columns.find((c) => c.name === key)?.time : undefined;
      // a joined row's record timestamp is that of either side's row: windows over a rowtime restamp (restamp.ts)
      return time ? { time, ...(time === 'rowtime' ? { restamp: true } : {}) } : {};
    };
    const columns: Column[] = [
      ...lMap.map((e) => ({ name: e.newKey, type: e.type, ...timeOf(L.rel, e.key) })),
      ...rMap.map((e) => ({ name: e.newKey, type: e.type, ...timeOf(R.rel, e.key) })),
    ];
    const lRel = L.rel;
    const rRel = R.rel;
    // window_start and window_end of both sides among the keys, append-only inputs: a window join (windowJoin.ts)
    const wEnd = interval || L.rel.updating || R.rel.updating ? undefined : winEnd;
    const fn = interval
      ? new IntervalJoinFunction(f.type, interval, combine, (r) => residualFn(r) === true)
      : wEnd !== undefined
        ? new WindowJoinFunction(f.type, combine, (r) => residualFn(r) === true, lk[wEnd]!, rk[wEnd]!, pairCondition(residual, lMap, rMap))
        : new StreamingJoinFunction(f.type, combine, (r) => residualFn(r) === true, updating, ttl, pairCondition(residual, lMap, rMap));
    const opName = interval ? 'IntervalJoin' : wEnd !== undefined ? 'WindowJoin' : 'Join';
    // Flink's names: InnerJoin, LeftOuterJoin, RightOuterJoin, FullOuterJoin
    const joinTypeText = f.type === 'INNER' ? 'InnerJoin' : `${f.type[0]}${f.type.slice(1).toLowerCase()}OuterJoin`;
    const rel = this.derive(
      lRel,
      () => {
        // a window join keeps each key's windows apart itself: its key leaves the window bounds out (the residual
        // conditions, which include every equality, still compare them)
        const keep = (_k: unknown, i: number) => wEnd === undefined || (i !== winBounds!.start && i !== winBounds!.end);
        return streamingJoin(lRel.stream, rRel.stream, keyFn(lk.filter(keep), lKeys.filter(keep), L.scope), keyFn(rk.filter(keep), rKeys.filter(keep), R.scope), fn, opName);
      },
      `${opName}(joinType=[${joinTypeText}], ${interval ? intervalExplain(interval) + ', ' : ''}where=[${exprText(cond)}])\n${indent(lRel.explain)}\n${indent(rRel.explain)}`,
      columns,
      updating,
    );
    return { rel, scope };
  }

  /**
   * `t, LATERAL TABLE(f(x))`, `t [LEFT] JOIN LATERAL TABLE(f(x)) ON TRUE`, `t CROSS JOIN UNNEST(arr)`: a Correlate
   * (correlate.ts); an inner join's ON and a comma join's WHERE filter its rows.
   */
  private lateralJoin(f: Extract<From, { k: 'join' }>, lat: Extract<From, { k: 'lateral' }>, extraCondition?: Expr, needed?: Set<string>): { rel: Rel; scope: RelScope } {
    const on = f.on && !(f.on.k === 'lit' && f.on.v === true) ? f.on : undefined;
    if (f.type !== 'INNER' && f.type !== 'LEFT') throw new SqlError(`${f.type} JOIN LATERAL is not supported (INNER or LEFT)`, f.pos?.line, f.pos?.column);
    if (f.type === 'LEFT' && on) throw new SqlError('LEFT JOIN LATERAL TABLE(...) supports only ON TRUE, as in Flink', f.pos?.line, f.pos?.column);
    const left = this.fromItem(f.left, needed);
    if (needed && f.left.k !== 'join') this.prune(left, needed);
    const x = correlate(left, lat, f.type);
    const cond = on && extraCondition ? ({ k: 'bin', op: 'AND', l: on, r: extraCondition } as Expr) : (on ?? extraCondition);
    if (cond) x.rel = this.filterRel(x.rel, cond, x.scope, `Calc(where=[${exprText(cond)}])\n${indent(x.rel.explain)}`);
    return x;
  }

  table(name: string, pos?: { line: number; column: number }): Rel {
    const e = this.catalog.get(name, pos);
    // a view's or a code table's relation as it is: its stream is built only if used, and its Calc fuses with the query's
    if (e.kind === 'view') return this.query(e.query);
    if (e.kind === 'stream') {
      const explain = `DataStreamScan(table=[${name}], fields=[${e.columns.map((c) => c.name).join(', ')}])`;
      const rel = e.rel;
      if (rel) return { get stream() { return rel.stream; }, columns: rel.columns, updating: rel.updating, explain, calc: rel.calc };
      return { stream: e.stream, columns: e.columns, updating: e.updating, explain };
    }
    const src = tableSource(this.env, e.ddl);
    return { stream: src.stream, columns: src.columns, updating: false, explain: src.explain };
  }

  private tvf(f: Extract<From, { k: 'tvf' }>): { rel: Rel; scope: RelScope } {
    let base = this.table(f.table, f.pos);
    let tc = base.columns.find((c) => c.name === f.timeCol);
    if (tc?.restamp) {
      base = restamp(base, f.timeCol);
      tc = base.columns.find((c) => c.name === f.timeCol);
    }
    if (!tc || !tc.time) throw new SqlError(`${f.fn}: DESCRIPTOR(${f.timeCol}) must be a time attribute of ${f.table} (declare a WATERMARK or PROCTIME())`, f.pos?.line, f.pos?.column);
    const need = f.fn === 'TUMBLE' ? 1 : 2;
    if (f.intervals.length < need) throw new SqlError(`${f.fn} needs ${need} interval argument(s)`, f.pos?.line, f.pos?.column);
    const [a, b] = f.intervals as [number, number];
    const size = f.fn === 'TUMBLE' ? a : b;
    const step = a;
    // TUMBLE's optional offset shifts window starts (Flink 1.15+), e.g. INTERVAL '1' SECOND or '-1' SECOND
    const offset = f.fn === 'TUMBLE' ? (f.intervals[1] ?? 0) : 0;
    const col = f.timeCol;
    const proctime = tc.time === 'proctime';
    const columns: Column[] = [...base.columns.map((c) => (c.name === col && f.fn !== 'TUMBLE' ? c : c)), { name: 'window_start', type: 'TIMESTAMP(3)', window: 'start' }, { name: 'window_end', type: 'TIMESTAMP(3)', window: 'end' }, { name: 'window_time', type: proctime ? 'TIMESTAMP_LTZ(3)' : 'TIMESTAMP(3)', time: proctime ? 'proctime' : 'rowtime' }];
    const fn = f.fn;
    const rel = this.derive(
      base,
      () =>
        base.stream.flatMap<Row>((r, out) => {
          const t = r[col] as number;
          if (t === null || t === undefined) return;
          if (fn === 'CUMULATE') {
            const start = t - (((t % size) + size) % size);
            for (let end = start + step; end <= start + size; end += step) if (t < end) out.collect({ ...r, window_start: start, window_end: end, window_time: end - 1 });
            return;
          }
          const last = t - ((((t - offset) % step) + step) % step);
          for (let start = last; start > t - size; start -= step) out.collect({ ...r, window_start: start, window_end: start + size, window_time: start + size - 1 });
        }, `${fn}`),
      `WindowTableFunction(window=[${fn}(time_col=[${col}], ${f.intervals.map((x) => `${x} ms`).join(', ')})])\n${indent(base.explain)}`,
      columns,
    );
    rel.tvf = { fn: f.fn, timeCol: col, intervals: f.intervals, base, proctime };
    return { rel, scope: RelScope.of(columns, f.alias ?? f.table) };
  }

  private outName(e: Expr, alias: string | undefined, i: number): string {
    if (alias) return alias;
    if (e.k === 'col') return e.path[e.path.length - 1]!;
    return `EXPR$${i}`;
  }

  private project(q: Query, rel: Rel, scope: RelScope): Rel {
    const outs: { name: string; e?: Expr; entry?: RelScope['entries'][number]; type: string; time?: Column['time']; restamp?: boolean; window?: Column['window'] }[] = [];
    q.items.forEach((it, i) => {
      if (it.e.k === 'star') {
        const q2 = it.e.qualifier;
        for (const en of scope.entries) {
          if (q2 && en.qualifier !== q2) continue;
          const col = rel.columns.find((c) => c.name === en.key);
          outs.push({ name: en.name, entry: en, type: en.type, time: col?.time, restamp: col?.restamp, window: col?.window });
        }
        return;
      }
      const name = this.outName(it.e, it.alias, i);
      let time: Column['time'];
      let restamp: boolean | undefined;
      let window: Column['window'];
      if (it.e.k === 'col') {
        const c = rel.columns.find((x) => x.name === scope.resolve((it.e as { path: string[] }).path).key);
        time = c?.time;
        restamp = c?.restamp;
        window = c?.window;
      }
      if (it.e.k === 'call' && it.e.name === 'PROCTIME') time = 'proctime';
      compileExpr(it.e, scope); // errors name the query's own columns, before any inlining
      outs.push({ name, e: it.e, type: typeOf(it.e, scope), time, restamp, window });
    });
    dedupeNames(outs);
    const base = rel;
    const columns = outs.map((o) => ({ name: o.name, type: o.type, time: o.time, ...(o.restamp ? { restamp: true } : {}), ...(o.window ? { window: o.window } : {}) }));
    return this.projectRel(base, scope, outs, `Calc(select=[${outs.map((o) => o.name).join(', ')}])\n${indent(base.explain)}`, columns, rel.updating);
  }

  private aggregate(q: Query, rel: Rel, scope: RelScope, aggExprs: Expr[]): Rel {
    // the window of the aggregation: a window TVF grouped by window_start/window_end, or a legacy group window
    let window: { assigner?: WindowAssigner<TimeWindow>; cumulate?: { step: number; size: number }; desc: string } | undefined;
    let groupBy = q.groupBy;
    const legacy = groupBy.find((g) => g.k === 'call' && ['TUMBLE', 'HOP', 'SESSION'].includes(g.name));
    let input = rel;
    let inScope = scope;
    const isWinCol = (g: Expr) => g.k === 'col' && ['window_start', 'window_end', 'window_time'].includes(g.path[g.path.length - 1]!);
    if (legacy && legacy.k === 'call') {
      const tcol = legacy.args[0];
      const ivs = legacy.args.slice(1).map((a) => (a.k === 'interval' ? a.ms : NaN));
      if (!tcol || tcol.k !== 'col' || ivs.some(Number.isNaN)) throw new SqlError(`${legacy.name}(time_attr, INTERVAL ...) expected`, legacy.pos?.line, legacy.pos?.column);
      const key = scope.resolve(tcol.path, tcol.pos).key;
      const c = rel.columns.find((x) => x.name === key);
      if (!c?.time) throw new SqlError(`${legacy.name}: ${key} is not a time attribute (declare a WATERMARK or PROCTIME())`, legacy.pos?.line, legacy.pos?.column);
      const pt = c.time === 'proctime';
      if (c.restamp) input = restamp(input, key);
      const assigner =
        legacy.name === 'TUMBLE'
          ? pt ? TumblingProcessingTimeWindows.of(ivs[0]!) : TumblingEventTimeWindows.of(ivs[0]!)
          : legacy.name === 'HOP'
            ? pt ? SlidingProcessingTimeWindows.of(ivs[1]!, ivs[0]!) : SlidingEventTimeWindows.of(ivs[1]!, ivs[0]!)
            : pt ? ProcessingTimeSessionWindows.withGap(ivs[0]!) : EventTimeSessionWindows.withGap(ivs[0]!);
      window = { assigner: assigner as WindowAssigner<TimeWindow>, desc: `${legacy.name}(${key}, ${ivs.map((x) => `${x} ms`).join(', ')})` };
      groupBy = groupBy.filter((g) => g !== legacy);
      ({ input, scope: inScope } = this.fuseCalcInput(input, inScope));
    } else if (rel.tvf && groupBy.some(isWinCol)) {
      const t = rel.tvf;
      const [a, b] = t.intervals as [number, number];
      const off = t.fn === 'TUMBLE' ? (b ?? 0) : 0;
      const assigner = t.fn === 'CUMULATE' ? undefined : t.fn === 'TUMBLE' ? (t.proctime ? TumblingProcessingTimeWindows.of(a, off) : TumblingEventTimeWindows.of(a, off)) : t.proctime ? SlidingProcessingTimeWindows.of(b, a) : SlidingEventTimeWindows.of(b, a);
      window = { assigner: assigner as WindowAssigner<TimeWindow>, desc: `${t.fn}(${t.timeCol}, ${t.intervals.map((x) => `${x} ms`).join(', ')})` };
      if (t.fn === 'CUMULATE') {
        if (t.proctime) throw new SqlError('CUMULATE windows need an event-time attribute', q.pos?.line, q.pos?.column);
        window = { cumulate: { step: a, size: b }, desc: window.desc };
      }
      groupBy = groupBy.filter((g) => !isWinCol(g));
      ({ input, scope: inScope } = this.fuseCalcInput(t.base, new RelScope(scope.entries.filter((e) => !['window_start', 'window_end', 'window_time'].includes(e.name)))));
      if (t.fn === 'HOP' && !t.proctime) input = dropLateSlices(input, gcd(a, b));
    }
    // group keys that are the window bounds of an append-only input (a window aggregation's window_start/window_end,
    // also renamed): a window aggregation over the windows the rows carry (windowAttachedAggregate.ts)
    const bounds = window || rel.updating ? [] : groupBy.map((g) => windowBoundOf(g, rel, scope));
    const attachedEnd = bounds.indexOf('end');
    if (attachedEnd >= 0) ({ input, scope: inScope } = this.fuseCalcInput(input, inScope));
    if (window && input.updating) throw new SqlError('window aggregations need an append-only input; this input is an updating query', q.pos?.line, q.pos?.column);

    const keyFns = groupBy.map((g) => compileExpr(g, inScope));
    const keyTypes = groupBy.map((g) => typeOf(g, inScope));
    const specs: AggSpec[] = aggExprs.map((a) => {
      if (a.k !== 'call') throw new Error('not an aggregate');
      return aggSpecOf(a, inScope);
    });
    requireAggMethods(specs, { retract: input.updating ? 'an updating input' : undefined, merge: legacy?.k === 'call' && legacy.name === 'SESSION' ? 'a SESSION window' : undefined });
    const aggTypes = aggExprs.map((a) => typeOf(a, inScope));
    const integral = aggTypes.map((t) => /^(TINYINT|SMALLINT|INT|INTEGER|BIGINT)\b/.test(t));

    // the aggregate's rows: $g<i> group values, $a<i> aggregate values, $ws/$we window bounds
    const special = (e: Expr): string | undefined => {
      const s = strip(e);
      const ai = aggExprs.findIndex((a) => strip(a) === s);
      if (ai >= 0) return `$a${ai}`;
      const gi = groupBy.findIndex((g) => sameExpr(g, e, inScope));
      if (gi >= 0) return `$g${gi}`;
      if (window) {
        if (e.k === 'col' && e.path.length <= 2) {
          const last = e.path[e.path.length - 1]!;
          if (last === 'window_start') return '$ws';
          if (last === 'window_end') return '$we';
          if (last === 'window_time') return '$wt';
        }
        if (e.k === 'call' && WINDOW_PROPS.test(e.name)) {
          const p = e.name.split('_')[1];
          return p === 'START' ? '$ws' : p === 'END' ? '$we' : '$wt';
        }
      }
      return undefined;
    };
    const specialType = (e: Expr): string | undefined => {
      const k = special(e);
      if (!k) return undefined;
      if (k.startsWith('$a')) return aggTypes[Number(k.slice(2))];
      if (k.startsWith('$g')) return keyTypes[Number(k.slice(2))];
      return 'TIMESTAMP(3)';
    };
    const aggScope = {
      resolve: (path: string[], pos?: { line: number; column: number }) => {
        throw new SqlError(`column '${path.join('.')}' must appear in GROUP BY or be used in an aggregate function`, pos?.line, pos?.column);
      },
    };

    const emitRow = (keys: unknown[], accs: AggAcc[]): Row => {
      const o: Row = {};
      for (let i = 0; i < keys.length; i++) o[`$g${i}`] = keys[i];
      for (let i = 0; i < specs.length; i++) o[`$a${i}`] = finish(specs[i]!, result(specs[i]!, accs[i]!), integral[i]!);
      return o;
    };
    // the key of a row: one group value as it is (a number keys the state without a string per row; NULL becomes the
    // engine's 'null' key, as before), several as the JSON of their values, generated as one function
    const keysJs = groupBy.map((g) => exprJs(g, inScope));
    const keyOf = compileJs(groupKeyJs(keysJs), () => (r) => {
      if (keyFns.length === 1) return keyFns[0]!(r) ?? null;
      return JSON.stringify(keyFns.map((f) => f(r)));
    }) as (r: Row) => string | number | boolean;

    // the aggregate calls as generated code over the input row, for the compiled handles (aggsHandle.ts)
    const aggCalls = () =>
      specs.map((sp, i) => {
        const a = aggExprs[i] as Extract<Expr, { k: 'call' }>;
        const arg = a.star || a.args.length === 0 ? undefined : exprJs(a.args[0]!, inScope);
        const udaf = sp.udaf ? { udaf: sp.udafId!, argsJs: a.args.map((x) => exprJs(x, inScope)) } : {};
        return { name: sp.name as AggCall['name'], distinct: sp.distinct, argJs: arg, filterJs: a.filter ? exprJs(a.filter, inScope) : undefined, integral: integral[i]!, ...udaf };
      });
    let aggStream: () => DataStream<Row>;
    let desc: string;
    const updatingIn = input.updating;
    const src = input;
    if (window?.cumulate) {
      const { step, size } = window.cumulate;
      desc = `WindowAggregate(groupBy=[${groupBy.map(exprText).join(', ')}], window=[${window.desc}], select=[${aggExprs.map(exprText).join(', ')}])`;
      aggStream = () => src.stream.keyBy(keyOf).process<Row>(new CumulateWindowAggFunction(specs, keyFns, emitRow, step, size), 'WindowAggregate');
    } else if (window?.assigner || attachedEnd >= 0) {
      // the aggregate functions compiled into one accumulate function (aggsHandle.ts); generic accumulators otherwise
      const handle = compileAggsHandle(aggCalls(), keysJs);
      const generic: AggregateFunction<Row, { keys: unknown[] | null; accs: AggAcc[] }, Row> = {
        createAccumulator: () => ({ keys: null, accs: specs.map(createAcc) }),
        add: (r, acc) => {
          if (acc.keys === null) acc.keys = keyFns.map((f) => f(r));
          for (let i = 0; i < specs.length; i++) acc.accs[i] = accumulate(specs[i]!, acc.accs[i]!, r, 1);
          return acc;
        },
        getResult: (acc) => emitRow(acc.keys ?? [], acc.accs),
        merge: (a, b) => ({ keys: a.keys ?? b.keys, accs: a.accs.map((x, i) => mergeAcc(specs[i]!, x, b.accs[i]!)) }),
      };
      const fn = (handle ?? generic) as AggregateFunction<Row, unknown, Row>;
      if (!window?.assigner) {
        desc = `WindowAggregate(groupBy=[${groupBy.map(exprText).join(', ')}], window=[attached(window_end=[${exprText(groupBy[attachedEnd]!)}])], select=[${aggExprs.map(exprText).join(', ')}])`;
        // keyed by the other group keys: each key's windows are kept apart by their end
        const others = keysJs.filter((_, i) => !bounds[i]);
        const keyOfOthers = others.length ? (compileJs(groupKeyJs(others), () => keyOf) as (r: Row) => string | number | boolean) : () => 0;
        aggStream = () => src.stream.keyBy(keyOfOthers).process<Row>(new WindowAttachedAggFunction(fn, keyFns[attachedEnd]!), 'WindowAggregate');
      } else {
        const w = { assigner: window.assigner, desc: window.desc };
        desc = `GroupWindowAggregate(groupBy=[${groupBy.map(exprText).join(', ')}], window=[${w.desc}], select=[${aggExprs.map(exprText).join(', ')}])`;
        aggStream = () =>
          src.stream
            .keyBy(keyOf)
            .window(w.assigner)
            .aggregate<unknown, Row, Row>(
              fn,
              {
                process: (_key, ctx, elements, out) => {
                  for (const r of elements) {
                    r.$ws = ctx.window.start;
                    r.$we = ctx.window.end;
                    r.$wt = ctx.window.end - 1;
                    out.collect(r);
                  }
                },
              },
              'GroupWindowAggregate',
            );
      }
    } else {
      const ttl = this.opts.stateTtlMs;
      desc = `GroupAggregate(groupBy=[${groupBy.map(exprText).join(', ')}], select=[${aggExprs.map(exprText).join(', ')}])`;
      aggStream = () =>
        src.stream
          .keyBy(keyOf)
          .process<Row>(
            new GroupAggFunction(specs, keyFns, emitRow, updatingIn, ttl, compileGroupAggsHandle(aggCalls(), keysJs, updatingIn)),
            'GroupAggregate',
          );
    }
    const windowed = window !== undefined || attachedEnd >= 0;
    const aggRel: Rel = this.derive(src, aggStream, `${desc}\n${indent(src.explain)}`, [], !windowed);
    // HAVING, then the SELECT list over the aggregate's rows
    let out = aggRel;
    if (q.having) {
      const base = out;
      out = this.filterRel(base, q.having, aggScope, `Calc(where=[${exprText(q.having!)}])\n${indent(base.explain)}`, special);
    }
    const outs = q.items.map((it, i) => {
      if (it.e.k === 'star') throw new SqlError('SELECT * is not allowed with GROUP BY', q.pos?.line, q.pos?.column);
      const k = special(it.e);
      const time: Column['time'] = k === '$wt' || (k === '$we' && false) ? 'rowtime' : undefined;
      // a window bound stays one (window_end of a window aggregation, or a group key that was one)
      const bound: Column['window'] = k === '$ws' ? 'start' : k === '$we' ? 'end' : k?.startsWith('$g') ? bounds[Number(k.slice(2))] : undefined;
      compileExpr(it.e, aggScope, special);
      return { name: this.outName(it.e, it.alias, i), e: it.e, type: typeOf(it.e, aggScope, special, specialType), time, window: bound };
    });
    dedupeNames(outs);
    const updating = !windowed;
    const base = out;
    return this.projectRel(
      base,
      aggScope,
      outs,
      `Calc(select=[${outs.map((o) => o.name).join(', ')}])\n${indent(base.explain)}`,
      outs.map((o) => ({ name: o.name, type: o.type, time: o.time, ...(o.window ? { window: o.window } : {}) })),
      updating,
      special,
    );
  }

  /**
   * Window Top-N's inner query: `ROW_NUMBER() OVER (PARTITION BY window_start, window_end, ... ORDER BY ...)` over an
   * append-only input with window columns. Each partition's rows are numbered when the watermark passes the window's
   * end, the outer `WHERE rownum <= N` keeps the top ones (Flink's WindowRank). Other OVER windows are not supported.
   */
  private overQuery(q: Query, rel: Rel, scope: RelScope): Rel {
    // agg(...) OVER (...): overAggregate.ts
    if (isOverAggregate(q)) return planOverAggregate(q, rel, scope, (e, alias, i) => this.outName(e, alias, i));
    const overs = q.items.filter((i) => i.e.k === 'call' && i.e.over);
    const fail = (msg: string): never => {
      throw new SqlError(msg, q.pos?.line, q.pos?.column);
    };
    if (overs.length !== 1) fail('only one OVER item (ROW_NUMBER() OVER ...) is supported');
    const item = overs[0]!;
    const call = item.e as Extract<Expr, { k: 'call' }>;
    if (call.name !== 'ROW_NUMBER') fail(`${call.name}() OVER is not supported; window Top-N uses ROW_NUMBER()`);
    const over = call.over!;
    const winEnd = over.partitionBy.find((p) => p.k === 'col' && p.path[p.path.length - 1] === 'window_end');
    if (!winEnd || rel.updating) fail('ROW_NUMBER() OVER needs PARTITION BY window_start, window_end (window Top-N) over an append-only input');
    const endFn = compileExpr(winEnd!, scope);
    const partFns = over.partitionBy.map((p) => compileExpr(p, scope));
    const orderFns = over.orderBy.map((o) => ({ f: compileExpr(o.e, scope), desc: o.desc }));
    const cmp = (a: Row, b: Row): number => {
      for (const { f, desc } of orderFns) {
        const x = f(a) as number | string | null;
        const y = f(b) as number | string | null;
        if (x === y) continue;
        // NULLs sort last ascending and first descending, as in Flink
        const c = x === null ? 1 : y === null ? -1 : x < y ? -1 : 1;
        return desc ? -c : c;
      }
      return 0;
    };
    const rankName = item.alias ?? 'rownum';
    // the projection of the other items, then the row number
    const others: Query = { ...q, items: q.items.filter((i) => i !== item) };
    // the projection alone (not fused with the input's Calc: it applies to the rows the rank function holds)
    const plain: Rel = {
      get stream() {
        return rel.stream;
      },
      columns: rel.columns,
      updating: rel.updating,
      explain: rel.explain,
    };
    const base = this.project(others, plain, scope);
    // rank on the input rows (ORDER BY reads input columns), output the projected row with its number
    const projectFn = base.calc?.fn;
    const rel2 = this.derive(
      rel,
      () =>
        rel.stream
          .keyBy((r) => JSON.stringify(partFns.map((f) => f(r))))
          .process<Row>(new WindowRankFunction(endFn, cmp, (r, n) => {
            const o = projectFn ? projectFn(r) : r;
            return o === null ? null : { ...o, [rankName]: n };
          }), 'WindowRank'),
      `WindowRank(partitionBy=[${over.partitionBy.map(exprText).join(', ')}], orderBy=[${over.orderBy.map((o) => exprText(o.e) + (o.desc ? ' DESC' : '')).join(', ')}])\n${indent(rel.explain)}`,
      [...base.columns, { name: rankName, type: 'BIGINT' }],
      false,
    );
    return rel2;
  }
}

/** Keyed state of a GROUP BY: its accumulators and row count; emits Flink's changelog (+I, -U/+U, -D). */
class GroupAggFunction {
  private state!: ValueStateLike<{ n: number; keys: unknown[]; accs: AggAcc[] }>;
  constructor(
    private readonly specs: AggSpec[],
    private readonly keyFns: ((r: Row) => unknown)[],
    private readonly emitRow: (keys: unknown[], accs: AggAcc[]) => Row,
    private readonly updatingIn: boolean,
    private readonly ttlMs: number | undefined,
    /** The aggregate functions compiled (aggsHandle.ts); the generic accumulators when undefined. */
    private readonly handle?: GroupAggsHandle,
  ) {}
  private compiledState!: ValueStateLike<AggsAcc>;
  open(ctx: RuntimeContext): void {
    // the compiled accumulator is another layout: its own state name, so state of one is never read as the other
    const d = this.handle ? new ValueStateDescriptor<AggsAcc>('sql-group-aggs') : new ValueStateDescriptor<{ n: number; keys: unknown[]; accs: AggAcc[] }>('sql-group-agg');
    if (this.ttlMs) d.enableTimeToLive(StateTtlConfig.newBuilder(this.ttlMs).build());
    if (this.handle) this.compiledState = ctx.getState(d as ValueStateDescriptor<AggsAcc>);
    else this.state = ctx.getState(d as ValueStateDescriptor<{ n: number; keys: unknown[]; accs: AggAcc[] }>);
  }
  /** processElement with the compiled functions: the same changelog (+I, -U/+U when the row changes, -D). */
  private processCompiled(h: GroupAggsHandle, r: Row, sign: 1 | -1, out: Collector<Row>): void {
    let acc = this.compiledState.value();
    if (!acc) {
      if (sign < 0) return; // retraction of a row this state never saw (expired or before a restore): ignored, as Flink does
      acc = h.createAccumulator();
    }
    const prev = acc.n > 0 ? h.getValue(acc) : undefined;
    if (sign > 0) h.accumulate(r, acc);
    else h.retract(r, acc);
    if (acc.n <= 0) {
      this.compiledState.update(undefined);
      if (prev) out.collect({ ...prev, $rowKind: '-D' });
      return;
    }
    this.compiledState.update(acc);
    const next = h.getValue(acc);
    if (!prev) {
      next.$rowKind = '+I';
      out.collect(next);
    } else if (!sameRow(prev, next)) {
      prev.$rowKind = '-U';
      out.collect(prev);
      next.$rowKind = '+U';
      out.collect(next);
    }
  }
  processElement(r: Row, _ctx: KeyedProcessContext<unknown>, out: Collector<Row>): void {
    const kind = this.updatingIn ? ((r.$rowKind as string | undefined) ?? '+I') : '+I';
    const sign: 1 | -1 = kind === '+I' || kind === '+U' ? 1 : -1;
    if (this.handle) return this.processCompiled(this.handle, r, sign, out);
    let st = this.state.value();
    if (!st) {
      if (sign < 0) return; // retraction of a row this state never saw (expired or before a restore): ignored, as Flink does
      st = { n: 0, keys: this.keyFns.map((f) => f(r)), accs: this.specs.map(createAcc) };
    }
    const prev = st.n > 0 ? this.emitRow(st.keys, st.accs) : undefined;
    for (let i = 0; i < this.specs.length; i++) st.accs[i] = accumulate(this.specs[i]!, st.accs[i]!, r, sign);
    st.n += sign;
    if (st.n <= 0) {
      this.state.update(undefined);
      if (prev) out.collect({ ...prev, $rowKind: '-D' });
      return;
    }
    this.state.update(st);
    const next = this.emitRow(st.keys, st.accs);
    if (!prev) out.collect({ ...next, $rowKind: '+I' });
    else if (!sameRow(prev, next)) {
      out.collect({ ...prev, $rowKind: '-U' });
      out.collect({ ...next, $rowKind: '+U' });
    }
  }
}

/**
 * A join's conditions over the pair of rows (`l`, `o`) it would join, generated, so that a candidate pair is tested
 * without first making its joined row; undefined without code generation (the joined row is tested then).
 */
function pairCondition(residual: Expr[], lMap: (ScopeEntry & { newKey: string })[], rMap: (ScopeEntry & { newKey: string })[]): ((l: Row, r: Row) => boolean) | undefined {
  if (residual.length === 0) return () => true;
  const entry = (side: string) => (e: ScopeEntry & { newKey: string }): ScopeEntry => {
    const js = `${side}[${JSON.stringify(e.key)}]`;
    return { qualifier: e.qualifier, name: e.name, key: e.newKey, type: e.type, inline: { js, fn: (r) => r[e.key], deterministic: true } };
  };
  const scope = new RelScope([...lMap.map(entry('l')), ...rMap.map(entry('o'))]);
  const cond = residual.reduce((a, b) => ({ k: 'bin', op: 'AND', l: a, r: b }) as Expr);
  return compileCode(`((l, o) => (${exprJs(cond, scope)}) === true)`) as ((l: Row, r: Row) => boolean) | undefined;
}

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));

/**
 * Flink's window TVF aggregation works on slices (for HOP, pieces of gcd(size, slide)) and drops a row whose slice
 * has ended by the watermark, even if a later window of the row is still open: the DataStream window operator would
 * still add it to that window, so the rows are dropped before it.
 */
function dropLateSlices(rel: Rel, slice: number): Rel {
  const base = rel;
  let s: DataStream<Row> | undefined;
  return {
    ...base,
    get stream() {
      return (s ??= base.stream.process<Row>(
        {
          processElement: (r, ctx, out) => {
            const t = ctx.timestamp();
            if (t !== undefined) {
              const sliceEnd = t - (((t % slice) + slice) % slice) + slice;
              if (sliceEnd - 1 <= ctx.timerService().currentWatermark()) return;
            }
            out.collect(r);
          },
        },
        'DropLateSlices',
      ));
    },
  };
}

/** Holds each window's rows until the watermark passes its end, then emits them numbered in ORDER BY order. */
class WindowRankFunction {
  private rows!: ValueStateLike<Record<string, Row[]>>;
  constructor(
    private readonly endOf: (r: Row) => unknown,
    private readonly cmp: (a: Row, b: Row) => number,
    private readonly output: (r: Row, rank: number) => Row | null,
  ) {}
  open(ctx: RuntimeContext): void {
    this.rows = ctx.getState(new ValueStateDescriptor<Record<string, Row[]>>('sql-window-rank'));
  }
  processElement(r: Row, ctx: KeyedProcessContext<unknown>, _out: Collector<Row>): void {
    const end = this.endOf(r) as number;
    if (typeof end !== 'number' || end - 1 <= ctx.timerService().currentWatermark()) return; // late
    const all = this.rows.value() ?? {};
    (all[end] ??= []).push(r);
    this.rows.update(all);
    ctx.timerService().registerEventTimeTimer(end - 1);
  }
  onTimer(timestamp: number, _ctx: OnTimerContext<unknown>, out: Collector<Row>): void {
    const all = this.rows.value();
    const end = timestamp + 1;
    const rows = all?.[end];
    if (!all || !rows) return;
    rows.sort(this.cmp);
    rows.forEach((r, i) => {
      const o = this.output(r, i + 1);
      if (o !== null) out.collect(o);
    });
    delete all[end];
    this.rows.update(Object.keys(all).length ? all : undefined);
  }
}

type Pane = { keys: unknown[]; accs: AggAcc[] };

/**
 * CUMULATE windows (Flink's window TVF): for each period of `size`, windows [start, start + k * step) grow by `step`;
 * a row goes to every window of its period that ends after it. One pane per window end, fired by an event-time timer
 * at end - 1; a row whose step slice has ended by the watermark is dropped, as Flink's slicing operator drops it.
 */
class CumulateWindowAggFunction {
  private panes!: ValueStateLike<Record<string, Pane>>;
  constructor(
    private readonly specs: AggSpec[],
    private readonly keyFns: ((r: Row) => unknown)[],
    private readonly emitRow: (keys: unknown[], accs: AggAcc[]) => Row,
    private readonly step: number,
    private readonly size: number,
  ) {}
  open(ctx: RuntimeContext): void {
    this.panes = ctx.getState(new ValueStateDescriptor<Record<string, Pane>>('sql-cumulate-panes'));
  }
  processElement(r: Row, ctx: KeyedProcessContext<unknown>, _out: Collector<Row>): void {
    const t = ctx.timestamp();
    if (t === undefined) return;
    const { step, size } = this;
    const sliceEnd = t - (((t % step) + step) % step) + step;
    if (sliceEnd - 1 <= ctx.timerService().currentWatermark()) return;
    const start = t - (((t % size) + size) % size);
    const panes = this.panes.value() ?? {};
    for (let end = sliceEnd; end <= start + size; end += step) {
      let p = panes[end];
      if (!p) {
        p = panes[end] = { keys: this.keyFns.map((f) => f(r)), accs: this.specs.map(createAcc) };
        ctx.timerService().registerEventTimeTimer(end - 1);
      }
      for (let i = 0; i < this.specs.length; i++) p.accs[i] = accumulate(this.specs[i]!, p.accs[i]!, r, 1);
    }
    this.panes.update(panes);
  }
  onTimer(timestamp: number, _ctx: OnTimerContext<unknown>, out: Collector<Row>): void {
    const panes = this.panes.value();
    const end = timestamp + 1;
    const p = panes?.[end];
    if (!panes || !p) return;
    const row = this.emitRow(p.keys, p.accs);
    row.$ws = end - 1 - ((((end - 1) % this.size) + this.size) % this.size);
    row.$we = end;
    row.$wt = end - 1;
    out.collect(row);
    delete panes[end];
    this.panes.update(Object.keys(panes).length ? panes : undefined);
  }
}

/** The window bound (Column.window) that `e` reads, when it is a column of `rel` that carries one. */
function windowBoundOf(e: Expr, rel: Rel, scope: RelScope): Column['window'] {
  if (e.k !== 'col') return undefined;
  try {
    const key = scope.resolve(e.path).key;
    return rel.columns.find((c) => c.name === key)?.window;
  } catch {
    return undefined;
  }
}

function sameRow(a: Row, b: Row): boolean {
  for (const k in a) if (a[k] !== b[k]) return false;
  return true;
}

function sameExpr(a: Expr, b: Expr, scope: RelScope): boolean {
  if (a.k === 'col' && b.k === 'col') {
    try {
      const x = scope.resolve(a.path);
      const y = scope.resolve(b.path);
      return x.key === y.key && x.nested.join('.') === y.nested.join('.');
    } catch {
      return false;
    }
  }
  return strip(a) === strip(b);
}

function dedupeNames(outs: { name: string }[]): void {
  const seen = new Map<string, number>();
  for (const o of outs) {
    const n = seen.get(o.name) ?? 0;
    seen.set(o.name, n + 1);
    if (n > 0) o.name = `${o.name}${n - 1}`;
  }
}

/**
 * The names any column reference of the query reads (each part of each path, lower case: a superset), or undefined
 * when it has a `*`. Walks the whole query, so clauses the planner learns later are covered as well.
 */
function referencedNames(q: Query): Set<string> | undefined {
  const names = new Set<string>();
  let star = false;
  const visit = (x: unknown): void => {
    if (Array.isArray(x)) {
      for (const y of x) visit(y);
      return;
    }
    if (!x || typeof x !== 'object') return;
    const o = x as Record<string, unknown>;
    if (o.k === 'col' && Array.isArray(o.path)) for (const p of o.path as string[]) names.add(p.toLowerCase());
    if (o.k === 'star') star = true;
    for (const v of Object.values(o)) visit(v);
  };
  visit(q);
  return star ? undefined : names;
}

/** Compact text of an expression for EXPLAIN. */
export function exprText(e: Expr): string {
  switch (e.k) {
    case 'lit': return typeof e.v === 'string' ? `'${e.v}'` : String(e.v);
    case 'interval': return `${e.ms}ms`;
    case 'col': return e.path.join('.');
    case 'star': return e.qualifier ? `${e.qualifier}.*` : '*';
    case 'call': return `${e.name}(${e.distinct ? 'DISTINCT ' : ''}${e.star ? '*' : e.args.map(exprText).join(', ')})${e.filter ? ` FILTER (WHERE ${exprText(e.filter)})` : ''}`;
    case 'bin': return `${exprText(e.l)} ${e.op} ${exprText(e.r)}`;
    case 'not': return `NOT ${exprText(e.e)}`;
    case 'neg': return `-${exprText(e.e)}`;
    case 'case': return 'CASE(...)';
    case 'cast': return `CAST(${exprText(e.e)} AS ${e.type})`;
    case 'in': return `${exprText(e.e)} ${e.not ? 'NOT ' : ''}IN (${e.list.map(exprText).join(', ')})`;
    case 'between': return `${exprText(e.e)} BETWEEN ${exprText(e.lo)} AND ${exprText(e.hi)}`;
    case 'like': return `${exprText(e.e)} LIKE ${exprText(e.pattern)}`;
    case 'isnull': return `${exprText(e.e)} IS ${e.not ? 'NOT ' : ''}NULL`;
  }
}

function whereText(q: Query): string {
  return q.where ? exprText(q.where) : '';
}
void posOf;
