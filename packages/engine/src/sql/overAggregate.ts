import type { Collector, KeyedProcessContext, OnTimerContext, RuntimeContext } from '../api/functions.js';
import { ValueStateDescriptor, type ValueStateLike } from '../state/StateDescriptor.js';
import { accumulate, aggSpecOf, createAcc, finish, requireAggMethods, result, type AggAcc, type AggSpec } from './aggregates.js';
import type { Expr, Over, Query } from './ast.js';
import { compileExpr, isAggregate, type RelScope, typeOf } from './compileExpr.js';
import type { Rel } from './planner.js';
import { RowTimeBuffer } from './RowTimeBuffer.js';
import { SqlError } from './SqlError.js';
import type { Row } from './tableConnectors.js';
import type { Column } from './types.js';
import { indent, lazyRel } from './rel.js';

const strip = (e: unknown): string => JSON.stringify(e, (k, v) => (k === 'pos' ? undefined : v));
type Frame = NonNullable<Over['frame']>;

/** True when the query's OVER items are aggregates (not ROW_NUMBER, which is window Top-N). */
export function isOverAggregate(q: Query): boolean {
  return q.items.some((i) => i.e.k === 'call' && i.e.over && isAggregate(i.e.name));
}

/** What the over function keeps per partition key. */
interface OverState {
  /** ROWS n PRECEDING: the rows of the frame, oldest first. RANGE: the rows of the frame by time. */
  frame: Row[];
  accs: AggAcc[];
}

/**
 * Flink's OVER aggregation functions (RowTime/ProcTime × Rows/Range × Bounded/Unbounded): each row is emitted once,
 * with the aggregates over its frame. Event time: rows wait until the watermark passes their time and are processed
 * in time order; rows of one timestamp share a RANGE result; a row not later than the last processed time is late
 * and dropped. Accumulators take retractions, so a bounded frame removes the rows that leave it.
 */
class OverAggregateFunction {
  private state!: ValueStateLike<OverState>;
  // as Flink's RowTime*BoundedPrecedingFunction: every event-time timer moves the last-triggering time
  private readonly pending = new RowTimeBuffer('sql-over-pending', 'sql-over-last-triggering-ts', 'always');
  constructor(
    private readonly specs: AggSpec[],
    private readonly integral: boolean[],
    private readonly frame: Frame,
    private readonly timeCol: string,
    private readonly proctime: boolean,
    private readonly output: (r: Row, values: unknown[]) => Row,
  ) {}

  open(ctx: RuntimeContext): void {
    this.state = ctx.getState(new ValueStateDescriptor<OverState>('sql-over-frame'));
    this.pending.open(ctx);
  }

  private values(accs: AggAcc[]): unknown[] {
    return this.specs.map((s, i) => finish(s, result(s, accs[i]!), this.integral[i]!));
  }

  private add(st: OverState, r: Row, sign: 1 | -1): void {
    for (let i = 0; i < this.specs.length; i++) st.accs[i] = accumulate(this.specs[i]!, st.accs[i]!, r, sign);
  }

  /** Processes the rows of one time `t` (in arrival order) and emits them. */
  private process(rows: Row[], t: number, out: Collector<Row>): void {
    const st = this.state.value() ?? { frame: [], accs: this.specs.map(createAcc) };
    const { rows: isRows, preceding } = this.frame;
    if (isRows) {
      for (const r of rows) {
        this.add(st, r, 1);
        if (preceding !== 'UNBOUNDED') {
          st.frame.push(r);
          if (st.frame.length > preceding + 1) this.add(st, st.frame.shift()!, -1);
        }
        out.collect(this.output(r, this.values(st.accs)));
      }
    } else {
      if (preceding !== 'UNBOUNDED') {
        // rows older than t - preceding leave the frame
        while (st.frame.length && (st.frame[0]!.$overTs as number) < t - preceding) this.add(st, st.frame.shift()!, -1);
        for (const r of rows) st.frame.push({ ...r, $overTs: t });
      }
      for (const r of rows) this.add(st, r, 1);
      const v = this.values(st.accs);
      for (const r of rows) out.collect(this.output(r, v));
    }
    this.state.update(st);
  }

  processElement(r: Row, ctx: KeyedProcessContext<unknown>, out: Collector<Row>): void {
    if (this.proctime) {
      this.process([r], ctx.timerService().currentProcessingTime(), out);
      return;
    }
    const t = r[this.timeCol];
    if (typeof t === 'number') this.pending.add(r, t, ctx.timerService());
  }

  onTimer(timestamp: number, _ctx: OnTimerContext<unknown>, out: Collector<Row>): void {
    this.pending.fire(timestamp, (rows, t) => this.process(rows, t, out));
  }
}

