import type { Collector, KeyedProcessContext, RuntimeContext } from '../api/functions.js';
import { ValueStateDescriptor, type ValueStateLike } from '../state/StateDescriptor.js';
import type { Rel } from './planner.js';
import { rowComparator, type SortKey } from './sort.js';
import type { Row } from './tableConnectors.js';
import { indent, lazyRel } from './rel.js';


type Held = { rows: Row[]; seq: number };

const sameRow = (a: Row, b: Row): boolean => {
  for (const k in a) if (k !== '$rowKind' && k !== '$seq' && a[k] !== b[k]) return false;
  for (const k in b) if (k !== '$rowKind' && k !== '$seq' && !(k in a)) return false;
  return true;
};

/**
 * Streaming LIMIT as Flink runs it: a rank over the whole input (one task) that keeps the first `limit` rows in ORDER
 * BY order (arrival order without ORDER BY). When a row enters the top, the row it pushes out is deleted (-D) and the
 * new one inserted (+I); a retracted top row is deleted and the next one moves up. An append-only input keeps only
 * the top rows in state (Flink's AppendOnlyTopNFunction); an updating one keeps all rows, as a retraction can bring a
 * lower row back (RetractableTopNFunction).
 */
class TopNFunction {
  private held!: ValueStateLike<Held>;
  constructor(
    private readonly cmp: (a: Row, b: Row) => number,
    private readonly limit: number,
    private readonly updatingIn: boolean,
    /** LIMIT without ORDER BY over an append-only input: the first rows, and nothing ever changes (insert-only). */
    private readonly firstN: boolean,
  ) {}
  open(ctx: RuntimeContext): void {
    this.held = ctx.getState(new ValueStateDescriptor<Held>('sql-topn'));
  }
  private clean(r: Row): Row {
    const o = { ...r };
    delete o.$rowKind;
    delete o.$seq;
    return o;
  }
  processElement(r: Row, _ctx: KeyedProcessContext<unknown>, out: Collector<Row>): void {
    const h = this.held.value() ?? { rows: [], seq: 0 };
    if (this.firstN) {
      if (h.seq >= this.limit) return;
      h.seq++;
      this.held.update(h);
      out.collect(this.clean(r));
      return;
    }
    const k = r.$rowKind as string | undefined;
    const add = k === undefined || k === '+I' || k === '+U';
    const before = h.rows.slice(0, this.limit);
    if (add) {
      const row: Row = { ...r, $seq: h.seq++ };
      delete row.$rowKind;
      // after the rows it ties with: the earlier row keeps its rank
      let i = h.rows.length;
      while (i > 0 && this.cmp(h.rows[i - 1]!, row) > 0) i--;
      if (!this.updatingIn && i >= this.limit) return; // not in the top: an append-only input never needs it
      h.rows.splice(i, 0, row);
      if (!this.updatingIn && h.rows.length > this.limit) h.rows.length = this.limit;
    } else {
      const i = h.rows.findIndex((x) => sameRow(x, r));
      if (i < 0) return;
      h.rows.splice(i, 1);
    }
    this.held.update(h);
    const after = h.rows.slice(0, this.limit);
    for (const x of before) if (!after.includes(x)) out.collect({ ...this.clean(x), $rowKind: '-D' });
    for (const x of after) if (!before.includes(x)) out.collect({ ...this.clean(x), $rowKind: '+I' });
  }
}

/** `[ORDER BY ...] LIMIT n` (Flink's SortLimit / Limit): updating, except LIMIT alone over an append-only input. */
export function sortLimit(input: Rel, keys: SortKey[], limit: number): Rel {
  const firstN = keys.length === 0 && !input.updating;
  const order = keys.map((k) => `${k.column} ${k.desc ? 'DESC' : 'ASC'}`).join(', ');
  const explain = keys.length ? `SortLimit(orderBy=[${order}], offset=[0], fetch=[${limit}])` : `Limit(offset=[0], fetch=[${limit}])`;
  return lazyRel(
    () => input.stream.keyBy(() => '').process<Row>(new TopNFunction(rowComparator(keys), limit, input.updating, firstN), keys.length ? 'SortLimit' : 'Limit'),
    input.columns.map((c) => ({ name: c.name, type: c.type })),
    !firstN,
    `${explain}\n${indent(input.explain)}`,
  );
}
