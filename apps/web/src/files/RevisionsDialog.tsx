import { useCallback, useEffect, useState } from 'react';
import { listRevisions, restoreRevision, revisionDiff, saveRevision, type Revision } from '../api/rest.js';
import { diffLines, diffStats, type DiffLine } from './diff.js';
import { ErrorLine, Modal } from './Modal.js';
import { useAction } from './useAction.js';

export const formatTime = (ms: number) => new Date(ms).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });

interface Props {
  name: string;
  canWrite: boolean;
  /** Whether the page's edits are on disk: a revision is a copy of the file, so it waits for pending saves. */
  saved: boolean;
  onRestored(): void;
  onClose(): void;
}

/** Named revisions of the notebook: save one, list them, diff one against the current file, restore one. */
export function RevisionsDialog({ name, canWrite, saved, onRestored, onClose }: Props) {
  const [revisions, setRevisions] = useState<Revision[]>();
  const [message, setMessage] = useState('');
  const { busy, error, setError, act } = useAction();
  const [shown, setShown] = useState<{ revision: Revision; lines: DiffLine[] }>();
  const [confirming, setConfirming] = useState<string>();

  const reload = useCallback(() => listRevisions(name).then(setRevisions, (e: Error) => setError(e.message)), [name]);
  useEffect(() => void reload(), [reload]);


  const save = () =>
    act(async () => {
      await saveRevision(name, message.trim());
      setMessage('');
      await reload();
    });
  const showDiff = (r: Revision) =>
    act(async () => {
      const { diff } = await revisionDiff(name, r.id);
      setShown({ revision: r, lines: diffLines(diff) });
    });
  const restore = (r: Revision) =>
    act(async () => {
      await restoreRevision(name, r.id);
      onRestored();
    });

  const stats = shown && diffStats(shown.lines);
  return (
    <Modal title="Revisions" testId="revisions-dialog" onClose={onClose}>
      {canWrite && (
        <form
          className="file-form-row"
          onSubmit={(e) => {
            e.preventDefault();
            if (message.trim() && saved && !busy) void save();
          }}
        >
          <input
            data-testid="revision-message"
            placeholder="What changed? e.g. “windowed by month”"
            value={message}
            maxLength={200}
            onChange={(e) => setMessage(e.target.value)}
            aria-label="Revision message"
            autoFocus
          />
          <button type="submit" className="run" data-testid="revision-save" disabled={!message.trim() || !saved || busy} title={saved ? undefined : 'Waiting for the notebook to save…'}>
            Save revision
          </button>
        </form>
      )}
      {canWrite && !saved && <p className="muted">Waiting for your latest edits to be saved…</p>}
      <ErrorLine error={error} testId="revisions-error" />
      {revisions === undefined && !error && <p className="muted">Loading…</p>}
      {revisions?.length === 0 && <p className="muted" data-testid="revisions-empty">No revisions yet{canWrite ? ': save one to keep this version.' : '.'}</p>}
      {revisions && revisions.length > 0 && (
        <ul className="file-rows" data-testid="revision-list">
          {revisions.map((r) => (
            <li key={r.id} className={shown?.revision.id === r.id ? 'current' : undefined} data-testid={`revision-${r.id}`}>
              <span className="file-row-main">
                <span className="revision-message">{r.message}</span>
                <span className="muted">{formatTime(r.createdAt)}</span>
              </span>
              {confirming === r.id ? (
                <span className="file-row-actions confirm">
                  <span>Restore this version? The current one is saved as a revision first.</span>
                  <button className="danger" data-testid="revision-restore-confirm" disabled={busy} onClick={() => void restore(r)}>
                    Restore
                  </button>
                  <button onClick={() => setConfirming(undefined)}>Cancel</button>
                </span>
              ) : (
                <span className="file-row-actions">
                  <button data-testid="revision-diff" disabled={busy} onClick={() => void showDiff(r)}>
                    Diff with current
                  </button>
                  {canWrite && (
                    <button data-testid="revision-restore" disabled={busy || !saved} onClick={() => setConfirming(r.id)}>
                      Restore…
                    </button>
                  )}
                </span>
              )}
            </li>
          ))}
        </ul>
      )}
      {shown && stats && (
        <section className="diff" data-testid="revision-diff-view">
          <header>
            Changes since <strong>{shown.revision.message}</strong>{' '}
            <span className="diff-stat add">+{stats.added}</span> <span className="diff-stat del">−{stats.removed}</span>
          </header>
          {shown.lines.length === 0 ? (
            <p className="muted" data-testid="diff-none">
              No differences: the notebook is as it was in this revision.
            </p>
          ) : (
            <pre>
              {shown.lines.map((l, i) => (
                <div key={i} className={`diff-${l.kind}`}>
                  <span className="diff-sign">{l.kind === 'add' ? '+' : l.kind === 'del' ? '−' : ' '}</span>
                  {l.text}
                </div>
              ))}
            </pre>
          )}
        </section>
      )}
    </Modal>
  );
}
