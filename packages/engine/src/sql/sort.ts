import type { Collector, KeyedProcessContext, OnTimerContext, RuntimeContext } from '../api/functions.js';
import { ValueStateDescriptor, type ValueStateLike } from '../state/StateDescriptor.js';
import type { Rel } from './planner.js';
import type { Row } from './tableConnectors.js';
import { indent, lazyRel } from './rel.js';
import { RowTimeBuffer } from './RowTimeBuffer.js';

/** One ORDER BY key over a planned relation's column. */
export interface SortKey {
  column: string;
  desc: boolean;
  /** NULLS FIRST / LAST; Flink's default: NULLs first ascending, last descending. */
  nullsFirst?: boolean;
}

/** Compares rows by sort keys, with SQL's NULL ordering (Flink's defaults unless NULLS FIRST/LAST is given). */
export function rowComparator(keys: SortKey[]): (a: Row, b: Row) => number {
  return (a, b) => {
    for (const k of keys) {
      const x = a[k.column] as number | string | boolean | null | undefined;
      const y = b[k.column] as number | string | boolean | null | undefined;
      const xn = x === null || x === undefined;
      const yn = y === null || y === undefined;
      if (xn && yn) continue;
      const nullsFirst = k.nullsFirst ?? !k.desc;
      if (xn) return nullsFirst ? -1 : 1;
      if (yn) return nullsFirst ? 1 : -1;
      if (x === y) continue;
      const c = x! < y! ? -1 : 1;
      return k.desc ? -c : c;
    }
    return 0;
  };
}

/**
 * Flink's RowTimeSortOperator: rows wait in state by their rowtime until the watermark passes it, then leave in time
 * order (ties by the secondary keys, then arrival). A row not later than the last time emitted is late: dropped.
 */
class RowTimeSortFunction {
  // as RowTimeSortOperator: the last-triggering time moves only when a timer emitted rows
  private readonly buffer = new RowTimeBuffer('sql-sort-rows', 'sql-sort-last-triggering-ts', 'whenRowsFired');
  constructor(
    private readonly timeCol: string,
    private readonly cmp: (a: Row, b: Row) => number,
  ) {}
  open(ctx: RuntimeContext): void {
    this.buffer.open(ctx);
  }
  processElement(r: Row, ctx: KeyedProcessContext<unknown>, _out: Collector<Row>): void {
    const t = r[this.timeCol];
    if (typeof t === 'number') this.buffer.add(r, t, ctx.timerService());
  }
  onTimer(timestamp: number, _ctx: OnTimerContext<unknown>, out: Collector<Row>): void {
    this.buffer.fire(timestamp, (rows) => {
      rows.sort(this.cmp); // stable: equal rows keep their arrival order
      for (const r of rows) out.collect(r);
    });
  }
}

/** Flink's ProcTimeSortOperator: the rows of one processing-time millisecond leave together, sorted by the secondary keys. */
class ProcTimeSortFunction {
  private rows!: ValueStateLike<Row[]>;
  constructor(private readonly cmp: (a: Row, b: Row) => number) {}
  open(ctx: RuntimeContext): void {
    this.rows = ctx.getState(new ValueStateDescriptor<Row[]>('sql-sort-proctime-rows'));
  }
  processElement(r: Row, ctx: KeyedProcessContext<unknown>, _out: Collector<Row>): void {
    const rows = this.rows.value() ?? [];
    rows.push(r);
    this.rows.update(rows);
    ctx.timerService().registerProcessingTimeTimer(ctx.timerService().currentProcessingTime() + 1);
  }
  onTimer(_t: number, _ctx: OnTimerContext<unknown>, out: Collector<Row>): void {
    const rows = this.rows.value();
    if (!rows) return;
    rows.sort(this.cmp);
    for (const r of rows) out.collect(r);
    this.rows.update(undefined);
  }
}

/**
 * `ORDER BY time_attr [ASC], k2, ...` without LIMIT on an append-only input (Flink's TemporalSort): one sorting task
 * (all rows to one key, as Flink's singleton distribution), append-only output.
 */
export function temporalSort(input: Rel, time: SortKey, secondary: SortKey[], proctime: boolean): Rel {
  const cmp = rowComparator(secondary);
  const order = [time, ...secondary].map((k) => `${k.column} ${k.desc ? 'DESC' : 'ASC'}`).join(', ');
  // ORDER BY a processing-time attribute alone needs no sorting: rows already come in processing-time order
  if (proctime && secondary.length === 0) return lazyRel(() => input.stream, input.columns, false, `TemporalSort(orderBy=[${order}])\n${indent(input.explain)}`);
  return lazyRel(
    () => input.stream.keyBy(() => '').process<Row>(proctime ? new ProcTimeSortFunction(cmp) : new RowTimeSortFunction(time.column, cmp), 'TemporalSort'),
    input.columns,
    false,
    `TemporalSort(orderBy=[${order}])\n${indent(input.explain)}`,
  );
}
