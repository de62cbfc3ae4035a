import { cellLineOf } from '@flowbook/engine';

/**
 * The cell line an error points at: a SQL error's own line in the cell's SQL (the engine's SqlError carries it; the
 * generated program around the SQL has no lines the user wrote), else the cell code's line from the stack trace.
 */
export function errorLineOf(err: Error): number | undefined {
  const line = (err as { line?: unknown }).line;
  if (err.name === 'SqlError' || err.constructor.name === 'SqlError') {
    // An error in a statement of a cell above (the catalog) has a line in that statement, not in this cell.
    if (/\bin catalog statement \d+\b/.test(err.message)) return undefined;
    return typeof line === 'number' && line >= 1 ? line : undefined;
  }
  return cellLineOf(err.stack);
}

/** The column (1-based) in that line, when the error knows it: a SQL error of the cell's own SQL. */
export function errorColumnOf(err: Error): number | undefined {
  const column = (err as { column?: unknown }).column;
  return errorLineOf(err) !== undefined && (err.name === 'SqlError' || err.constructor.name === 'SqlError') && typeof column === 'number' && column >= 1 ? column : undefined;
}
