import type { Rel } from '../sql/planner.js';
import type { Column } from '../sql/types.js';
import type { StreamTableEnvironment } from './StreamTableEnvironment.js';

/** A planned query (Flink's Table): turn it into a stream with tEnv.toDataStream / toChangelogStream. */
export class Table {
  constructor(
    readonly tableEnv: StreamTableEnvironment,
    readonly rel: Rel,
  ) {}
  /** Column names and SQL types. */
  getResolvedSchema(): { columns: Column[] } {
    // restamp is the planner's (how windows read an interval join's times), not part of the schema
    return { columns: this.rel.columns.map(({ restamp: _restamp, ...c }) => c) };
  }
  /** True when the table is an updating query (its changelog has -U/+U/-D rows). */
  isUpdating(): boolean {
    return this.rel.updating;
  }
  explain(): string {
    return this.rel.explain;
  }
}
