import type { IncomingMessage } from 'node:http';
import { parse as parseCookie } from 'cookie';
import { isAuthorized } from './tokenAuth.js';
import type { PermissionStore } from './PermissionStore.js';
import { SESSION_COOKIE, type Sessions } from './Sessions.js';
import type { Share, ShareStore } from './ShareStore.js';

export const SHARE_COOKIE = 'flowbook_share';

/**
 * Who is asking: the owner of the server (holds the token, like Jupyter's single user), a logged-in user (local user
 * store, roles per notebook), or a read-only viewer of one shared notebook.
 */
export type Identity = { role: 'owner' } | { role: 'user'; name: string } | { role: 'reader'; share: Share };

export interface AuthContext {
  token: string;
  shares: ShareStore;
  sessions: Sessions;
  permissions: PermissionStore;
}

export function identify(req: IncomingMessage, auth: AuthContext): Identity | undefined {
  if (isAuthorized(req, auth.token)) return { role: 'owner' };
  const cookies = req.headers.cookie ? parseCookie(req.headers.cookie) : {};
  const user = auth.sessions.verify(cookies[SESSION_COOKIE]);
  if (user) return { role: 'user', name: user };
  const share = auth.shares.verify(cookies[SHARE_COOKIE]);
  return share ? { role: 'reader', share } : undefined;
}

export type Action = 'read' | 'run' | 'write' | 'manage';

/**
 * Zeppelin's model: owners ⊂ writers ⊂ runners ⊂ readers (each role includes the ones after it), and an empty list
 * means everyone for that role. The token holder may do anything; a share link may only read its notebook.
 */
export function can(identity: Identity, action: Action, notebook: string, permissions: PermissionStore): boolean {
  if (identity.role === 'owner') return true;
  if (identity.role === 'reader') return action === 'read' && identity.share.notebook === notebook;
  const p = permissions.get(notebook);
  const has = (list: string[]) => list.length === 0 || list.includes(identity.name);
  const isOwner = has(p.owners);
  const isWriter = isOwner || has(p.writers);
  const isRunner = isWriter || has(p.runners);
  const isReader = isRunner || has(p.readers);
  return action === 'manage' ? isOwner : action === 'write' ? isWriter : action === 'run' ? isRunner : isReader;
}

export function describe(identity: Identity): string {
  return identity.role === 'owner' ? 'owner' : identity.role === 'user' ? identity.name : 'viewer';
}
