import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

/** Zeppelin's per-notebook roles. An empty list means "everyone" for that role, as in Zeppelin. */
export const NotebookPermissions = z.object({
  owners: z.array(z.string()).default([]),
  writers: z.array(z.string()).default([]),
  runners: z.array(z.string()).default([]),
  readers: z.array(z.string()).default([]),
});
export type NotebookPermissions = z.infer<typeof NotebookPermissions>;
const PermissionsFile = z.object({ version: z.literal(1), notebooks: z.record(z.string(), NotebookPermissions) });

export class PermissionStore {
  private readonly file: string;
  private data: Record<string, NotebookPermissions>;
  constructor(stateDir: string) {
    mkdirSync(stateDir, { recursive: true });
    this.file = path.join(stateDir, 'permissions.json');
    this.data = existsSync(this.file) ? PermissionsFile.parse(JSON.parse(readFileSync(this.file, 'utf8'))).notebooks : {};
  }
  get(notebook: string): NotebookPermissions {
    return this.data[notebook] ?? { owners: [], writers: [], runners: [], readers: [] };
  }
  set(notebook: string, p: NotebookPermissions): void {
    this.data[notebook] = p;
    writeFileSync(`${this.file}.tmp`, JSON.stringify({ version: 1, notebooks: this.data }, null, 2));
    renameSync(`${this.file}.tmp`, this.file);
  }
}
