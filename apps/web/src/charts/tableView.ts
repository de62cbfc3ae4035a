import type { Row } from '@flowbook/protocol';

export interface TableSort {
  field: string;
  desc: boolean;
}

export const PAGE_SIZE = 50;

/** A cell as text, for display and for the filter box. */
export const cellText = (v: unknown): string => (v === undefined || v === null ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v));

/** Rows with any cell containing the text (case-insensitive); all rows for an empty filter. */
export function filterRows(rows: Row[], text: string): Row[] {
  const q = text.trim().toLowerCase();
  if (q === '') return rows;
  return rows.filter((r) => Object.values(r).some((v) => cellText(v).toLowerCase().includes(q)));
}

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

/** Numbers by value, text naturally ("item 2" before "item 10"); numbers before text; empty cells last either way. */
export function compareValues(a: unknown, b: unknown): number {
  const ea = a === undefined || a === null;
  const eb = b === undefined || b === null;
  if (ea || eb) return ea === eb ? 0 : ea ? 1 : -1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'number') return -1;
  if (typeof b === 'number') return 1;
  return collator.compare(cellText(a), cellText(b));
}

/**
 * The table's order: by the clicked column, or newest first when unsorted (a live result's latest rows matter most).
 * Array.prototype.sort is stable, so equal values keep their arrival order.
 */
export function sortRows(rows: Row[], sort: TableSort | undefined): Row[] {
  if (sort === undefined) return rows.slice().reverse();
  const { field, desc } = sort;
  return rows.slice().sort((a, b) => {
    const c = compareValues(a[field], b[field]);
    // Empty cells stay last in both directions.
    const empty = a[field] === undefined || a[field] === null || b[field] === undefined || b[field] === null;
    return desc && !empty ? -c : c;
  });
}

/** Header click: ascending first, then descending, then back to ascending. */
export const nextSort = (current: TableSort | undefined, field: string): TableSort =>
  current?.field === field ? { field, desc: !current.desc } : { field, desc: false };

export interface Page {
  /** Zero-based page number, clamped into range. */
  page: number;
  pages: number;
  /** Row range shown, [start, end) (0 and 0 when there are no rows). */
  start: number;
  end: number;
}

/** The page to show of `total` rows; a page past the end (the rows were filtered or dropped) becomes the last one. */
export function pageOf(total: number, page: number, size = PAGE_SIZE): Page {
  const pages = Math.max(1, Math.ceil(total / size));
  const p = Math.min(Math.max(0, page), pages - 1);
  return { page: p, pages, start: Math.min(total, p * size), end: Math.min(total, (p + 1) * size) };
}

/** "rows 51–100 of 240" (1-based, as people count). */
export const pageLabel = ({ start, end }: Page, total: number): string => (total === 0 ? 'no rows' : `rows ${start + 1}–${end} of ${total.toLocaleString()}`);
