import { useCallback, useEffect, useRef, useState } from 'react';
import type { Cell, ChartSettings, Notebook } from '@flowbook/protocol';
import { getNotebook, saveNotebook } from '../api/rest.js';
import { getSocket } from '../api/socket.js';
import { CodeCell } from '../cells/CodeCell.js';
import { MarkdownCell } from '../cells/MarkdownCell.js';
import { applyRunEvents } from './cellRuns.js';
import { useLiveRuns } from './useLiveRuns.js';
import { PresenceBar } from './PresenceBar.js';

const SAVE_DELAY_MS = 800;

/** A notebook: its cells in order, live results from the server, edits saved shortly after typing stops. */
export function NotebookPage({ name }: { name: string }) {
  const [notebook, setNotebook] = useState<Notebook>();
  const [loadError, setLoadError] = useState<string>();
  const [saveState, setSaveState] = useState<'saved' | 'saving' | 'unsaved' | string>('saved');
  const saveTimer = useRef<ReturnType<typeof setTimeout>>(undefined);

  useEffect(() => {
    let cancelled = false;
    getNotebook(name)
      .then((nb) => {
        if (cancelled) return;
        setNotebook(nb);
        document.title = `${nb.title} — Flowbook`;
      })
      .catch((e: Error) => setLoadError(e.message));
    return () => {
      cancelled = true;
    };
  }, [name]);

  const { runs, setLive } = useLiveRuns(name, notebook);

  const update = useCallback(
    (fn: (nb: Notebook) => Notebook) => {
      setNotebook((nb) => {
        if (!nb) return nb;
        const next = fn(nb);
        setSaveState('unsaved');
        clearTimeout(saveTimer.current);
        saveTimer.current = setTimeout(() => {
          setSaveState('saving');
          saveNotebook(name, next)
            .then(() => setSaveState('saved'))
            .catch((e: Error) => setSaveState(`not saved: ${e.message}`));
        }, SAVE_DELAY_MS);
        return next;
      });
    },
    [name],
  );

  const setCell = (id: string, fn: (c: Cell) => Cell) => update((nb) => ({ ...nb, cells: nb.cells.map((c) => (c.id === id ? fn(c) : c)) }));

  if (loadError) return <div className="page error" data-testid="notebook-error">{loadError}</div>;
  if (!notebook) return <div className="page">Loading…</div>;

  const runCell = (id: string) => {
    const cell = notebook.cells.find((c) => c.id === id);
    if (cell?.type !== 'code') return;
    // A run the server refuses (invalid message, unknown notebook) has no job and so no status: show why on the cell.
    getSocket().emit('cell.run', { notebook: name, cellId: id, source: cell.source, params: {} }, (res) => {
      if (!res.ok) setLive((r) => applyRunEvents(r, [{ kind: 'status', msg: { notebook: name, cellId: id, status: 'error', error: { message: res.error } } }]));
    });
  };

  return (
    <div className="page notebook" data-testid="notebook">
      <header className="notebook-header">
        <h1>{notebook.title}</h1>
        <span className="muted save-state" data-testid="save-state">
          {saveState}
        </span>
        <PresenceBar notebook={name} />
      </header>
      {notebook.cells.map((cell) => (
        <section key={cell.id} id={`cell-${cell.id}`} className={`cell cell-${cell.type}`} data-testid={`cell-${cell.id}`}>
          {cell.type === 'markdown' ? (
            <MarkdownCell id={cell.id} source={cell.source} readOnly={false} onChange={(source) => setCell(cell.id, (c) => ({ ...c, source }))} />
          ) : (
            <CodeCell
              cell={cell}
              run={runs[cell.id]}
              readOnly={false}
              onChange={(source) => setCell(cell.id, (c) => ({ ...c, source }))}
              onChartChange={(sink, settings: ChartSettings) =>
                setCell(cell.id, (c) => (c.type === 'code' ? { ...c, charts: { ...c.charts, [sink]: settings } } : c))
              }
              onRun={() => runCell(cell.id)}
              onCancel={() => getSocket().emit('cell.cancel', { notebook: name, cellId: cell.id })}
            />
          )}
        </section>
      ))}
    </div>
  );
}
