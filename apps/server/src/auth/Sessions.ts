import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export const SESSION_COOKIE = 'flowbook_session';
const TTL_MS = 7 * 24 * 3600 * 1000;

/** Signed session cookies for logged-in users: `name.expiry.hmac`; no server-side session table to lose. */
export class Sessions {
  private readonly secret: Buffer;
  constructor(stateDir: string) {
    const file = path.join(stateDir, 'session-secret');
    if (!existsSync(file)) writeFileSync(file, randomBytes(32).toString('hex'), { mode: 0o600 });
    this.secret = Buffer.from(readFileSync(file, 'utf8').trim(), 'hex');
  }

  private sign(payload: string): string {
    return createHmac('sha256', this.secret).update(payload).digest('base64url');
  }

  issue(name: string, now = Date.now()): string {
    const payload = `${name}.${now + TTL_MS}`;
    return `${payload}.${this.sign(payload)}`;
  }

  /** The user a cookie names and when it was issued, if it is genuine and not expired. */
  verify(cookie: string | undefined, now = Date.now()): { name: string; issuedAt: number } | undefined {
    if (!cookie) return undefined;
    const i = cookie.lastIndexOf('.');
    if (i < 0) return undefined;
    const payload = cookie.slice(0, i);
    const sig = Buffer.from(cookie.slice(i + 1));
    const expected = Buffer.from(this.sign(payload));
    if (sig.length !== expected.length || !timingSafeEqual(sig, expected)) return undefined;
    const j = payload.lastIndexOf('.');
    const name = payload.slice(0, j);
    const expiry = Number(payload.slice(j + 1));
    return expiry > now ? { name, issuedAt: expiry - TTL_MS } : undefined;
  }
}
