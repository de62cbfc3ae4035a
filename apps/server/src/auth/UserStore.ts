import { randomBytes, scrypt, scryptSync, timingSafeEqual, type BinaryLike, type ScryptOptions } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, statSync, watch, writeFileSync, type FSWatcher } from 'node:fs';
import path from 'node:path';
import pLimit from 'p-limit';
import { z } from 'zod';

const User = z.object({
  name: z.string(),
  passwordHash: z.string(),
  createdAt: z.number(),
  /** Sessions issued before this time are void (set when the password changes). */
  sessionsFrom: z.number().optional(),
});
const UsersFile = z.object({ version: z.literal(1), users: z.array(User) });
export const UserName = z.string().regex(/^[a-z][a-z0-9_.-]{0,31}$/, 'user names are 1-32 lowercase letters, digits, _ . - (starting with a letter)');

const SCRYPT = { N: 16384, r: 8, p: 1, keylen: 32 };

/** Hashes with scrypt and a random salt: `scrypt$N$r$p$salt$hash` (parameters kept so they can be raised later). */
export function hashPassword(password: string): string {
  const salt = randomBytes(16);
  const hash = scryptSync(password, salt, SCRYPT.keylen, { N: SCRYPT.N, r: SCRYPT.r, p: SCRYPT.p });
  return `scrypt$${SCRYPT.N}$${SCRYPT.r}$${SCRYPT.p}$${salt.toString('base64')}$${hash.toString('base64')}`;
}

/**
 * scrypt in libuv's thread pool, so a login never blocks the event loop (the sync form stalled every request). One
 * at a time: the pool's other threads stay free for the file reads every other request needs.
 */
const hashing = pLimit(1);
function scryptAsync(password: BinaryLike, salt: BinaryLike, keylen: number, options: ScryptOptions): Promise<Buffer> {
  return hashing(() => new Promise<Buffer>((resolve, reject) => scrypt(password, salt, keylen, options, (err, key) => (err ? reject(err) : resolve(key)))));
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [kind, N, r, p, salt, hash] = stored.split('$');
  if (kind !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64');
  const got = await scryptAsync(password, Buffer.from(salt, 'base64'), expected.length, { N: Number(N), r: Number(r), p: Number(p) });
  return timingSafeEqual(expected, got);
}

/** Checked against for unknown users, so they cost one hash like known ones (made once, off the event loop). */
let dummyHash: Promise<string> | undefined;
function unknownUserHash(): Promise<string> {
  return (dummyHash ??= (async () => {
    const salt = randomBytes(16);
    const hash = await scryptAsync(randomBytes(16), salt, SCRYPT.keylen, { N: SCRYPT.N, r: SCRYPT.r, p: SCRYPT.p });
    return `scrypt$${SCRYPT.N}$${SCRYPT.r}$${SCRYPT.p}$${salt.toString('base64')}$${hash.toString('base64')}`;
  })());
}

/**
 * The local user store (`<state>/users.json`), managed with `npm run user -- add <name>`; passwords are never stored in
 * clear. The CLI changes the file while the server runs: every read checks the file's identity (a cheap stat, no
 * parse), and `onChange` listeners hear of changes at once (a watch on the folder, as the file is replaced by rename).
 */
export class UserStore {
  private readonly file: string;
  private cache: { stamp: string; users: z.infer<typeof User>[] } | undefined;
  private watcher: FSWatcher | undefined;
  private readonly listeners = new Set<() => void>();
  constructor(private readonly stateDir: string) {
    mkdirSync(stateDir, { recursive: true });
    this.file = path.join(stateDir, 'users.json');
  }

  private stamp(): string {
    try {
      const st = statSync(this.file);
      return `${st.ino}:${st.size}:${st.mtimeMs}`;
    } catch {
      return 'none';
    }
  }

  /** The users as on disk now; changes go through a fresh copy, never the cached one. */
  private read(): z.infer<typeof User>[] {
    try {
      return UsersFile.parse(JSON.parse(readFileSync(this.file, 'utf8'))).users;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw e;
    }
  }

  private load(): readonly z.infer<typeof User>[] {
    const stamp = this.stamp();
    if (this.cache?.stamp !== stamp) this.cache = { stamp, users: this.read() };
    return this.cache.users;
  }

  private save(users: z.infer<typeof User>[]): void {
    writeFileSync(`${this.file}.tmp`, JSON.stringify({ version: 1, users }, null, 2), { mode: 0o600 });
    renameSync(`${this.file}.tmp`, this.file);
    this.cache = undefined;
    this.notify();
  }

  private notify(): void {
    for (const l of this.listeners) l();
  }

  /** Calls `listener` whenever users are added, removed or change password (here or by another process); returns an unsubscribe. */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    if (!this.watcher) {
      let last = this.stamp();
      this.watcher = watch(this.stateDir, (_event, filename) => {
        if (filename !== 'users.json') return;
        const now = this.stamp();
        if (now === last) return;
        last = now;
        this.notify();
      });
      this.watcher.unref();
    }
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) this.close();
    };
  }

  close(): void {
    this.watcher?.close();
    this.watcher = undefined;
  }

  /** Whether a session cookie issued at `issuedAt` still stands: its user exists, and was not re-created nor given a new password since. */
  sessionValid(name: string, issuedAt: number): boolean {
    const u = this.load().find((x) => x.name === name);
    return u !== undefined && issuedAt >= (u.sessionsFrom ?? u.createdAt);
  }

  names(): string[] {
    return this.load().map((u) => u.name);
  }

  add(name: string, password: string): void {
    UserName.parse(name);
    if (password.length < 8) throw new Error('passwords need at least 8 characters');
    const users = this.read();
    if (users.some((u) => u.name === name)) throw new Error(`user "${name}" exists`);
    users.push({ name, passwordHash: hashPassword(password), createdAt: Date.now() });
    this.save(users);
  }

  setPassword(name: string, password: string): void {
    if (password.length < 8) throw new Error('passwords need at least 8 characters');
    const users = this.read();
    const u = users.find((x) => x.name === name);
    if (!u) throw new Error(`no user "${name}"`);
    u.passwordHash = hashPassword(password);
    u.sessionsFrom = Date.now();
    this.save(users);
  }

  remove(name: string): boolean {
    const users = this.read();
    const next = users.filter((u) => u.name !== name);
    if (next.length === users.length) return false;
    this.save(next);
    return true;
  }

  /** Checks a login; the same work is done for unknown users so timing does not reveal which names exist. */
  async check(name: string, password: string): Promise<boolean> {
    const u = this.load().find((x) => x.name === name);
    const ok = await verifyPassword(password, u?.passwordHash ?? (await unknownUserHash()));
    return u !== undefined && ok;
  }
}
