import { useCallback, useEffect, useRef, useState } from 'react';
import type { Cell, ChartSettings, Notebook } from '@flowbook/protocol';
import { getNotebook, saveNotebook } from '../api/rest.js';
import { getSocket } from '../api/socket.js';
import { CodeCell } from '../cells/CodeCell.js';
import { MarkdownCell } from '../cells/MarkdownCell.js';
import { createRafBatcher } from '../util/rafBatcher.js';
import { applyRunEvents, fromSaved, type CellRunView, type RunEvent } from './cellRuns.js';

const SAVE_DELAY_MS = 800;

/** A notebook: its cells in order, live results from the server, edits saved shortly after typing stops. */
export function NotebookPage({ name }: { name: string }) {
  const [notebook, setNotebook] = useState<Notebook>();
  const [loadError, setLoadError] = useState<string>();
  const [runs, setRuns] = useState<Record<string, CellRunView>>({});
  const [saveState, setSaveState] = useState<'saved' | 'saving' | 'unsaved' | string>('saved');
  const saveTimer = useRef<ReturnType<typeof setTimeout>>(undefined);

  useEffect(() => {
    let cancelled = false;
    getNotebook(name)
      .then((nb) => {
        if (cancelled) return;
        setNotebook(nb);
        document.title = `${nb.title} — Flowbook`;
        const saved: Record<string, CellRunView> = {};
        for (const c of nb.cells) if (c.type === 'code' && fromSaved(c)) saved[c.id] = fromSaved(c)!;
        setRuns((r) => ({ ...saved, ...r }));
      })
      .catch((e: Error) => setLoadError(e.message));
    return () => {
      cancelled = true;
    };
  }, [name]);

  // Live updates: every socket message for this notebook is queued and applied once per animation frame.
  useEffect(() => {
    const socket = getSocket();
    const batcher = createRafBatcher<RunEvent>((events) => setRuns((r) => applyRunEvents(r, events)));
    const mine = (m: { notebook: string }) => m.notebook === name;
    const onStatus = (msg: RunEvent['msg'] & { status: never }) => mine(msg) && batcher.push({ kind: 'status', msg });
    const onAppend = (msg: Parameters<typeof batcher.push>[0]['msg']) => mine(msg) && batcher.push({ kind: 'append', msg } as RunEvent);
    const onLog = (msg: Parameters<typeof batcher.push>[0]['msg']) => mine(msg) && batcher.push({ kind: 'log', msg } as RunEvent);
    const join = () => socket.emit('notebook.join', { notebook: name });
    socket.on('cell.status', onStatus as never);
    socket.on('result.append', onAppend as never);
    socket.on('cell.log', onLog as never);
    socket.on('connect', join);
    if (socket.connected) join();
    return () => {
      socket.off('cell.status', onStatus as never);
      socket.off('result.append', onAppend as never);
      socket.off('cell.log', onLog as never);
      socket.off('connect', join);
    };
  }, [name]);

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
    if (cell?.type === 'code') getSocket().emit('cell.run', { notebook: name, cellId: id, source: cell.source });
  };

  return (
    <div className="page notebook" data-testid="notebook">
      <header className="notebook-header">
        <h1>{notebook.title}</h1>
        <span className="muted save-state" data-testid="save-state">
          {saveState}
        </span>
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
