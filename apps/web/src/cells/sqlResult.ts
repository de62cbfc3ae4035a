import type { Cell, Row, SqlMode } from '@flowbook/protocol';

/** Flink's row kinds, as the engine's SQL sink marks each record. */
const ROW_KIND = '$rowKind';

/** A row without its row kind, for display. */
function withoutKind(row: Row): Row {
  if (!(ROW_KIND in row)) return row;
  const { [ROW_KIND]: _kind, ...rest } = row;
  return rest;
}

/** Equality of two rows' values, row kinds aside. */
function sameRow(a: Row, b: Row): boolean {
  const keys = Object.keys(a).filter((k) => k !== ROW_KIND);
  if (keys.length !== Object.keys(b).filter((k) => k !== ROW_KIND).length) return false;
  return keys.every((k) => k in b && JSON.stringify(a[k]) === JSON.stringify(b[k]));
}

/**
 * The current result of an updating query (Zeppelin's type=update): the changelog applied in order. +I and +U add a
 * row; -U and -D remove one equal row (the newest such), as Flink's retractions do. SQL rows carry only the query's
 * columns (the worker adds no record timestamp to them), so equal means equal in every column.
 */
export function materialize(changelog: Row[]): Row[] {
  const rows: Row[] = [];
  for (const r of changelog) {
    const kind = r[ROW_KIND];
    if (kind === '-U' || kind === '-D') {
      let at = -1;
      for (let i = rows.length - 1; i >= 0 && at < 0; i--) if (sameRow(rows[i]!, r)) at = i;
      if (at >= 0) rows.splice(at, 1);
      // A retraction of a row no longer kept (older rows are dropped past the bound) removes nothing.
    } else rows.push(withoutKind(r));
  }
  return rows;
}

/** What a SQL cell shows of its result rows in a display mode: 'append' every row as it came, else the current result. */
export function sqlRows(rows: Row[], mode: SqlMode): Row[] {
  return mode === 'append' ? rows.map(withoutKind) : materialize(rows);
}

/** The rows a view of a cell's sink shows: a SQL cell's rows through its display mode, any other cell's as they are. */
export function rowsOfCell(cell: Cell | undefined, rows: Row[]): Row[] {
  return cell?.type === 'sql' ? sqlRows(rows, cell.mode) : rows;
}

/**
 * Zeppelin's single-value template: {0}, {1}, ... are the row's columns in order. Without a template, the first column.
 */
export function fillTemplate(template: string | undefined, row: Row, escape: (text: string) => string = (t) => t): string {
  const values = Object.entries(row)
    .filter(([k]) => k !== ROW_KIND)
    .map(([, v]) => v);
  const text = (v: unknown) => escape(v === undefined ? '' : v !== null && typeof v === 'object' ? JSON.stringify(v) : String(v));
  if (!template) return text(values[0]);
  return template.replace(/\{(\d+)\}/g, (m, i: string) => (Number(i) < values.length ? text(values[Number(i)]) : m));
}
