import type { Collector, KeyedProcessContext, RuntimeContext } from '../api/functions.js';
import { ValueStateDescriptor, type ValueStateLike } from '../state/StateDescriptor.js';
import type { Rel } from './planner.js';
import { indent, lazyRel } from './rel.js';
import { SqlError } from './SqlError.js';
import type { Row } from './tableConnectors.js';

export type SetOpKind = 'INTERSECT' | 'EXCEPT';

/** A row of either input, by position, with the side it comes from and its row kind. */
interface Tagged {
  side: 0 | 1;
  values: unknown[];
  kind: unknown;
}

/** How many copies of a row the result holds, given its counts in the left and right inputs. */
function copies(op: SetOpKind, all: boolean, l: number, r: number): number {
  if (op === 'INTERSECT') return all ? Math.min(l, r) : l > 0 && r > 0 ? 1 : 0;
  return all ? Math.max(l - r, 0) : l > 0 && r === 0 ? 1 : 0;
}

/**
 * Per distinct row: its count in each input (retractions lower them). A change of the result's copies emits +I for
 * each copy gained and -D for each copy lost, so the materialized result is always the set operation of the inputs.
 */
class SetOpFunction {
  private counts!: ValueStateLike<[number, number]>;
  constructor(
    private readonly op: SetOpKind,
    private readonly all: boolean,
    private readonly names: string[],
  ) {}
  open(ctx: RuntimeContext): void {
    this.counts = ctx.getState(new ValueStateDescriptor<[number, number]>('sql-setop-counts'));
  }
  processElement(t: Tagged, _ctx: KeyedProcessContext<unknown>, out: Collector<Row>): void {
    const sign = t.kind === '-U' || t.kind === '-D' ? -1 : 1;
    const [l, r] = this.counts.value() ?? [0, 0];
    const nl = t.side === 0 ? l + sign : l;
    const nr = t.side === 1 ? r + sign : r;
    if (nl < 0 || nr < 0) return; // retraction of a row never counted (expired state)
    this.counts.update(nl === 0 && nr === 0 ? undefined : [nl, nr]);
    const before = copies(this.op, this.all, l, r);
    const after = copies(this.op, this.all, nl, nr);
    if (before === after) return;
    const o: Row = {};
    for (let i = 0; i < this.names.length; i++) o[this.names[i]!] = t.values[i];
    const kind = after > before ? '+I' : '-D';
    for (let n = Math.abs(after - before); n > 0; n--) out.collect({ ...o, $rowKind: kind });
  }
}

/**
 * INTERSECT / EXCEPT [ALL], columns matched by position and named as in the left input. Flink rewrites
 * them to a semi/anti join under a distinct aggregate (ALL: counts per side and a row replication); the result is the
 * same multiset: INTERSECT has a row if both inputs do (ALL: min of the counts), EXCEPT if only the left does (ALL:
 * left count minus right count). Both inputs may be updating; the result is updating (+I/-D).
 */
export function setOperation(op: SetOpKind, all: boolean, left: Rel, right: Rel, pos?: { line: number; column: number }): Rel {
  if (left.columns.length !== right.columns.length) {
    throw new SqlError(`Column count mismatch in ${op}${all ? ' ALL' : ''}: ${left.columns.length} and ${right.columns.length} columns`, pos?.line, pos?.column);
  }
  const names = left.columns.map((c) => c.name);
  const rnames = right.columns.map((c) => c.name);
  const tag = (side: 0 | 1, cols: string[]) => (r: Row): Tagged => ({ side, values: cols.map((n) => r[n] ?? null), kind: r.$rowKind });
  const calcite = op === 'INTERSECT' ? 'Intersect' : 'Minus';
  return lazyRel(
    () =>
      left.stream
        .map(tag(0, names), 'Calc')
        .union(right.stream.map(tag(1, rnames), 'Calc'))
        .keyBy((t) => JSON.stringify(t.values))
        .process<Row>(new SetOpFunction(op, all, names), calcite),
    left.columns.map((c) => ({ name: c.name, type: c.type })),
    true,
    `${calcite}(all=[${all}], select=[${names.join(', ')}])\n${indent(left.explain)}\n${indent(right.explain)}`,
  );
}
