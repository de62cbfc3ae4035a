import type { Collector, KeyedProcessContext, RuntimeContext } from '../api/functions.js';
import type { DataStream } from '../api/DataStream.js';
import { ValueStateDescriptor, type ValueStateLike } from '../state/StateDescriptor.js';
import type { Rel } from './planner.js';
import { indent, lazyRel } from './rel.js';
import { SqlError } from './SqlError.js';
import type { Row } from './tableConnectors.js';
import type { Column } from './types.js';



/**
 * UNION ALL (Flink's Union): the rows of both inputs, the right ones renamed by position to the left's column names.
 * Updating if either input is; a column stays a time attribute only if it is one of the same kind on both sides.
 */
export function unionAll(left: Rel, right: Rel, pos?: { line: number; column: number }): Rel {
  if (left.columns.length !== right.columns.length) {
    throw new SqlError(`Column count mismatch in UNION ALL: ${left.columns.length} and ${right.columns.length} columns`, pos?.line, pos?.column);
  }
  const names = left.columns.map((c) => c.name);
  const rnames = right.columns.map((c) => c.name);
  const same = names.every((n, i) => n === rnames[i]);
  const updating = left.updating || right.updating;
  const columns: Column[] = left.columns.map((c, i) => ({ name: c.name, type: c.type, ...(c.time && right.columns[i]!.time === c.time ? { time: c.time } : {}) }));
  return lazyRel(
    () => {
      const r = same
        ? right.stream
        : right.stream.map<Row>((row) => {
            const o: Row = {};
            for (let i = 0; i < names.length; i++) o[names[i]!] = row[rnames[i]!];
            if (row.$rowKind !== undefined) o.$rowKind = row.$rowKind;
            return o;
          }, 'Calc');
      return left.stream.union(r);
    },
    columns,
    updating,
    `Union(all=[true], union=[${names.join(', ')}])\n${indent(left.explain)}\n${indent(right.explain)}`,
  );
}

/** Per distinct row: how many times it is in the input (a retraction lowers it). */
class DistinctFunction {
  private count!: ValueStateLike<number>;
  constructor(private readonly names: string[]) {}
  open(ctx: RuntimeContext): void {
    this.count = ctx.getState(new ValueStateDescriptor<number>('sql-distinct-count'));
  }
  processElement(r: Row, _ctx: KeyedProcessContext<unknown>, out: Collector<Row>): void {
    const k = r.$rowKind as string | undefined;
    const sign = k === '-U' || k === '-D' ? -1 : 1;
    const before = this.count.value() ?? 0;
    if (before === 0 && sign < 0) return; // retraction of a row never counted (expired state)
    const after = before + sign;
    this.count.update(after > 0 ? after : undefined);
    const o: Row = {};
    for (const n of this.names) o[n] = r[n];
    if (before === 0) out.collect({ ...o, $rowKind: '+I' });
    else if (after === 0) out.collect({ ...o, $rowKind: '-D' });
  }
}

/**
 * SELECT DISTINCT and UNION (without ALL): Flink plans both as a GroupAggregate over all columns without aggregate
 * calls; a row is emitted (+I) when it first appears and deleted (-D) when its last copy is retracted. Updating.
 */
export function distinct(input: Rel): Rel {
  const names = input.columns.map((c) => c.name);
  return lazyRel(
    () => input.stream.keyBy((r) => JSON.stringify(names.map((n) => r[n] ?? null))).process<Row>(new DistinctFunction(names), 'GroupAggregate'),
    input.columns.map((c) => ({ name: c.name, type: c.type })),
    true,
    `GroupAggregate(groupBy=[${names.join(', ')}], select=[${names.join(', ')}])\n${indent(input.explain)}`,
  );
}
