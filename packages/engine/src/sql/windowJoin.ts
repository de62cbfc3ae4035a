import type { Collector, KeyedProcessContext, OnTimerContext, RuntimeContext } from '../api/functions.js';
import { ValueStateDescriptor, type ValueStateLike } from '../state/StateDescriptor.js';
import type { Expr } from './ast.js';
import type { JoinType } from './join.js';
import type { Row } from './tableConnectors.js';

const last = (e: Expr) => (e.k === 'col' ? e.path[e.path.length - 1] : undefined);

/**
 * Flink's window join condition: the equi keys pair `L.window_start = R.window_start` and `L.window_end =
 * R.window_end` (of window TVFs). Returns the index of the window_end pair in the keys, or undefined. `bound` tells
 * which window bound a key is (a window column renamed by a projection, e.g. `window_end AS endtime`); without it,
 * or where it knows none, the column's name does.
 */
export function windowJoinEnd(lKeys: Expr[], rKeys: Expr[], bound?: (e: Expr, side: 'L' | 'R') => 'start' | 'end' | undefined): number | undefined {
  return windowJoinBounds(lKeys, rKeys, bound)?.end;
}

/** The indexes of the window_start and window_end pairs in the keys (see windowJoinEnd), or undefined. */
export function windowJoinBounds(lKeys: Expr[], rKeys: Expr[], bound?: (e: Expr, side: 'L' | 'R') => 'start' | 'end' | undefined): { start: number; end: number } | undefined {
  const nameOf = (e: Expr, side: 'L' | 'R') => {
    const b = bound?.(e, side);
    return b === 'start' ? 'window_start' : b === 'end' ? 'window_end' : last(e);
  };
  const pair = (name: string) => lKeys.findIndex((l, i) => nameOf(l, 'L') === name && nameOf(rKeys[i]!, 'R') === name);
  const start = pair('window_start');
  const end = pair('window_end');
  return start >= 0 && end >= 0 ? { start, end } : undefined;
}

/** The rows of one window of a key; a key's state is its open windows (usually one or two). */
type Held = { end: number; left: Row[]; right: Row[] };

/**
 * Flink's WindowJoin: the rows of both sides wait in state for their window; when the watermark passes the window's
 * end, the window's rows are joined (INNER, or LEFT/RIGHT/FULL padded with NULLs) and the state of the window is
 * freed. Rows of a window the watermark has passed are late and dropped. Append-only. As in Flink, the operator is
 * keyed by the join's other keys and keeps each key's windows apart by their end (Flink's state namespace), so the
 * key carries no window bounds (two timestamps made into text per row); the conditions still compare them.
 */
export class WindowJoinFunction {
  private held!: ValueStateLike<Held[]>;
  constructor(
    private readonly type: JoinType,
    private readonly combine: (l: Row | null, r: Row | null) => Row,
    private readonly condition: (joined: Row) => boolean,
    private readonly leftEnd: (r: Row) => unknown,
    private readonly rightEnd: (r: Row) => unknown,
    /** The same conditions over the pair of rows, when the planner could generate them (no joined row per test). */
    private readonly pairCondition?: (l: Row, r: Row) => boolean,
  ) {}

  open(ctx: RuntimeContext): void {
    this.held = ctx.getState(new ValueStateDescriptor<Held[]>('sql-window-join'));
  }

  private add(row: Row, isLeft: boolean, ctx: KeyedProcessContext<unknown>): void {
    const end = (isLeft ? this.leftEnd : this.rightEnd)(row);
    if (typeof end !== 'number' || end - 1 <= ctx.timerService().currentWatermark()) return; // late
    // the row as it is kept: without a kind (an append-only input's rows have none: no copy, no delete that would
    // turn the row into a slow dictionary object)
    let clean = row;
    if (row.$rowKind !== undefined) {
      const { $rowKind: _kind, ...rest } = row;
      clean = rest;
    }
    let ws = this.held.value();
    let w: Held | undefined;
    if (ws === undefined) ws = [];
    else for (const x of ws) if (x.end === end) w = x;
    if (w === undefined) {
      ws.push((w = { end, left: [], right: [] }));
      // a window's first row of this key registers the timer that joins it
      ctx.timerService().registerEventTimeTimer(end - 1);
    }
    (isLeft ? w.left : w.right).push(clean);
    this.held.update(ws);
  }

  processElement1(row: Row, ctx: KeyedProcessContext<unknown>, _out: Collector<Row>): void {
    this.add(row, true, ctx);
  }

  processElement2(row: Row, ctx: KeyedProcessContext<unknown>, _out: Collector<Row>): void {
    this.add(row, false, ctx);
  }

  private matches(l: Row, r: Row): boolean {
    return this.pairCondition ? this.pairCondition(l, r) : this.condition(this.combine(l, r)) === true;
  }

  onTimer(t: number, _ctx: OnTimerContext<unknown>, out: Collector<Row>): void {
    const ws = this.held.value();
    if (!ws) return;
    const open: Held[] = [];
    for (const h of ws) {
      if (h.end - 1 > t) {
        open.push(h);
        continue;
      }
      const rightMatched = new Array<boolean>(h.right.length).fill(false);
      for (const l of h.left) {
        let matched = false;
        for (let i = 0; i < h.right.length; i++) {
          const r = h.right[i]!;
          if (!this.matches(l, r)) continue;
          out.collect(this.combine(l, r));
          matched = true;
          rightMatched[i] = true;
        }
        if (!matched && (this.type === 'LEFT' || this.type === 'FULL')) out.collect(this.combine(l, null));
      }
      if (this.type === 'RIGHT' || this.type === 'FULL') h.right.forEach((r, i) => rightMatched[i] || out.collect(this.combine(null, r)));
    }
    this.held.update(open.length ? open : undefined);
  }
}
