import { useCallback, useEffect, useState } from 'react';
import { createShareLink, listShareLinks, revokeShareLink, type ShareLink } from '../api/rest.js';
import { ErrorLine, Modal } from './Modal.js';
import { formatTime } from './RevisionsDialog.js';
import { useAction } from './useAction.js';

/** Copies text; falls back to a selected hidden textarea where the async clipboard API is unavailable (plain http). */
async function copyText(text: string): Promise<void> {
  try {
    await navigator.clipboard.writeText(text);
    return;
  } catch {
    const area = document.createElement('textarea');
    area.value = text;
    area.style.position = 'fixed';
    area.style.opacity = '0';
    // Inside the open modal dialog: the rest of the page is inert while it is shown.
    (document.querySelector('dialog[open]') ?? document.body).append(area);
    area.select();
    const ok = document.execCommand('copy');
    area.remove();
    if (!ok) throw new Error('the browser refused to copy: select the link and copy it by hand');
  }
}

/** The notebook's owners create read-only links to the notebook or its dashboard, copy them, and revoke them. */
export function ShareDialog({ name, onClose }: { name: string; onClose(): void }) {
  const [links, setLinks] = useState<ShareLink[]>();
  const [view, setView] = useState<ShareLink['view']>('notebook');
  const { busy, error, setError, act } = useAction();
  const [copied, setCopied] = useState<string>();
  const [revoking, setRevoking] = useState<string>();

  const reload = useCallback(() => listShareLinks(name).then(setLinks, (e: Error) => setError(e.message)), [name]);
  useEffect(() => void reload(), [reload]);

  const absolute = (l: ShareLink) => new URL(l.url, window.location.origin).href;

  return (
    <Modal title="Share read-only" testId="share-dialog" onClose={onClose}>
      <p className="muted">Whoever opens a link sees this notebook (or its dashboard) live, and can neither edit nor run it. Revoke a link to stop it working.</p>
      <div className="file-form-row">
        <label className="inline-choice">
          <input type="radio" name="share-view" checked={view === 'notebook'} onChange={() => setView('notebook')} data-testid="share-view-notebook" /> Notebook
        </label>
        <label className="inline-choice">
          <input type="radio" name="share-view" checked={view === 'dashboard'} onChange={() => setView('dashboard')} data-testid="share-view-dashboard" /> Dashboard
        </label>
        <span className="spacer" />
        <button
          className="run"
          data-testid="share-create"
          disabled={busy}
          onClick={() =>
            void act(async () => {
              await createShareLink(name, view);
              await reload();
            })
          }
        >
          Create link
        </button>
      </div>
      <ErrorLine error={error} testId="share-error" />
      {links?.length === 0 && <p className="muted" data-testid="share-none">No active links.</p>}
      {links && links.length > 0 && (
        <ul className="file-rows" data-testid="share-list">
          {links.map((l) => (
            <li key={l.id} data-testid={`share-${l.id}`}>
              <span className="file-row-main share-link">
                <span className="share-kind">{l.view}</span>
                <input readOnly value={absolute(l)} data-testid="share-url" aria-label={`Link to the ${l.view}`} onFocus={(e) => e.target.select()} />
              </span>
              {revoking === l.id ? (
                <span className="file-row-actions confirm">
                  <span>Stop this link working?</span>
                  <button
                    className="danger"
                    data-testid="share-revoke-confirm"
                    disabled={busy}
                    onClick={() =>
                      void act(async () => {
                        await revokeShareLink(l.id);
                        setRevoking(undefined);
                        await reload();
                      })
                    }
                  >
                    Revoke
                  </button>
                  <button onClick={() => setRevoking(undefined)}>Cancel</button>
                </span>
              ) : (
                <span className="file-row-actions">
                  <span className="muted">{formatTime(l.createdAt)}</span>
                  <button
                    data-testid="share-copy"
                    onClick={() =>
                      copyText(absolute(l)).then(
                        () => setCopied(l.id),
                        (e: Error) => setError(e.message),
                      )
                    }
                  >
                    {copied === l.id ? 'Copied ✓' : 'Copy'}
                  </button>
                  <button data-testid="share-revoke" onClick={() => setRevoking(l.id)}>
                    Revoke…
                  </button>
                </span>
              )}
            </li>
          ))}
        </ul>
      )}
    </Modal>
  );
}
