import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

const Share = z.object({
  id: z.string(),
  notebook: z.string(),
  view: z.enum(['notebook', 'dashboard']),
  createdAt: z.number(),
  revokedAt: z.number().optional(),
});
export type Share = z.infer<typeof Share>;
const SharesFile = z.object({ version: z.literal(1), shares: z.array(Share) });

/**
 * Read-only share links: `/share/<id>.<signature>`, signed with a server secret (HMAC-SHA256) so they cannot be forged,
 * and revocable. A link lets its holder view one notebook (or its dashboard) live, never edit or run it.
 */
export class ShareStore {
  private readonly file: string;
  private readonly secret: Buffer;
  private shares: Share[];
  private readonly revokeListeners = new Set<(share: Share) => void>();

  constructor(stateDir: string) {
    mkdirSync(stateDir, { recursive: true });
    this.file = path.join(stateDir, 'shares.json');
    const secretFile = path.join(stateDir, 'share-secret');
    if (!existsSync(secretFile)) writeFileSync(secretFile, randomBytes(32).toString('hex'), { mode: 0o600 });
    this.secret = Buffer.from(readFileSync(secretFile, 'utf8').trim(), 'hex');
    this.shares = existsSync(this.file) ? SharesFile.parse(JSON.parse(readFileSync(this.file, 'utf8'))).shares : [];
  }

  private sign(id: string, notebook: string): string {
    return createHmac('sha256', this.secret).update(`${id}\u0000${notebook}`).digest('base64url');
  }

  private save(): void {
    writeFileSync(`${this.file}.tmp`, JSON.stringify({ version: 1, shares: this.shares }, null, 2));
    renameSync(`${this.file}.tmp`, this.file);
  }

  create(notebook: string, view: Share['view']): { share: Share; token: string } {
    const share: Share = { id: randomBytes(9).toString('base64url'), notebook, view, createdAt: Date.now() };
    this.shares.push(share);
    this.save();
    return { share, token: `${share.id}.${this.sign(share.id, notebook)}` };
  }

  tokenOf(share: Share): string {
    return `${share.id}.${this.sign(share.id, share.notebook)}`;
  }

  list(notebook?: string): Share[] {
    return this.shares.filter((s) => !s.revokedAt && (notebook === undefined || s.notebook === notebook));
  }

  revoke(id: string): boolean {
    const s = this.shares.find((x) => x.id === id && !x.revokedAt);
    if (!s) return false;
    s.revokedAt = Date.now();
    this.save();
    for (const l of this.revokeListeners) l(s);
    return true;
  }

  /** Revokes every link to a notebook (it was deleted: a later notebook of the same name is not what was shared). */
  revokeNotebook(notebook: string): void {
    for (const s of this.list(notebook)) this.revoke(s.id);
  }

  /** Calls `listener` for each link revoked (so open sockets of its viewers are closed at once). */
  onRevoke(listener: (share: Share) => void): () => void {
    this.revokeListeners.add(listener);
    return () => this.revokeListeners.delete(listener);
  }

  /** The live share a token grants, or undefined (bad signature, unknown or revoked). */
  verify(token: string | undefined): Share | undefined {
    if (!token) return undefined;
    const [id, sig] = token.split('.');
    if (!id || !sig) return undefined;
    const share = this.shares.find((s) => s.id === id && !s.revokedAt);
    if (!share) return undefined;
    const expected = Buffer.from(this.sign(share.id, share.notebook));
    const given = Buffer.from(sig);
    return expected.length === given.length && timingSafeEqual(expected, given) ? share : undefined;
  }
}
