import type { DataStream } from '../api/DataStream.js';
import type { Rel } from './planner.js';
import type { Row } from './tableConnectors.js';
import type { Column } from './types.js';

/** A relation whose stream is built on first use: a plan node nothing reads builds no operator. */
export function lazyRel(build: () => DataStream<Row>, columns: Column[], updating: boolean, explain: string): Rel {
  let s: DataStream<Row> | undefined;
  return {
    get stream() {
      return (s ??= build());
    },
    columns,
    updating,
    explain,
  };
}

/** An EXPLAIN subtree, indented under its parent. */
export const indent = (s: string): string => s.split('\n').map((l) => '  ' + l).join('\n');
