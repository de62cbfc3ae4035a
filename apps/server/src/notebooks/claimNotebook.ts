import type { Response } from 'express';
import type { Authorizer } from '../auth/authorize.js';
import type { PermissionStore } from '../auth/PermissionStore.js';
import type { ShareStore } from '../auth/ShareStore.js';
import type { RevisionStore } from './RevisionStore.js';

export type ClaimNotebook = (res: Response, name: string) => Promise<void>;

/**
 * A user who creates a notebook owns it (Zeppelin does the same); the token holder's stay his alone until he shares
 * them. Whatever an earlier notebook of that name left behind (roles, revisions) does not carry over.
 */
export function claimNotebook(authz: Authorizer, permissions: PermissionStore, shares: ShareStore, revisions: RevisionStore): ClaimNotebook {
  return async (res, name) => {
    const id = authz.identity(res);
    if (id.role === 'user') permissions.set(name, { owners: [id.name], writers: [], runners: [], readers: [], public: 'none' });
    else permissions.remove(name);
    shares.revokeNotebook(name);
    await revisions.discard(name);
  };
}
