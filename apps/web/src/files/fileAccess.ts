import { useEffect, useState } from 'react';
import { useWhoami, type Whoami } from '../api/useWhoami.js';
import { getNotebookRoles, type NotebookRoles } from '../api/rest.js';

/** What this browser may do with a notebook's file; the server checks the same on every request, this shapes the UI. */
export interface FileAccess {
  read: boolean;
  /** Run cells. */
  run: boolean;
  /** Edit, save and restore revisions. */
  write: boolean;
  /** Rename, delete, share links, roles: the notebook's owners. */
  manage: boolean;
  /** Create, import and duplicate notebooks: anyone but a share-link viewer. */
  create: boolean;
}

export const NO_FILE_ACCESS: FileAccess = { read: false, run: false, write: false, manage: false, create: false };

/**
 * The server's rule (auth/identity.ts `can`) for one notebook: the token holder may do anything; a share link may only
 * read its own notebook; a user has the roles he is named in (owners ⊂ writers ⊂ runners ⊂ readers; an empty list
 * means nobody but the owners), and what the notebook's public flag gives every logged-in user ('read' or 'run').
 */
export function fileAccessOf(me: Whoami | undefined, notebook: string, roles: NotebookRoles | undefined): FileAccess {
  if (me?.role === 'owner') return { read: true, run: true, write: true, manage: true, create: true };
  if (me?.role === 'reader') return { ...NO_FILE_ACCESS, read: me.notebook === notebook };
  if (me?.role !== 'user' || !roles) return NO_FILE_ACCESS;
  const has = (list: string[]) => list.includes(me.name);
  const manage = has(roles.owners);
  const write = manage || has(roles.writers);
  const run = write || has(roles.runners) || roles.public === 'run';
  return { read: run || has(roles.readers) || roles.public === 'read', run, write, manage, create: true };
}

/** `fileAccessOf` for the notebook `name`, and who this browser is; `known` once both have arrived. */
export function useFileAccess(name: string): FileAccess & { known: boolean; me: Whoami | undefined } {
  const me = useWhoami();
  const [roles, setRoles] = useState<NotebookRoles>();
  useEffect(() => {
    if (me?.role !== 'user') return;
    let cancelled = false;
    getNotebookRoles(name).then(
      (r) => !cancelled && setRoles(r),
      () => !cancelled && setRoles(undefined),
    );
    return () => {
      cancelled = true;
    };
  }, [me?.role, name]);
  const known = me !== undefined && (me.role !== 'user' || roles !== undefined);
  return { ...fileAccessOf(me, name, roles), known, me };
}
