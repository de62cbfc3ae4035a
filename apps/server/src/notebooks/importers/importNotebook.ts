import { parseNotebook, type Notebook } from '@flowbook/protocol';
import { fromJupyter } from './fromJupyter.js';
import { fromZeppelin } from './fromZeppelin.js';

/** Reads an uploaded or pasted file as a notebook: Flowbook's own format, a Zeppelin note or a Jupyter notebook. */
export function importNotebook(filename: string, content: string): Notebook {
  let raw: unknown;
  try {
    raw = JSON.parse(content);
  } catch (e) {
    throw new Error(`${filename}: invalid JSON: ${(e as Error).message}`);
  }
  const base = filename.replace(/\.(flowbook\.json|zpln|ipynb|json)$/i, '').split(/[\\/]/).pop() || 'Imported';
  try {
    if (/\.ipynb$/i.test(filename) || (typeof raw === 'object' && raw !== null && 'nbformat' in raw)) return fromJupyter(raw, base);
    if (/\.zpln$/i.test(filename) || (typeof raw === 'object' && raw !== null && 'paragraphs' in raw)) return fromZeppelin(raw, base);
    return parseNotebook(raw);
  } catch (e) {
    throw new Error(`${filename}: ${(e as Error).message}`);
  }
}
