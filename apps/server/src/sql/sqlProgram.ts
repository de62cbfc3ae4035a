import type { Notebook, SqlCell } from '@flowbook/protocol';
import { isCatalogStatement, splitStatements } from './splitStatements.js';

/**
 * The notebook catalog a SQL cell sees: the DDL and SET statements of the SQL cells above it, in order (tables created
 * in one cell are visible in the next, as in Zeppelin's Flink interpreter). Persisted as the statements that made it.
 */
export function catalogAbove(nb: Notebook, cellId: string): string[] {
  const at = nb.cells.findIndex((c) => c.id === cellId);
  const above = at < 0 ? nb.cells : nb.cells.slice(0, at);
  return above.flatMap((c) => (c.type === 'sql' ? splitStatements(c.source).map((s) => s.text).filter(isCatalogStatement) : []));
}

/**
 * The Flink SQL Gateway SQL cells run on (`FLOWBOOK_FLINK_SQL_GATEWAY=http://host:8083`), or undefined for the
 * embedded engine. Checked here so that a bad value fails the run with a clear message.
 */
export function flinkSqlGateway(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const url = env.FLOWBOOK_FLINK_SQL_GATEWAY?.trim();
  if (!url) return undefined;
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new Error(`FLOWBOOK_FLINK_SQL_GATEWAY is not a URL: ${url}`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error(`FLOWBOOK_FLINK_SQL_GATEWAY must be an http(s) URL: ${url}`);
  return url;
}

/** The job name of a SQL cell: notebook title and cell title (or id). */
export function sqlJobName(nb: Notebook, cell: Pick<SqlCell, 'id' | 'title'>): string {
  return `${nb.title}: ${cell.title?.trim() || cell.id}`;
}

/**
 * What a SQL cell runs: TypeScript that hands its statements to the engine's runSqlScript, so a SQL cell goes through
 * the same worker, TaskManager, checkpoints and taps as a code cell. `source` is the cell's SQL (the saved one unless a
 * writer sends edits). The SQL is embedded as JSON string literals: nothing in it can become code.
 */
export function sqlProgramOf(nb: Notebook, cell: SqlCell, source: string = cell.source, gateway: string | undefined = flinkSqlGateway()): string {
  const options = { catalog: catalogAbove(nb, cell.id), jobName: sqlJobName(nb, cell) };
  if (gateway) {
    // On an Apache Flink cluster: the statements go to its SQL Gateway; the job here only carries the results.
    const statements = splitStatements(source);
    return [
      "import { runSqlOnFlink } from '@flowbook/engine';",
      `await runSqlOnFlink(${JSON.stringify(statements)}, ${JSON.stringify({ ...options, gateway })});`,
      '',
    ].join('\n');
  }
  return [
    "import { runSqlScript } from '@flowbook/engine';",
    `await runSqlScript(${JSON.stringify(source)}, ${JSON.stringify(options)});`,
    '',
  ].join('\n');
}
