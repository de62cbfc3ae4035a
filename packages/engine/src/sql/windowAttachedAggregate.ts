import type { AggregateFunction, Collector, KeyedProcessContext, OnTimerContext, RuntimeContext } from '../api/functions.js';
import { ValueStateDescriptor, type ValueStateLike } from '../state/StateDescriptor.js';
import type { Row } from './tableConnectors.js';

/**
 * A window aggregation over rows that already carry their window (Flink's WindowAttachedWindowingStrategy): a GROUP BY
 * of an append-only input whose keys include the window_end (and usually window_start) of a window aggregation, window
 * TVF or window join before it, also under another name (`window_end AS endtime`). Flink plans it as a window
 * aggregate, not as an unbounded GroupAggregate: each group's row is emitted once, when the watermark passes the
 * window's end, and the output is append-only with the window columns still window attributes (so a window join can
 * follow: q5's maximum per window joined back to the counts).
 *
 * Keyed by the whole group key (the window bounds among it): each key has one window, one accumulator and one timer.
 * Rows of a window the watermark has passed are late and dropped, as Flink's window aggregate drops them.
 */
export class WindowAttachedAggFunction<ACC> {
  private acc!: ValueStateLike<ACC>;
  constructor(
    private readonly fn: AggregateFunction<Row, ACC, Row>,
    /** The row's window end (epoch ms). */
    private readonly endOf: (r: Row) => unknown,
  ) {}

  open(ctx: RuntimeContext): void {
    this.acc = ctx.getState(new ValueStateDescriptor<ACC>('sql-window-attached-agg'));
  }

  processElement(r: Row, ctx: KeyedProcessContext<unknown>, _out: Collector<Row>): void {
    const end = this.endOf(r);
    if (typeof end !== 'number' || end - 1 <= ctx.timerService().currentWatermark()) return; // late (or no window)
    let acc = this.acc.value();
    if (acc === undefined) {
      acc = this.fn.createAccumulator();
      ctx.timerService().registerEventTimeTimer(end - 1);
    }
    this.acc.update(this.fn.add(r, acc));
  }

  onTimer(_t: number, _ctx: OnTimerContext<unknown>, out: Collector<Row>): void {
    const acc = this.acc.value();
    if (acc === undefined) return;
    this.acc.clear();
    out.collect(this.fn.getResult(acc));
  }
}
