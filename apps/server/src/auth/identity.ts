import type { IncomingMessage } from 'node:http';
import { parse as parseCookie } from 'cookie';
import { isAuthorized } from './tokenAuth.js';
import type { Share, ShareStore } from './ShareStore.js';

export const SHARE_COOKIE = 'flowbook_share';

/** Who is asking: the owner (holds the token) or a read-only viewer of one shared notebook. */
export type Identity = { role: 'owner' } | { role: 'reader'; share: Share };

export function identify(req: IncomingMessage, token: string, shares: ShareStore): Identity | undefined {
  if (isAuthorized(req, token)) return { role: 'owner' };
  const cookies = req.headers.cookie ? parseCookie(req.headers.cookie) : {};
  const share = shares.verify(cookies[SHARE_COOKIE]);
  return share ? { role: 'reader', share } : undefined;
}

/** What a read-only viewer may request over HTTP: reading its one notebook, and the app's static files. */
export function readerMayRequest(method: string, urlPath: string, share: Share): boolean {
  if (method !== 'GET' && method !== 'HEAD') return false;
  if (!urlPath.startsWith('/api/')) return true;
  if (urlPath === '/api/whoami') return true;
  const encoded = share.notebook.split('/').map(encodeURIComponent).join('/');
  return urlPath === `/api/notebooks/${encoded}` || urlPath === `/api/notebooks/${share.notebook}`;
}
