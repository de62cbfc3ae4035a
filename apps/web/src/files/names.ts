import { NotebookName } from '@flowbook/protocol';

/** Notebook names are paths: `folder/sub/name` (the file is `<notebooks>/folder/sub/name.flowbook.json`). */
export const folderOf = (name: string) => (name.includes('/') ? name.slice(0, name.lastIndexOf('/')) : '');
export const baseName = (name: string) => name.slice(name.lastIndexOf('/') + 1);
export const joinName = (folder: string, base: string) => (folder ? `${folder}/${base}` : base);

/** A folder as typed by a person: surrounding spaces and slashes dropped, repeated slashes collapsed. */
export const normalizeFolder = (input: string) =>
  input
    .split('/')
    .map((s) => s.trim())
    .filter(Boolean)
    .join('/');

/** Why a name is not allowed (the server's own rule, from the shared schema), or undefined when it is. */
export function nameProblem(name: string): string | undefined {
  if (name.trim() === '') return 'enter a name';
  const r = NotebookName.safeParse(name);
  return r.success ? undefined : r.error.issues[0]!.message;
}

/** The file extensions the server imports, longest first so `.flowbook.json` wins over `.json`. */
const IMPORT_EXT = /\.(flowbook\.json|zpln|ipynb|json)$/i;
export const IMPORT_ACCEPT = '.json,.zpln,.ipynb';

/**
 * The notebook name an uploaded file gets: its file name without the extension, characters a name may not hold
 * replaced (as the server does), inside `folder`.
 */
export function importName(filename: string, folder: string): string {
  const base = baseName(filename.replace(/\\/g, '/'))
    .replace(IMPORT_EXT, '')
    // Zeppelin's note id: `4. Streaming ETL_2EYD56B9B.zpln` is the note "4. Streaming ETL".
    .replace(/_2[A-Z0-9]{8}$/, '')
    .replace(/[^A-Za-z0-9 _.-]/g, '-')
    .replace(/^[.\s-]+/, '')
    .replace(/[.\s]+$/, '');
  return joinName(normalizeFolder(folder), base || 'imported');
}

/** A free name for a copy of `name` in the same folder: `x-copy`, then `x-copy-2`, … */
export function copyName(name: string, taken: ReadonlySet<string>): string {
  const first = `${name}-copy`;
  if (!taken.has(first)) return first;
  for (let i = 2; ; i++) if (!taken.has(`${first}-${i}`)) return `${first}-${i}`;
}

export interface FolderNode<T> {
  /** The folder's own name ('' for the root). */
  name: string;
  /** Its full path, as in notebook names ('' for the root). */
  path: string;
  folders: FolderNode<T>[];
  notebooks: T[];
  /** Notebooks in this folder and all below it. */
  count: number;
}

/** The folder tree of a flat list of notebooks: folders first, each level sorted by name (case-insensitive). */
export function buildTree<T extends { name: string }>(items: readonly T[]): FolderNode<T> {
  const root: FolderNode<T> = { name: '', path: '', folders: [], notebooks: [], count: 0 };
  for (const item of items) {
    let node = root;
    node.count++;
    const parts = item.name.split('/');
    for (const part of parts.slice(0, -1)) {
      let child = node.folders.find((f) => f.name === part);
      if (!child) {
        child = { name: part, path: joinName(node.path, part), folders: [], notebooks: [], count: 0 };
        node.folders.push(child);
      }
      node = child;
      node.count++;
    }
    node.notebooks.push(item);
  }
  const byName = (a: string, b: string) => a.localeCompare(b, undefined, { sensitivity: 'base', numeric: true }) || a.localeCompare(b);
  const sort = (node: FolderNode<T>) => {
    node.folders.sort((a, b) => byName(a.name, b.name));
    node.notebooks.sort((a, b) => byName(baseName(a.name), baseName(b.name)));
    node.folders.forEach(sort);
  };
  sort(root);
  return root;
}

/** Every folder path in the tree (for suggestions when creating, moving or importing). */
export function folderPaths<T>(node: FolderNode<T>): string[] {
  return node.folders.flatMap((f) => [f.path, ...folderPaths(f)]);
}

/** A role's users as typed: "alice, bob ,, carol" → ['alice', 'bob', 'carol'] (duplicates dropped). */
export const parseUserList = (text: string) => [...new Set(text.split(/[,\s]+/).filter(Boolean))];
