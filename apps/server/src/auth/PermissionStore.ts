import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { migratePermissionsV1, PermissionsFileV1 } from './migratePermissions.js';

/**
 * Zeppelin's per-notebook roles. The creator is owner; an empty list means nobody but the owners (an owner has every
 * role). `public` opens the notebook to every logged-in user: 'read', or 'run' (its saved cells); writing is never public.
 */
export const PublicAccess = z.enum(['none', 'read', 'run']);
export const NotebookPermissions = z.object({
  owners: z.array(z.string()).default([]),
  writers: z.array(z.string()).default([]),
  runners: z.array(z.string()).default([]),
  readers: z.array(z.string()).default([]),
  public: PublicAccess.default('none'),
});
export type NotebookPermissions = z.infer<typeof NotebookPermissions>;
export const PERMISSIONS_VERSION = 2;
const PermissionsFile = z.object({ version: z.literal(PERMISSIONS_VERSION), notebooks: z.record(z.string(), NotebookPermissions) });

/** A notebook nobody claimed (made with the server's token, or copied into the folder): the token holder's alone. */
const UNCLAIMED: NotebookPermissions = { owners: [], writers: [], runners: [], readers: [], public: 'none' };

export class PermissionStore {
  private readonly file: string;
  private data: Record<string, NotebookPermissions>;
  private readonly listeners = new Set<(notebook: string) => void>();
  constructor(stateDir: string) {
    mkdirSync(stateDir, { recursive: true });
    this.file = path.join(stateDir, 'permissions.json');
    this.data = existsSync(this.file) ? this.load() : {};
  }

  /** Reads the file, migrating older versions (the migrated file is written back, the old one kept as `.v1`). */
  private load(): Record<string, NotebookPermissions> {
    const raw = JSON.parse(readFileSync(this.file, 'utf8')) as { version?: unknown };
    if (raw.version === 1) {
      const migrated = migratePermissionsV1(PermissionsFileV1.parse(raw));
      writeFileSync(`${this.file}.v1`, JSON.stringify(raw, null, 2));
      this.data = migrated;
      this.save();
      console.log(
        `permissions.json: migrated to version ${PERMISSIONS_VERSION} (the old file is kept as permissions.json.v1). Empty role lists no longer ` +
          `mean everyone: what they gave every user is now the "public" flag (read or run), and notebooks without roles are the token holder's.`,
      );
      return migrated;
    }
    return PermissionsFile.parse(raw).notebooks;
  }

  private save(...changed: string[]): void {
    writeFileSync(`${this.file}.tmp`, JSON.stringify({ version: PERMISSIONS_VERSION, notebooks: this.data }, null, 2));
    renameSync(`${this.file}.tmp`, this.file);
    for (const notebook of changed) for (const l of this.listeners) l(notebook);
  }

  /** Calls `listener` with each notebook whose roles change (so sockets that lost the right to read it leave its room). */
  onChange(listener: (notebook: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get(notebook: string): NotebookPermissions {
    return this.data[notebook] ?? UNCLAIMED;
  }
  set(notebook: string, p: NotebookPermissions): void {
    this.data[notebook] = p;
    this.save(notebook);
  }
  /** Forgets a notebook's roles (deleted, or made anew by the token holder), so a later notebook of that name starts clean. */
  remove(notebook: string): void {
    if (!(notebook in this.data)) return;
    delete this.data[notebook];
    this.save(notebook);
  }
  /** Moves the roles with a renamed notebook; the old name keeps none. */
  rename(from: string, to: string): void {
    const p = this.data[from];
    delete this.data[to];
    if (p) {
      delete this.data[from];
      this.data[to] = p;
    }
    this.save(from, to);
  }
}
