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
  const nameOf = (e: Expr, side: 'L' | 'R') => {
    const b = bound?.(e, side);
    return b === 'start' ? 'window_start' : b === 'end' ? 'window_end' : last(e);
  };
  const pair = (name: string) => lKeys.findIndex((l, i) => nameOf(l, 'L') === name && nameOf(rKeys[i]!, 'R') === name);
  const start = pair('window_start');
  const end = pair('window_end');
  return start >= 0 && end >= 0 ? end : undefined;
}

type Held = { left: Row[]; right: Row[] };

/**
 * Flink's WindowJoin: the rows of both sides wait in state for their window (the key includes window_end); when the
 * watermark passes the window's end, the window's rows are joined (INNER, or LEFT/RIGHT/FULL padded with NULLs) and
 * the state of the window is freed. Rows of a window the watermark has passed are late and dropped. Append-only.
 */
export class WindowJoinFunction {
  private held!: ValueStateLike<Held>;
  constructor(
    private readonly type: JoinType,
    private readonly combine: (l: Row | null, r: Row | null) => Row,
    private readonly condition: (joined: Row) => boolean,
    private readonly leftEnd: (r: Row) => unknown,
    private readonly rightEnd: (r: Row) => unknown,
  ) {}

  open(ctx: RuntimeContext): void {
    this.held = ctx.getState(new ValueStateDescriptor<Held>('sql-window-join'));
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
    let h = this.held.value();
    if (h === undefined) {
      h = { left: [], right: [] };
      // the key includes the window's end: the first row of a key registers the key's one timer
      ctx.timerService().registerEventTimeTimer(end - 1);
    }
    (isLeft ? h.left : h.right).push(clean);
    this.held.update(h);
  }

  processElement1(row: Row, ctx: KeyedProcessContext<unknown>, _out: Collector<Row>): void {
    this.add(row, true, ctx);
  }

  processElement2(row: Row, ctx: KeyedProcessContext<unknown>, _out: Collector<Row>): void {
    this.add(row, false, ctx);
  }

  onTimer(_t: number, _ctx: OnTimerContext<unknown>, out: Collector<Row>): void {
    const h = this.held.value();
    if (!h) return;
    const rightMatched = new Array<boolean>(h.right.length).fill(false);
    for (const l of h.left) {
      let matched = false;
      h.right.forEach((r, i) => {
        const joined = this.combine(l, r);
        if (this.condition(joined) !== true) return;
        out.collect(joined);
        matched = true;
        rightMatched[i] = true;
      });
      if (!matched && (this.type === 'LEFT' || this.type === 'FULL')) out.collect(this.combine(l, null));
    }
    if (this.type === 'RIGHT' || this.type === 'FULL') h.right.forEach((r, i) => rightMatched[i] || out.collect(this.combine(null, r)));
    this.held.update(undefined);
  }
}
