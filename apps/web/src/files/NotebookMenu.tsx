import { useEffect, useRef, useState } from 'react';
import { exportUrl } from '../api/rest.js';
import { useFileAccess } from './fileAccess.js';
import { PermissionsDialog } from './PermissionsDialog.js';
import { RevisionsDialog } from './RevisionsDialog.js';
import { ShareDialog } from './ShareDialog.js';

type Dialog = 'revisions' | 'share' | 'permissions';

/**
 * The notebook's File menu, next to its title: revisions, share links, roles, export. Each entry shows only when this
 * browser may use it (the server refuses the rest anyway).
 */
export function NotebookMenu({ name, saved }: { name: string; saved: boolean }) {
  const access = useFileAccess(name);
  const [open, setOpen] = useState(false);
  const [dialog, setDialog] = useState<Dialog>();
  const ref = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!open) return;
    const onDown = (e: MouseEvent) => {
      if (!ref.current?.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener('mousedown', onDown);
    return () => document.removeEventListener('mousedown', onDown);
  }, [open]);

  if (!access.known || !access.read) return null;
  // Revisions hold earlier versions of the file: not for share-link viewers, who see the notebook as it is now.
  const revisions = access.me?.role !== 'reader';
  const choose = (d: Dialog) => {
    setOpen(false);
    setDialog(d);
  };
  return (
    <div
      className="file-menu"
      ref={ref}
      // Letters typed here are not notebook commands (A, B, D D…).
      onKeyDown={(e) => {
        e.stopPropagation();
        if (e.key === 'Escape') setOpen(false);
      }}
    >
      <button className="file-menu-button" data-testid="file-menu" aria-haspopup="menu" aria-expanded={open} onClick={() => setOpen(!open)}>
        File ▾
      </button>
      {open && (
        <div className="file-menu-list" role="menu" data-testid="file-menu-list">
          {revisions && (
            <button role="menuitem" data-testid="menu-revisions" onClick={() => choose('revisions')}>
              Revisions…
            </button>
          )}
          {access.manage && (
            <button role="menuitem" data-testid="menu-share" onClick={() => choose('share')}>
              Share read-only link…
            </button>
          )}
          {access.manage && (
            <button role="menuitem" data-testid="menu-permissions" onClick={() => choose('permissions')}>
              Permissions…
            </button>
          )}
          <a role="menuitem" href={exportUrl(name)} download data-testid="menu-export" onClick={() => setOpen(false)}>
            Export (.flowbook.json)
          </a>
        </div>
      )}
      {dialog === 'revisions' && (
        <RevisionsDialog
          name={name}
          canWrite={access.write}
          saved={saved}
          // The page holds the notebook in memory: reload it so the restored file is what shows and what gets saved next.
          onRestored={() => window.location.reload()}
          onClose={() => setDialog(undefined)}
        />
      )}
      {dialog === 'share' && <ShareDialog name={name} onClose={() => setDialog(undefined)} />}
      {dialog === 'permissions' && <PermissionsDialog name={name} me={access.me} onClose={() => setDialog(undefined)} />}
    </div>
  );
}
