import type { AggregateFunction, Collector, KeyedProcessContext, OnTimerContext, RuntimeContext } from '../api/functions.js';
import { ValueStateDescriptor, type ValueStateLike } from '../state/StateDescriptor.js';
import type { Row } from './tableConnectors.js';

/** A key's open windows: their ends and accumulators, side by side (usually one or two windows). */
type Open<ACC> = { ends: number[]; accs: ACC[] };

/**
 * A window aggregation over rows that already carry their window (Flink's WindowAttachedWindowingStrategy): a GROUP BY
 * of an append-only input whose keys include the window_end (and usually window_start) of a window aggregation, window
 * TVF or window join before it, also under another name (`window_end AS endtime`). Flink plans it as a window
 * aggregate, not as an unbounded GroupAggregate: each group's row is emitted once, when the watermark passes the
 * window's end, and the output is append-only with the window columns still window attributes (so a window join can
 * follow: q5's maximum per window joined back to the counts).
 *
 * As Flink's, the operator is keyed by the other group keys and keeps each key's windows apart by their end (Flink's
 * state namespace): the key carries no window bounds (two epoch-ms timestamps made into text per row). Rows of a
 * window the watermark has passed are late and dropped, as Flink's window aggregate drops them.
 */
export class WindowAttachedAggFunction<ACC> {
  private windows!: ValueStateLike<Open<ACC>>;
  constructor(
    private readonly fn: AggregateFunction<Row, ACC, Row>,
    /** The row's window end (epoch ms). */
    private readonly endOf: (r: Row) => unknown,
  ) {}

  open(ctx: RuntimeContext): void {
    this.windows = ctx.getState(new ValueStateDescriptor<Open<ACC>>('sql-window-attached-agg'));
  }

  processElement(r: Row, ctx: KeyedProcessContext<unknown>, _out: Collector<Row>): void {
    const end = this.endOf(r);
    if (typeof end !== 'number' || end - 1 <= ctx.timerService().currentWatermark()) return; // late (or no window)
    let o = this.windows.value();
    if (o === undefined) this.windows.update((o = { ends: [], accs: [] }));
    const i = o.ends.indexOf(end);
    if (i >= 0) {
      o.accs[i] = this.fn.add(r, o.accs[i]!);
      return;
    }
    o.ends.push(end);
    o.accs.push(this.fn.add(r, this.fn.createAccumulator()));
    ctx.timerService().registerEventTimeTimer(end - 1);
  }

  onTimer(t: number, _ctx: OnTimerContext<unknown>, out: Collector<Row>): void {
    const o = this.windows.value();
    if (o === undefined) return;
    for (let i = 0; i < o.ends.length; ) {
      if (o.ends[i]! - 1 > t) {
        i++;
        continue;
      }
      out.collect(this.fn.getResult(o.accs[i]!));
      o.ends.splice(i, 1);
      o.accs.splice(i, 1);
    }
    if (o.ends.length === 0) this.windows.clear();
  }
}
