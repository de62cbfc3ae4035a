import type { Response } from 'express';
import { NotebookError } from '../notebooks/NotebookStore.js';
import { can, describe, type Action, type Identity } from './identity.js';
import type { PermissionStore } from './PermissionStore.js';

/** Route-level permission check (on the server, whatever the UI shows); throws a 403 naming what was refused. */
export function authorizer(permissions: PermissionStore) {
  return {
    identity: (res: Response): Identity => res.locals.identity as Identity,
    can: (res: Response, action: Action, notebook: string) => can(res.locals.identity as Identity, action, notebook, permissions),
    need(res: Response, action: Action, notebook: string): void {
      const id = res.locals.identity as Identity;
      if (!can(id, action, notebook, permissions)) throw new NotebookError(`${describe(id)} may not ${action} "${notebook}"`, 403);
    },
    needAdmin(res: Response): void {
      const id = res.locals.identity as Identity;
      if (id.role !== 'owner') throw new NotebookError(`${describe(id)} may not do this: it needs the server's token`, 403);
    },
  };
}
export type Authorizer = ReturnType<typeof authorizer>;
