import { useEffect, useState } from 'react';
import type { NotebookList } from '@flowbook/protocol';
import { listNotebooks } from '../api/rest.js';
import type { Navigate } from '../router.js';

/** The notebooks folder: every notebook, and each file that failed to load with its problem. */
export function NotebookListPage({ navigate }: { navigate: Navigate }) {
  const [list, setList] = useState<NotebookList>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    listNotebooks().then(setList, (e: Error) => setError(e.message));
  }, []);
  return (
    <div className="page" data-testid="notebook-list">
      <h1>Notebooks</h1>
      {error && <p className="error">{error}</p>}
      {!list && !error && <p>Loading…</p>}
      <ul className="notebook-list">
        {list?.notebooks.map((n) => (
          <li key={n.name}>
            <a href={`/notebook/${n.name}`} onClick={(e) => (e.preventDefault(), navigate(`/notebook/${n.name}`))}>
              {n.title}
            </a>
            <span className="muted"> {n.name}</span>
          </li>
        ))}
      </ul>
      {list && list.notebooks.length === 0 && <p className="muted">No notebooks yet.</p>}
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
