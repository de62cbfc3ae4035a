import { useEffect, useState } from 'react';
import { useWhoami, type Whoami } from '../api/useWhoami.js';
import { notebookUrl } from '../api/rest.js';

/** What this browser may do with a notebook; the server checks the same on every request, this only shapes the UI. */
export interface Access {
  /** Edit cells (text, add, delete, move, type, chart settings): saving needs 'write'. */
  write: boolean;
  /** Run, cancel, clear outputs: 'run'. */
  run: boolean;
}

export const NO_ACCESS: Access = { write: false, run: false };

export interface Permissions {
  owners: string[];
  writers: string[];
  runners: string[];
  readers: string[];
  /** What every logged-in user may do (absent in answers of older servers: 'none'). */
  public?: 'none' | 'read' | 'run';
}

/**
 * The server's rule (auth/identity.ts `can`), on the client: the token holder may do anything, a share link only read;
 * a user's rights come from the roles he is named in (owners ⊂ writers ⊂ runners) or the notebook's public flag.
 */
export function accessOf(me: Whoami | undefined, permissions: Permissions | undefined): Access {
  if (me?.role === 'owner') return { write: true, run: true };
  if (me?.role !== 'user' || !permissions) return NO_ACCESS;
  const has = (list: string[]) => list.includes(me.name);
  const write = has(permissions.owners) || has(permissions.writers);
  return { write, run: write || has(permissions.runners) || permissions.public === 'run' };
}

/**
 * The access of this browser to `name`; no access until known (`known`), so a reader never sees editing controls
 * flash by.
 */
export function useNotebookAccess(name: string): Access & { known: boolean } {
  const me = useWhoami();
  const [permissions, setPermissions] = useState<Permissions>();
  useEffect(() => {
    if (me?.role !== 'user') return;
    let cancelled = false;
    fetch(`${notebookUrl(name)}/permissions`, { credentials: 'same-origin' })
      .then((r) => (r.ok ? (r.json() as Promise<Permissions>) : undefined))
      .then(
        (p) => !cancelled && setPermissions(p),
        () => !cancelled && setPermissions(undefined),
      );
    return () => {
      cancelled = true;
    };
  }, [me?.role, name]);
  const known = me !== undefined && (me.role !== 'user' || permissions !== undefined);
  return { ...accessOf(me, permissions), known };
}
