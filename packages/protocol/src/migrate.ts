import { NOTEBOOK_VERSION, Notebook } from './notebook.js';

type Migration = (raw: Record<string, unknown>) => Record<string, unknown>;

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
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new Error('not a JSON object');
  let doc = raw as Record<string, unknown>;
  const v = doc.version === undefined ? 0 : doc.version;
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new Error(`"version" must be an integer, got ${Array.isArray(v) ? 'an array' : v === null ? 'null' : `a ${typeof v}`}`);
  let version = v;
  if (version > NOTEBOOK_VERSION) throw new Error(`version ${version} is newer than this Flowbook understands (${NOTEBOOK_VERSION}); upgrade Flowbook`);
  while (version < NOTEBOOK_VERSION) {
    doc = migrations[version]!(doc);
    version = doc.version as number;
  }
  const parsed = Notebook.safeParse(doc);
  if (!parsed.success) {
    throw new Error(parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; '));
  }
  return parsed.data;
}

/** Serializes with stable key order and one cell per block, so git diffs stay readable. */
export function serializeNotebook(nb: Notebook): string {
  return JSON.stringify(Notebook.parse(nb), null, 2) + '\n';
}
