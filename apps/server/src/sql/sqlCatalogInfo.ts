import { describeCatalog, isCatalogStatement, SCALAR_FUNCTIONS, splitStatements, TABLE_CONNECTOR_OPTIONS } from '@flowbook/engine';
import { SqlCatalogInfo, type Notebook } from '@flowbook/protocol';

/** Flink's aggregate, window and ranking functions, which are not scalar functions but are completed all the same. */
const NON_SCALAR = ['COUNT', 'SUM', 'AVG', 'MIN', 'MAX', 'TUMBLE', 'HOP', 'CUMULATE', 'SESSION', 'TUMBLE_START', 'TUMBLE_END', 'TUMBLE_ROWTIME', 'HOP_START', 'HOP_END', 'SESSION_START', 'SESSION_END', 'ROW_NUMBER'];

/**
 * What the SQL editors of a notebook complete from: the tables and views all its SQL cells create (the engine's
 * describeCatalog, which skips statements that do not parse yet), the functions (built-in and CREATE FUNCTION) and the
 * connector options.
 */
export function sqlCatalogInfo(nb: Notebook): SqlCatalogInfo {
  const statements = nb.cells.flatMap((c) => (c.type === 'sql' ? splitStatements(c.source).map((s) => s.text).filter(isCatalogStatement) : []));
  const catalog = describeCatalog(statements);
  // the notebook's own functions (CREATE FUNCTION ... AS 'cell.export') complete like the built-in ones
  return SqlCatalogInfo.parse({ tables: catalog.tables, functions: [...NON_SCALAR, ...SCALAR_FUNCTIONS, ...catalog.functions], connectorOptions: TABLE_CONNECTOR_OPTIONS });
}
