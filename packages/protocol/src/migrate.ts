import { NOTEBOOK_VERSION, Notebook } from './notebook.js';

import { migrateVersioned, type Migration } from './versioned.js';

/**
 * Migrations from version N to N+1, indexed by N. A file without `version` is treated as version 0
 * (the pre-release shape: `{ title, cells }` with `kind` instead of `type`).
 */
const migrations: Record<number, Migration> = {
  0: (raw) => ({
    ...raw,
    version: 1,
    cells: Array.isArray(raw.cells)
      ? raw.cells.map((c: Record<string, unknown>) => {
          const { kind, ...rest } = c;
          return kind !== undefined && rest.type === undefined ? { ...rest, type: kind } : c;
        })
      : raw.cells,
  }),
};

/** Parses a notebook file's JSON value, migrating old versions; throws an Error with a readable message. */
export function parseNotebook(raw: unknown): Notebook {
  return migrateVersioned(raw, { current: NOTEBOOK_VERSION, migrations, schema: Notebook });
}

/** Serializes with stable key order and one cell per block, so git diffs stay readable. */
export function serializeNotebook(nb: Notebook): string {
  return JSON.stringify(Notebook.parse(nb), null, 2) + '\n';
}
