import { StreamExecutionEnvironment } from '../api/StreamExecutionEnvironment.js';
import { LiveSink } from '../connectors/live/LiveSink.js';
import { StreamTableEnvironment } from '../table/StreamTableEnvironment.js';
import type { Statement } from './ast.js';
import { parseStatements, SqlCatalog } from './catalog.js';
import { SqlError } from './SqlError.js';
import { tableColumns } from './tableConnectors.js';

export interface SqlScriptOptions {
  /** Statements of earlier SQL cells (CREATE TABLE/VIEW, SET) that define the notebook catalog. */
  catalog?: string[];
  jobName?: string;
  /** LiveSink name for a trailing query's result; default 'result'. */
  resultSink?: string;
  /** Modules `CREATE FUNCTION f AS 'module.export'` loads from, by name (in a notebook: code cells). */
  functionModules?: Record<string, Record<string, unknown>>;
}

const CATALOG_KINDS = new Set(['createTable', 'createView', 'set', 'createFunction', 'dropFunction']);

/** Runs the catalog statements (earlier cells' DDL and SET); an error names the statement, not a line of this cell. */
function applyCatalog(tEnv: StreamTableEnvironment, options: SqlScriptOptions | undefined): void {
  for (const [name, mod] of Object.entries(options?.functionModules ?? {})) tEnv.functionModules.set(name, mod);
  (options?.catalog ?? []).forEach((text, i) => {
    try {
      for (const st of parseStatements(text)) if (CATALOG_KINDS.has(st.k)) tEnv.executeStatement(st);
    } catch (e) {
      if (e instanceof SqlError) throw new SqlError(`in catalog statement ${i + 1}: ${e.message}`, e.line, e.column);
      throw e;
    }
  });
}

/**
 * Runs a SQL cell: DDL and SET apply; INSERT INTO becomes sinks; a trailing SELECT streams its changelog into
 * new LiveSink(resultSink) as records `{ ...columns, $rowKind: '+I' | '-U' | '+U' | '-D' }`; then env.execute().
 * The environment is the one code cells get (getExecutionEnvironment), so checkpoints, metrics, taps and slots apply.
 */
export async function runSqlScript(script: string, options?: SqlScriptOptions): Promise<void> {
  const env = StreamExecutionEnvironment.getExecutionEnvironment();
  const tEnv = StreamTableEnvironment.create(env);
  applyCatalog(tEnv, options);
  const statements = parseStatements(script);
  let sinks = 0;
  statements.forEach((st, i) => {
    if (st.k === 'query') {
      if (i !== statements.length - 1) throw new SqlError('only the last statement of a cell may be a SELECT (its result is shown)', st.pos.line, st.pos.column);
      const table = tEnv.executeStatement(st).table!;
      tEnv.toDisplayStream(table).sinkTo(new LiveSink(options?.resultSink ?? 'result'), 'Result');
      sinks++;
    } else if (st.k === 'explain') {
      console.log(tEnv.explainStatement(st.inner));
    } else {
      tEnv.executeStatement(st);
      if (st.k === 'insert') sinks++;
    }
  });
  if (sinks > 0) await env.execute(options?.jobName ?? tEnv.catalog.options.get('pipeline.name') ?? 'SQL job');
}

/** The EXPLAIN text of the script's last query or INSERT (after its DDL), without running anything. */
export function explainSql(script: string, options?: SqlScriptOptions): string {
  const tEnv = StreamTableEnvironment.create(new StreamExecutionEnvironment());
  applyCatalog(tEnv, options);
  const statements = parseStatements(script);
  let target: Statement | undefined;
  for (const st of statements) {
    if (CATALOG_KINDS.has(st.k)) tEnv.executeStatement(st);
    else target = st.k === 'explain' ? st.inner : st;
  }
  if (!target) return '(no query or INSERT to explain)';
  return tEnv.explainStatement(target);
}

/** Tables and views the statements define, with their columns, and the functions they create (for editor completion). */
export function describeCatalog(statements: string[]): {
  tables: { name: string; kind: 'table' | 'view'; connector?: string; columns: { name: string; type: string }[] }[];
  functions: string[];
} {
  const functions = new Map<string, string>();
  const catalog = new SqlCatalog();
  const tEnv = StreamTableEnvironment.create(new StreamExecutionEnvironment());
  const tables: { name: string; kind: 'table' | 'view'; connector?: string; columns: { name: string; type: string }[] }[] = [];
  for (const text of statements) {
    let sts: Statement[];
    try {
      sts = parseStatements(text);
    } catch {
      continue; // a cell being edited may not parse: it contributes nothing
    }
    for (const st of sts) {
      if (!CATALOG_KINDS.has(st.k)) continue;
      // functions load code cells at run time: completion knows their names only
      if (st.k === 'createFunction') functions.set(st.name.toUpperCase(), st.name);
      if (st.k === 'dropFunction') functions.delete(st.name.toUpperCase());
      if (st.k === 'createFunction' || st.k === 'dropFunction') continue;
      try {
        tEnv.executeStatement(st);
        catalog.apply(st);
        if (st.k === 'createTable') {
          tables.push({ name: st.name, kind: 'table', connector: st.options.connector, columns: tableColumns(st).map((c) => ({ name: c.name, type: c.type })) });
        } else if (st.k === 'createView') {
          const cols = tEnv.sqlQueryOf(st.query).rel.columns;
          tables.push({ name: st.name, kind: 'view', columns: cols.map((c) => ({ name: c.name, type: c.type })) });
        }
      } catch {
        // an invalid statement is skipped; running the cell reports it
      }
    }
  }
  const seen = new Set<string>();
  return { functions: [...functions.values()], tables: tables.reverse().filter((t) => (seen.has(t.name) ? false : (seen.add(t.name), true))).reverse() };
}
