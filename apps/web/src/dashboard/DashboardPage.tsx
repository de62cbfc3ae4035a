import { useEffect, useMemo, useState } from 'react';
import { isRunnable, type DashboardItem, type Notebook } from '@flowbook/protocol';
import { getNotebook, saveNotebook } from '../api/rest.js';
import { inferSettings } from '../charts/pivot.js';
import { ResultDisplay } from '../charts/ResultDisplay.js';
import { useLiveRuns } from '../notebook/useLiveRuns.js';
import { availableOutputs, moveItem, shownItems } from './layout.js';
import { rowsOfCell } from '../cells/sqlResult.js';

/**
 * `/dashboard/<notebook>`: only the chosen outputs, in a grid, updating live, with no code — for a wall screen.
 * The owner can edit the layout (saved in the notebook); share-link viewers only watch.
 */
export function DashboardPage({ name, canEdit }: { name: string; canEdit: boolean }) {
  const [notebook, setNotebook] = useState<Notebook>();
  const [error, setError] = useState<string>();
  const [editing, setEditing] = useState(false);

  useEffect(() => {
    getNotebook(name).then(
      (nb) => {
        setNotebook(nb);
        document.title = `${nb.title} — dashboard`;
      },
      (e: Error) => setError(e.message),
    );
  }, [name]);

  const { runs } = useLiveRuns(name, notebook);

  const outputs = useMemo(() => (notebook ? availableOutputs(notebook, runs) : []), [notebook, runs]);
  const items = notebook ? shownItems(notebook, outputs) : [];

  const setItems = (next: DashboardItem[]) => {
    if (!notebook) return;
    const nb = { ...notebook, dashboard: { items: next } };
    setNotebook(nb);
    saveNotebook(name, nb).catch((e: Error) => setError(`layout not saved: ${e.message}`));
  };

  if (error && !notebook) return <div className="page error">{error}</div>;
  if (!notebook) return <div className="page">Loading…</div>;
  return (
    <div className="dashboard" data-testid="dashboard">
      <header className="dashboard-header">
        {canEdit && (
          <a href={`/notebook/${name}`} className="dashboard-back" data-testid="dashboard-back" title="Back to the notebook">
            ← Notebook
          </a>
        )}
        <h1>{notebook.title}</h1>
        {canEdit && (
          <button onClick={() => setEditing((e) => !e)} data-testid="dashboard-edit">
            {editing ? 'Done' : 'Edit layout'}
          </button>
        )}
        {error && <span className="error">{error}</span>}
      </header>
      {editing && (
        <div className="dashboard-palette">
          <span className="muted">Add an output:</span>
          {outputs
            .filter((o) => !items.some((i) => i.cellId === o.cellId && i.sink === o.sink))
            .map((o) => (
              <button key={`${o.cellId}/${o.sink}`} data-testid={`dashboard-add-${o.cellId}-${o.sink}`} onClick={() => setItems([...items, { cellId: o.cellId, sink: o.sink, w: 6, h: 3 }])}>
                + {o.label}
              </button>
            ))}
          {outputs.length === 0 && <span className="muted">Run a cell with a live sink first.</span>}
        </div>
      )}
      {items.length === 0 && !editing && <p className="muted">This dashboard is empty.{canEdit ? ' Use “Edit layout” to add outputs.' : ''}</p>}
      <div className="dashboard-grid">
        {items.map((item, i) => {
          const cell = notebook.cells.find((c) => c.id === item.cellId);
          const label = outputs.find((o) => o.cellId === item.cellId && o.sink === item.sink)?.label ?? item.sink;
          const rows = rowsOfCell(cell, runs[item.cellId]?.results[item.sink]?.rows ?? []);
          const given = cell && isRunnable(cell) ? cell.charts[item.sink] : undefined;
          const settings = inferSettings(rows, given);
          return (
            <section key={`${item.cellId}/${item.sink}`} className="dashboard-item" style={{ gridColumn: `span ${item.w}`, height: item.h * 100 }} data-testid={`dashboard-item-${item.cellId}-${item.sink}`}>
              <div className="dashboard-item-header">
                <strong>{item.title ?? label}</strong>
                <span className={`status status-${runs[item.cellId]?.status ?? 'ready'}`}>{runs[item.cellId]?.status ?? 'ready'}</span>
                {editing && (
                  <span className="dashboard-item-tools">
                    <button onClick={() => setItems(moveItem(items, i, -1))} title="Move earlier">←</button>
                    <button onClick={() => setItems(moveItem(items, i, 1))} title="Move later">→</button>
                    <select value={item.w} onChange={(e) => setItems(items.map((x, j) => (j === i ? { ...x, w: Number(e.target.value) } : x)))} aria-label="Width">
                      {[3, 4, 6, 8, 12].map((w) => (
                        <option key={w} value={w}>
                          {w}/12
                        </option>
                      ))}
                    </select>
                    <button onClick={() => setItems(items.filter((_, j) => j !== i))} title="Remove">✕</button>
                  </span>
                )}
              </div>
              <ResultDisplay rows={rows} settings={settings} testId={`dashboard-chart-${item.cellId}-${item.sink}`} height={item.h * 100 - 48} />
            </section>
          );
        })}
      </div>
    </div>
  );
}
