import { z } from 'zod';

/** The roles of one notebook in files of version 1, where an empty list meant "everyone" for that role. */
const NotebookPermissionsV1 = z.object({
  owners: z.array(z.string()).default([]),
  writers: z.array(z.string()).default([]),
  runners: z.array(z.string()).default([]),
  readers: z.array(z.string()).default([]),
});
export const PermissionsFileV1 = z.object({ version: z.literal(1), notebooks: z.record(z.string(), NotebookPermissionsV1) });

export type PublicAccess = 'none' | 'read' | 'run';
export interface NotebookPermissionsV2 {
  owners: string[];
  writers: string[];
  runners: string[];
  readers: string[];
  public: PublicAccess;
}

/**
 * Version 1 → 2. What every logged-in user could do through an empty list becomes the `public` flag, so nobody loses
 * reading or running a notebook an admin opened up. Writing and managing for everyone are not carried over: they let
 * any user run his own code and make himself sole owner (issue #15); the named users keep their roles.
 */
export function migratePermissionsV1(file: z.infer<typeof PermissionsFileV1>): Record<string, NotebookPermissionsV2> {
  const out: Record<string, NotebookPermissionsV2> = {};
  for (const [name, p] of Object.entries(file.notebooks)) {
    const everyone = (...lists: string[][]) => lists.some((l) => l.length === 0);
    const pub: PublicAccess = everyone(p.owners, p.writers, p.runners) ? 'run' : everyone(p.readers) ? 'read' : 'none';
    out[name] = { ...p, public: pub };
  }
  return out;
}
