import type { DataStream } from '../api/DataStream.js';
import type { Query, Statement } from './ast.js';
import type { Rel } from './planner.js';
import { splitStatements } from './splitStatements.js';
import { parseFlinkSql } from './flinkParser.js';
import { SqlError } from './SqlError.js';
import { toStatement } from './toAst.js';
import type { Column } from './types.js';

export type CreateTable = Extract<Statement, { k: 'createTable' }>;

export type CatalogEntry =
  | { kind: 'table'; name: string; ddl: CreateTable }
  | { kind: 'view'; name: string; query: Query }
  /** A DataStream registered from code (createTemporaryView / fromDataStream). */
  | { kind: 'stream'; name: string; stream: DataStream<Record<string, unknown>>; columns: Column[]; updating: boolean; rel?: Rel };

/** The tables and views a SQL job sees, with the job options SET so far. */
export class SqlCatalog {
  readonly entries = new Map<string, CatalogEntry>();
  readonly options = new Map<string, string>();

  get(name: string, pos?: { line: number; column: number }): CatalogEntry {
    const e = this.entries.get(name) ?? [...this.entries.values()].find((x) => x.name.toLowerCase() === name.toLowerCase());
    if (!e) throw new SqlError(`table or view '${name}' not found${this.entries.size ? `; known: ${[...this.entries.keys()].join(', ')}` : ''}`, pos?.line, pos?.column);
    return e;
  }

  /** Applies a DDL or SET statement; returns false for statements that are not catalog statements. */
  apply(st: Statement): boolean {
    switch (st.k) {
      case 'createTable':
        if (this.entries.has(st.name) && !st.ifNotExists && !st.temporary) throw new SqlError(`table '${st.name}' already exists`, st.pos.line, st.pos.column);
        if (!this.entries.has(st.name) || !st.ifNotExists) this.entries.set(st.name, { kind: 'table', name: st.name, ddl: st });
        return true;
      case 'createView':
        this.entries.set(st.name, { kind: 'view', name: st.name, query: st.query });
        return true;
      case 'set':
        if (st.key !== undefined) this.options.set(st.key, st.value ?? '');
        return true;
      default:
        return false;
    }
  }
}

/** Parses a script into statements; errors carry line and column. */
export function parseStatements(script: string): Statement[] {
  // Flink's job statements address a cluster, not tables: the notebook server (or a Flink SQL Gateway) answers them
  const job = splitStatements(script).find((s) => /^(SHOW\s+JOBS|STOP\s+JOB)\b/i.test(s.text));
  if (job) throw new SqlError(`${/^SHOW/i.test(job.text) ? 'SHOW JOBS' : 'STOP JOB'} runs in a SQL cell of its own on the Flowbook server (or with a Flink SQL Gateway), not in a job`, job.line, 1);
  const { trees, text } = parseFlinkSql(script);
  return trees.map((n) => toStatement(n, text));
}