/**
 * `agg(x) OVER (PARTITION BY k ORDER BY time_attr [ROWS|RANGE BETWEEN ... PRECEDING AND CURRENT ROW])`: Flink's
 * OverAggregate. All OVER items share one window; ORDER BY is one time attribute, ascending; the input append-only.
 * The output is append-only: each input row with its aggregates.
 */
export function planOverAggregate(q: Query, rel: Rel, scope: RelScope, outName: (e: Expr, alias: string | undefined, i: number) => string): Rel {
  const fail = (msg: string, e?: { pos?: { line: number; column: number } }): never => {
    throw new SqlError(msg, (e?.pos ?? q.pos)?.line, (e?.pos ?? q.pos)?.column);
  };
  if (rel.updating) fail('OVER aggregations need an append-only input; this input is an updating query');
  const calls = q.items.map((i) => i.e).filter((e): e is Extract<Expr, { k: 'call' }> => e.k === 'call' && !!e.over);
  const over = calls[0]!.over!;
  for (const c of calls) {
    if (!isAggregate(c.name)) fail(`${c.name}() OVER cannot be mixed with OVER aggregates`, c);
    if (strip(c.over) !== strip(over)) fail('Over Agg: Unsupported use of OVER windows. All aggregates must be computed on the same window.', c);
  }
  const order = over.orderBy[0];
  const timeKey = order && over.orderBy.length === 1 && !order.desc && order.e.k === 'col' ? scope.resolve(order.e.path, order.e.pos).key : undefined;
  const timeColumn = rel.columns.find((c) => c.name === timeKey);
  if (!timeColumn?.time) fail("OVER windows' ordering in stream mode must be defined on a time attribute.");
  const proctime = timeColumn!.time === 'proctime';
  const frame: Frame = over.frame ?? { rows: false, preceding: 'UNBOUNDED' };

  const specs: AggSpec[] = calls.map((c) => aggSpecOf(c, scope));
  // a bounded frame removes the rows that leave it
  requireAggMethods(specs, { retract: frame.preceding !== 'UNBOUNDED' ? 'a bounded OVER frame' : undefined });
  const aggTypes = calls.map((c) => typeOf({ ...c, over: undefined }, scope));
  const integral = aggTypes.map((t) => /^(TINYINT|SMALLINT|INT|INTEGER|BIGINT)\b/.test(t));
  const special = (e: Expr): string | undefined => {
    const i = calls.indexOf(e as Extract<Expr, { k: 'call' }>);
    return i >= 0 ? `$over${i}` : undefined;
  };
  const specialType = (e: Expr): string | undefined => {
    const i = calls.indexOf(e as Extract<Expr, { k: 'call' }>);
    return i >= 0 ? aggTypes[i] : undefined;
  };
  const outs: { name: string; fn: (r: Row) => unknown; col: Column }[] = [];
  q.items.forEach((it, i) => {
    if (it.e.k === 'star') {
      for (const en of scope.entries) {
        if (it.e.qualifier && en.qualifier !== it.e.qualifier) continue;
        const key = en.key;
        const c = rel.columns.find((x) => x.name === key);
        outs.push({ name: en.name, fn: (r) => r[key], col: { name: en.name, type: en.type, ...(c?.time ? { time: c.time } : {}) } });
      }
      return;
    }
    const name = outName(it.e, it.alias, i);
    const time = it.e.k === 'col' ? rel.columns.find((c) => c.name === scope.resolve((it.e as { path: string[] }).path).key)?.time : undefined;
    outs.push({ name, fn: compileExpr(it.e, scope, special), col: { name, type: typeOf(it.e, scope, special, specialType), ...(time ? { time } : {}) } });
  });
  const names = outs.map((o) => o.name);
  const fns = outs.map((o) => o.fn);
  const output = (r: Row, values: unknown[]): Row => {
    const src: Row = { ...r };
    values.forEach((v, i) => (src[`$over${i}`] = v));
    const o: Row = {};
    for (let i = 0; i < fns.length; i++) o[names[i]!] = fns[i]!(src);
    return o;
  };
  const partFns = over.partitionBy.map((p) => compileExpr(p, scope));
  const frameText = `${frame.rows ? 'ROWS' : 'RANGE'} BETWEEN ${frame.preceding === 'UNBOUNDED' ? 'UNBOUNDED' : frame.rows ? frame.preceding : `${frame.preceding} ms`} PRECEDING AND CURRENT ROW`;
  return lazyRel(
    () =>
      rel.stream
        .keyBy((r) => JSON.stringify(partFns.map((f) => f(r) ?? null)))
        .process<Row>(new OverAggregateFunction(specs, integral, frame, timeKey!, proctime, output), 'OverAggregate'),
    outs.map((o) => o.col),
    false,
    `OverAggregate(partitionBy=[${over.partitionBy.map((p) => (p.k === 'col' ? p.path.join('.') : '...')).join(', ')}], orderBy=[${timeKey} ASC], window=[${frameText}], select=[${names.join(', ')}])\n${indent(rel.explain)}`,
  );
}
