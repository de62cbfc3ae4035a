import type { IncomingMessage } from 'node:http';
import { parse as parseCookie } from 'cookie';
import { isAuthorized } from './tokenAuth.js';
import type { PermissionStore } from './PermissionStore.js';
import { SESSION_COOKIE, type Sessions } from './Sessions.js';
import type { Share, ShareStore } from './ShareStore.js';
import type { UserStore } from './UserStore.js';

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
  users: UserStore;
}

export function identify(req: IncomingMessage, auth: AuthContext): Identity | undefined {
  if (isAuthorized(req, auth.token)) return { role: 'owner' };
  const cookies = req.headers.cookie ? parseCookie(req.headers.cookie) : {};
  // A session counts only while its user exists and was not re-created or given a new password after it was issued.
  const session = auth.sessions.verify(cookies[SESSION_COOKIE]);
  if (session && auth.users.sessionValid(session.name, session.issuedAt)) return { role: 'user', name: session.name };
  const share = auth.shares.verify(cookies[SHARE_COOKIE]);
  return share ? { role: 'reader', share } : undefined;
}

export type Action = 'read' | 'run' | 'write' | 'manage';

/**
 * Zeppelin's model: owners ⊂ writers ⊂ runners ⊂ readers (each role includes the ones after it); a user has a role only
 * when named in it (an empty list means nobody but the owners), or through the notebook's `public` flag ('read' or
 * 'run'). The token holder may do anything; a share link may only read its notebook.
 */
export function can(identity: Identity, action: Action, notebook: string, permissions: PermissionStore): boolean {
  if (identity.role === 'owner') return true;
  if (identity.role === 'reader') return action === 'read' && identity.share.notebook === notebook;
  const p = permissions.get(notebook);
  const has = (list: string[]) => list.includes(identity.name);
  const isOwner = has(p.owners);
  const isWriter = isOwner || has(p.writers);
  const isRunner = isWriter || has(p.runners) || p.public === 'run';
  const isReader = isRunner || has(p.readers) || p.public === 'read';
  return action === 'manage' ? isOwner : action === 'write' ? isWriter : action === 'run' ? isRunner : isReader;
}

export function describe(identity: Identity): string {
  return identity.role === 'owner' ? 'owner' : identity.role === 'user' ? identity.name : 'viewer';
}
