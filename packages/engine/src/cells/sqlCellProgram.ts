import type { Notebook, SqlCell } from '@flowbook/protocol';
import { parseStatements } from '../sql/catalog.js';
import { isCatalogStatement, splitStatements } from '../sql/splitStatements.js';
import { cellModuleSpecifier } from './compileCell.js';

/**
 * The notebook catalog a SQL cell sees: the DDL and SET statements of the SQL cells above it, in order (tables created
 * in one cell are visible in the next, as in Zeppelin's Flink interpreter). Persisted as the statements that made it.
 */
export function catalogAbove(nb: Notebook, cellId: string): string[] {
  return catalogStatementsAbove(nb, cellId).map((s) => s.text);
}

/** The catalog statements above a cell, each with the cell it comes from (its title, else its id). */
function catalogStatementsAbove(nb: Notebook, cellId: string): { text: string; cell: string }[] {
  const at = nb.cells.findIndex((c) => c.id === cellId);
  const above = at < 0 ? nb.cells : nb.cells.slice(0, at);
  return above.flatMap((c) =>
    c.type === 'sql'
      ? splitStatements(c.source)
          .filter((s) => isCatalogStatement(s.text))
          .map((s) => ({ text: s.text, cell: c.title?.trim() || c.id }))
      : [],
  );
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
 * The TypeScript code cells above a SQL cell that its functions load: `CREATE FUNCTION f AS 'cell.export'` in the
 * cell or the catalog above names a code cell by its title or id. Each is imported once, by the name the SQL uses.
 */
function functionCellsAbove(nb: Notebook, cellId: string, statements: string[]): { name: string; source: string }[] {
  const at = nb.cells.findIndex((c) => c.id === cellId);
  const above = at < 0 ? nb.cells : nb.cells.slice(0, at);
  const names = new Set<string>();
  for (const text of statements) {
    if (!/^CREATE\b[^;]*?\bFUNCTION\b/i.test(text)) continue;
    try {
      for (const st of parseStatements(text)) {
        const dot = st.k === 'createFunction' ? st.identifier.lastIndexOf('.') : -1;
        if (dot > 0) names.add((st as { identifier: string }).identifier.slice(0, dot));
      }
    } catch {
      // a statement that does not parse fails the run with its position; it loads nothing
    }
  }
  const out: { name: string; source: string }[] = [];
  for (const name of names) {
    // the nearest code cell above with that title, else with that id
    const code = above.filter((c) => c.type === 'code' && c.language === 'typescript');
    const cell = code.findLast((c) => c.title?.trim() === name) ?? code.findLast((c) => c.id === name);
    if (cell && cell.type === 'code') out.push({ name, source: cell.source });
  }
  return out;
}

/**
 * What a SQL cell runs: TypeScript that hands its statements to the engine's runSqlScript, so a SQL cell goes through
 * the same worker, TaskManager, checkpoints and taps as a code cell. `source` is the cell's SQL (the saved one unless a
 * writer sends edits). The SQL is embedded as JSON string literals: nothing in it can become code.
 */
export function sqlProgramOf(nb: Notebook, cell: SqlCell, source: string = cell.source, gateway: string | undefined = flinkSqlGateway()): string {
  const catalog = catalogStatementsAbove(nb, cell.id);
  const options = { catalog: catalog.map((s) => s.text), jobName: sqlJobName(nb, cell) };
  if (gateway) {
    // On an Apache Flink cluster: the statements go to its SQL Gateway; the job here only carries the results.
    return [
      "import { runSqlOnFlink } from '@flowbook/engine';",
      `await runSqlOnFlink(${JSON.stringify(splitStatements(source))}, ${JSON.stringify({ ...options, gateway })});`,
      '',
    ].join('\n');
  }
  const modules = functionCellsAbove(nb, cell.id, [...catalog.map((s) => s.text), ...splitStatements(source).map((s) => s.text)]);
  // Code cells named by CREATE FUNCTION are imported (their source travels inside the import specifier, as data).
  const imports = modules.map((m, i) => `import * as fnModule${i} from ${JSON.stringify(cellModuleSpecifier(m.name, m.source))};`);
  const optionsText =
    modules.length === 0
      ? JSON.stringify(options)
      : `{ ...${JSON.stringify(options)}, functionModules: { ${modules.map((m, i) => `${JSON.stringify(m.name)}: fnModule${i}`).join(', ')} } }`;
  const run = `await runSqlScript(${JSON.stringify(source)}, ${optionsText});`;
  if (catalog.length === 0) return ["import { runSqlScript } from '@flowbook/engine';", ...imports, run, ''].join('\n');
  // The engine names a failing catalog statement by its number; the user needs the cell above it comes from.
  return [
    "import { runSqlScript } from '@flowbook/engine';",
    ...imports,
    `const catalogCells = ${JSON.stringify(catalog.map((s) => s.cell))};`,
    'try {',
    `  ${run}`,
    '} catch (e) {',
    '  const m = e instanceof Error ? /in catalog statement (\\d+):/.exec(e.message) : null;',
    '  if (m) e.message = e.message.replace(m[0], `in catalog statement ${m[1]} (cell ${JSON.stringify(catalogCells[Number(m[1]) - 1])} above):`);',
    '  throw e;',
    '}',
    '',
  ].join('\n');
}
