import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { parse as parseCookie } from 'cookie';

export const COOKIE_NAME = 'flowbook_token';

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The token a request carries: `Authorization: token|Bearer X`, the HttpOnly cookie, or `?token=` (exchanged for the cookie). */
export function requestToken(req: IncomingMessage): string | undefined {
  const auth = req.headers.authorization;
  if (auth) {
    const m = /^(?:token|Bearer)\s+(.+)$/i.exec(auth);
    if (m) return m[1];
  }
  const cookies = req.headers.cookie ? parseCookie(req.headers.cookie) : {};
  if (cookies[COOKIE_NAME]) return cookies[COOKIE_NAME];
  const url = new URL(req.url ?? '/', 'http://x');
  return url.searchParams.get('token') ?? undefined;
}

export function isAuthorized(req: IncomingMessage, token: string): boolean {
  const t = requestToken(req);
  return t !== undefined && safeEqual(t, token);
}

/**
 * Cross-site websocket hijacking and CSRF guard, as Jupyter does: when a browser sends an Origin, its host must be the Host
 * the request was sent to.
 */
export function originAllowed(req: IncomingMessage): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true; // non-browser clients (curl, tests) send none
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}
