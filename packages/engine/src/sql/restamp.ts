import type { TimestampedCollector } from '../runtime/batchLoops.js';
import type { Rel } from './planner.js';
import type { Row } from './tableConnectors.js';

/**
 * The rows with their records' timestamps set to a time column's values. Flink's window operators read the rowtime
 * field; the engine's read the record timestamp, which after an interval join is that of either side's row (both keep
 * their time attributes). A window over such a column first takes its times from the column. The flatMap collector
 * carries the timestamp of what it emits (FlatMapOperator's TimestampedCollector): watermarks pass unchanged.
 */
export function restamp(input: Rel, column: string): Rel {
  return {
    get stream() {
      return input.stream.flatMap<Row>((r, out) => {
        const t = r[column];
        if (typeof t !== 'number') return; // a NULL time attribute belongs to no window
        (out as unknown as TimestampedCollector).ts = t;
        out.collect(r);
      }, `Timestamps(${column})`);
    },
    columns: input.columns.map((c) => (c.name === column ? { ...c, restamp: undefined } : c)),
    updating: input.updating,
    explain: input.explain,
  };
}
