import { useCallback, useEffect, useMemo, useState } from 'react';
import { createNotebook, duplicateNotebook, listNotebookFiles, renameNotebook, trashNotebook, type NotebookFiles } from '../api/rest.js';
import { useWhoami } from '../api/useWhoami.js';
import { ImportPanel, type ImportResult } from '../files/ImportPanel.js';
import { NewNotebookForm } from '../files/NewNotebookForm.js';
import { NotebookTree } from '../files/NotebookTree.js';
import { buildTree, copyName, folderPaths } from '../files/names.js';
import type { Navigate } from '../router.js';

type Panel = { kind: 'new'; folder: string } | { kind: 'import'; folder: string };

/**
 * The notebooks folder as a file browser: a folder tree, new notebook, import (upload or paste), and per notebook
 * rename/move, duplicate, export and delete (to the trash) as the caller's role allows; files that failed to load are
 * listed with their problem.
 */
export function NotebookListPage({ navigate }: { navigate: Navigate }) {
  const me = useWhoami();
  const [list, setList] = useState<NotebookFiles>();
  const [error, setError] = useState<string>();
  const [notice, setNotice] = useState<string>();
  const [highlight, setHighlight] = useState<ReadonlySet<string>>(new Set());
  const [collapsed, setCollapsed] = useState<ReadonlySet<string>>(new Set());
  const [panel, setPanelState] = useState<Panel>();
  // A new task starts without the last one's message.
  const setPanel = (p: Panel | undefined) => {
    setPanelState(p);
    setNotice(undefined);
  };

  const reload = useCallback(
    () =>
      listNotebookFiles().then(
        (l) => (setList(l), setError(undefined)),
        (e: Error) => setError(e.message),
      ),
    [],
  );
  useEffect(() => void reload(), [reload]);

  const tree = useMemo(() => buildTree(list?.notebooks ?? []), [list]);
  const folders = useMemo(() => folderPaths(tree), [tree]);
  // Creating, importing and duplicating need a user or the token; a share-link viewer only reads.
  const canCreate = me !== undefined && me.role !== 'reader';

  /** After a change: the new list, the changed notebooks marked, a line saying what happened. */
  const changed = async (text: string, names: string[]) => {
    await reload();
    setHighlight(new Set(names));
    setNotice(text);
  };

  const onImported = (results: ImportResult[]) => {
    const ok = results.flatMap((r) => (r.ok ? [r.name] : []));
    if (ok.length > 0) void changed(`Imported ${ok.length} notebook${ok.length === 1 ? '' : 's'}.`, ok);
  };

  return (
    <div className="page file-browser" data-testid="notebook-list">
      <div className="file-browser-header">
        <h1>Notebooks</h1>
        <span className="spacer" />
        {canCreate && (
          <>
            <button className="run" data-testid="new-notebook" onClick={() => setPanel({ kind: 'new', folder: '' })}>
              + New notebook
            </button>
            <button data-testid="import" onClick={() => setPanel({ kind: 'import', folder: '' })}>
              Import…
            </button>
          </>
        )}
      </div>
      {panel?.kind === 'new' && (
        <NewNotebookForm
          key={`new:${panel.folder}`}
          folders={folders}
          initialFolder={panel.folder}
          onCancel={() => setPanel(undefined)}
          onCreate={async (name, title) => {
            const created = await createNotebook(name, title);
            navigate(`/notebook/${created}`);
          }}
        />
      )}
      {panel?.kind === 'import' && (
        <ImportPanel folders={folders} initialFolder={panel.folder} onImported={onImported} onOpen={(name) => navigate(`/notebook/${name}`)} onCancel={() => setPanel(undefined)} />
      )}
      {notice && (
        <div className="notice file-notice" role="status" data-testid="list-notice">
          {notice}
          <button className="icon-button" aria-label="Dismiss" onClick={() => setNotice(undefined)}>
            ✕
          </button>
        </div>
      )}
      {error && (
        <p className="error" role="alert" data-testid="list-error">
          {error}
        </p>
      )}
      {!list && !error && <p>Loading…</p>}
      {list && list.notebooks.length > 0 && (
        <NotebookTree
          tree={tree}
          navigate={navigate}
          collapsed={collapsed}
          onToggle={(path) => {
            const next = new Set(collapsed);
            if (!next.delete(path)) next.add(path);
            setCollapsed(next);
          }}
          highlight={highlight}
          canCreate={canCreate}
          onNewIn={(folder) => setPanel({ kind: 'new', folder })}
          onRename={async (from, to) => {
            const name = await renameNotebook(from, to);
            await changed(`Renamed ${from} to ${name}.`, [name]);
          }}
          onDuplicate={async (from) => {
            const name = await duplicateNotebook(from, copyName(from, new Set(list.notebooks.map((n) => n.name))));
            await changed(`Duplicated ${from} as ${name}.`, [name]);
          }}
          onTrash={async (name) => {
            const to = await trashNotebook(name);
            await changed(`Moved ${name} to the trash (${to} in the notebooks folder).`, []);
          }}
        />
      )}
      {list && list.notebooks.length === 0 && <p className="muted">No notebooks yet{canCreate ? ': create one or import a file.' : '.'}</p>}
      {list && list.errors.length > 0 && (
        <div className="load-errors" data-testid="load-errors">
          <h2>Files that could not be opened</h2>
          <ul>
            {list.errors.map((e) => (
              <li key={e.file}>
                <code>{e.file}</code>: {e.message}
              </li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}
