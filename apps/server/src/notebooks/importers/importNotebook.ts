import { parseNotebook, type ImportReport, type Notebook } from '@flowbook/protocol';
import { fromJupyter } from './fromJupyter.js';
import { fromZeppelin } from './fromZeppelin.js';

export interface ImportResult {
  notebook: Notebook;
  report: ImportReport;
  /** A notebook name from the file name: its extension and Zeppelin's note-id suffix (`_2EYD56B9B`) removed. */
  name: string;
}

/** The notebook name a file suggests: `4. Streaming ETL_2EYD56B9B.zpln` → `4. Streaming ETL`. */
export function nameFromFile(filename: string): string {
  const base = filename.split(/[\\/]/).pop() ?? '';
  return base
    .replace(/\.(flowbook\.json|zpln|ipynb|json)$/i, '')
    .replace(/_2[A-Z0-9]{8}$/, '')
    .replace(/[^A-Za-z0-9 _.-]/g, '-')
    .replace(/^[.\s-]+|[.\s]+$/g, '');
}

/** Reads an uploaded or pasted file as a notebook: Flowbook's own format, a Zeppelin note or a Jupyter notebook. */
export function importNotebook(filename: string, content: string): ImportResult {
  let raw: unknown;
  try {
    raw = JSON.parse(content);
  } catch (e) {
    throw new Error(`${filename}: invalid JSON: ${(e as Error).message}`);
  }
  const name = nameFromFile(filename) || 'imported';
  const obj = typeof raw === 'object' && raw !== null ? raw : {};
  try {
    if (/\.ipynb$/i.test(filename) || 'nbformat' in obj) {
      const { notebook, entries } = fromJupyter(raw, name);
      return { notebook: parseNotebook(notebook), report: { format: 'jupyter', entries }, name };
    }
    if (/\.zpln$/i.test(filename) || 'paragraphs' in obj) {
      const { notebook, entries } = fromZeppelin(raw, name);
      return { notebook: parseNotebook(notebook), report: { format: 'zeppelin', entries }, name };
    }
    const notebook = parseNotebook(raw);
    return { notebook, report: { format: 'flowbook', entries: [] }, name };
  } catch (e) {
    throw new Error(`${filename}: ${(e as Error).message}`);
  }
}
