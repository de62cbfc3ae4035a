import type { DataStream } from '../api/DataStream.js';
import type { Collector, KeyedCoProcessFunction, KeyedProcessContext, RuntimeContext } from '../api/functions.js';
import { ValueStateDescriptor, type ValueStateLike } from '../state/StateDescriptor.js';
import { StateTtlConfig } from '../state/StateTtlConfig.js';
import type { Row } from './tableConnectors.js';

export type JoinType = 'INNER' | 'LEFT' | 'RIGHT' | 'FULL';

/** The rows one side holds for a join key, each with how many matches it has on the other side. */
type Side = { rows: Row[] };

const isAdd = (r: Row) => {
  const k = r.$rowKind as string | undefined;
  return k === undefined || k === '+I' || k === '+U';
};

function sameRow(a: Row, b: Row): boolean {
  for (const k in a) if (k !== '$rowKind' && a[k] !== b[k]) return false;
  for (const k in b) if (k !== '$rowKind' && !(k in a)) return false;
  return true;
}

/**
 * Flink's regular (unbounded) streaming join: both sides keep their rows per join key in state (optionally with a
 * TTL), an arriving row joins the other side's rows, a retraction retracts its joined rows. Outer joins emit the
 * row padded with NULLs while it has no match, and retract that padding when a match arrives. Emits +I and -D.
 */
export class StreamingJoinFunction {
  private left!: ValueStateLike<Side>;
  private right!: ValueStateLike<Side>;
  constructor(
    private readonly type: JoinType,
    /** The joined row of a left and a right row (either may be null: padding of an outer join). */
    private readonly combine: (l: Row | null, r: Row | null) => Row,
    /** Non-equi conditions over the joined row. */
    private readonly residual: ((joined: Row) => boolean) | undefined,
    private readonly updating: boolean,
    private readonly ttlMs: number | undefined,
    /** The same conditions over the pair of rows, when the planner could generate them (no joined row per test). */
    private readonly pairResidual?: (l: Row, r: Row) => boolean,
  ) {}

  open(ctx: RuntimeContext): void {
    const desc = (name: string) => {
      const d = new ValueStateDescriptor<Side>(name);
      if (this.ttlMs) d.enableTimeToLive(StateTtlConfig.newBuilder(this.ttlMs).build());
      return d;
    };
    this.left = ctx.getState(desc('sql-join-left'));
    this.right = ctx.getState(desc('sql-join-right'));
  }

  private emit(out: Collector<Row>, row: Row, kind: '+I' | '-D'): void {
    if (this.updating) row.$rowKind = kind;
    out.collect(row);
  }

  private matches(l: Row, r: Row): boolean {
    if (this.pairResidual) return this.pairResidual(l, r);
    return this.residual ? this.residual(this.combine(l, r)) === true : true;
  }

  private pair(fromLeft: boolean, me: Row | null, o: Row | null): Row {
    return fromLeft ? this.combine(me, o) : this.combine(o, me);
  }

  private ok(fromLeft: boolean, me: Row, o: Row): boolean {
    return fromLeft ? this.matches(me, o) : this.matches(o, me);
  }

  /** Whether any of `rows` (this side's) matches `o` (the other side's). */
  private anyMatch(fromLeft: boolean, rows: Row[], o: Row): boolean {
    for (const m of rows) if (this.ok(fromLeft, m, o)) return true;
    return false;
  }

  // no closures per row: each would be a new function object for every row joined
  private onRow(row: Row, fromLeft: boolean, out: Collector<Row>): void {
    const mine = fromLeft ? this.left : this.right;
    const other = fromLeft ? this.right : this.left;
    const myOuter = fromLeft ? this.type === 'LEFT' || this.type === 'FULL' : this.type === 'RIGHT' || this.type === 'FULL';
    const otherOuter = fromLeft ? this.type === 'RIGHT' || this.type === 'FULL' : this.type === 'LEFT' || this.type === 'FULL';
    const mineSide = mine.value() ?? { rows: [] };
    const otherRows = other.value()?.rows ?? [];
    // the row as it is kept and joined: without its kind (an append-only input's rows have none: no copy)
    let clean = row;
    if (row.$rowKind !== undefined) {
      const { $rowKind: _kind, ...rest } = row;
      clean = rest;
    }
    const matched: Row[] = [];
    for (const o of otherRows) if (this.ok(fromLeft, clean, o)) matched.push(o);
    if (isAdd(row)) {
      for (const o of matched) {
        // the other row loses its NULL padding when it gets its first match
        if (otherOuter && !this.anyMatch(fromLeft, mineSide.rows, o)) this.emit(out, this.pair(fromLeft, null, o), '-D');
        this.emit(out, this.pair(fromLeft, clean, o), '+I');
      }
      if (matched.length === 0 && myOuter) this.emit(out, this.pair(fromLeft, clean, null), '+I');
      mineSide.rows.push(clean);
      mine.update(mineSide);
      return;
    }
    const i = mineSide.rows.findIndex((m) => sameRow(m, clean));
    if (i < 0) return; // never seen (or expired): nothing to retract
    mineSide.rows.splice(i, 1);
    mine.update(mineSide.rows.length ? mineSide : undefined);
    for (const o of matched) {
      this.emit(out, this.pair(fromLeft, clean, o), '-D');
      if (otherOuter && !this.anyMatch(fromLeft, mineSide.rows, o)) this.emit(out, this.pair(fromLeft, null, o), '+I');
    }
    if (matched.length === 0 && myOuter) this.emit(out, this.pair(fromLeft, clean, null), '-D');
  }

  processElement1(row: Row, _ctx: KeyedProcessContext<unknown>, out: Collector<Row>): void {
    this.onRow(row, true, out);
  }
  processElement2(row: Row, _ctx: KeyedProcessContext<unknown>, out: Collector<Row>): void {
    this.onRow(row, false, out);
  }
}

/** Joins two row streams on equal keys. */
export function streamingJoin(
  left: DataStream<Row>,
  right: DataStream<Row>,
  leftKey: (r: Row) => string | number,
  rightKey: (r: Row) => string | number,
  fn: KeyedCoProcessFunction<unknown, Row, Row, Row>,
  name = 'Join',
): DataStream<Row> {
  return left.connect(right).keyBy(leftKey, rightKey).process<Row>(fn, name);
}
