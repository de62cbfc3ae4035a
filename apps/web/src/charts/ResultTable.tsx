import { useMemo, useState } from 'react';
import type { Row } from '@flowbook/protocol';
import './charts.css';
import { fieldsOf, numericFields } from './fields.js';
import { formatTime, timeFields } from './timeColumns.js';
import { cellText, filterRows, nextSort, PAGE_SIZE, pageLabel, pageOf, sortRows, type TableSort } from './tableView.js';

/**
 * A sink's rows as a table: newest first until a column header is clicked (ascending, then descending), filtered by a
 * text box, in pages. Sort, filter and page are the viewer's own and not saved: a reader may sort a shared notebook.
 */
export function ResultTable({ rows, pageSize = PAGE_SIZE }: { rows: Row[]; pageSize?: number }) {
  const [sort, setSort] = useState<TableSort>();
  const [filter, setFilter] = useState('');
  const [page, setPage] = useState(0);
  const cols = useMemo(() => fieldsOf(rows), [rows]);
  const numeric = useMemo(() => numericFields(rows, cols), [cols, rows]);
  // Epoch milliseconds read as times; sorting still goes by the number.
  const times = useMemo(() => timeFields(rows, numeric), [rows, numeric]);
  const filtered = useMemo(() => filterRows(rows, filter), [rows, filter]);
  const ordered = useMemo(() => sortRows(filtered, sort), [filtered, sort]);
  const pg = pageOf(ordered.length, page, pageSize);
  const shown = ordered.slice(pg.start, pg.end);
  return (
    <div className="result-table-view">
      <div className="result-table-bar">
        <input type="search" className="table-filter" placeholder="Filter rows" aria-label="Filter rows" value={filter} onChange={(e) => {
            setFilter(e.target.value);
            setPage(0);
          }} />
        <span className="spacer" />
        <span className="muted table-range" data-testid="table-range">
          {pageLabel(pg, ordered.length)}
          {filter.trim() !== '' && ` (filtered from ${rows.length.toLocaleString()})`}
        </span>
        <button aria-label="Previous page" title="Previous page" disabled={pg.page === 0} onClick={() => setPage(pg.page - 1)}>
          ‹ Prev
        </button>
        <button aria-label="Next page" title="Next page" disabled={pg.page >= pg.pages - 1} onClick={() => setPage(pg.page + 1)}>
          Next ›
        </button>
      </div>
      <div className="result-table">
        <table>
          <thead>
            <tr>
              {cols.map((c) => {
                const dir = sort?.field === c ? (sort.desc ? 'descending' : 'ascending') : undefined;
                return (
                  <th key={c} aria-sort={dir ?? 'none'} className={numeric.has(c) ? 'num' : undefined}>
                    <button className="th-sort" onClick={() => {
                        setSort(nextSort(sort, c));
                        setPage(0);
                      }} title={`Sort by ${c}`}>
                      {c}
                      <span className="sort-mark" aria-hidden>
                        {dir === 'ascending' ? '▲' : dir === 'descending' ? '▼' : ''}
                      </span>
                    </button>
                  </th>
                );
              })}
            </tr>
          </thead>
          <tbody>
            {shown.map((r, i) => (
              <tr key={pg.start + i}>
                {cols.map((c) => (
                  times.has(c) && typeof r[c] === 'number' ? (
                    <td key={c} className="num time" title={String(r[c])}>
                      {formatTime(r[c])}
                    </td>
                  ) : (
                    <td key={c} className={numeric.has(c) ? 'num' : undefined}>
                      {cellText(r[c])}
                    </td>
                  )
                ))}
              </tr>
            ))}
          </tbody>
        </table>
        {shown.length === 0 && <p className="empty">{rows.length === 0 ? 'No rows yet.' : 'No rows match the filter.'}</p>}
      </div>
    </div>
  );
}
