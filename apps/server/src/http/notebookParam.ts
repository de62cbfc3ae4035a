import type { Request } from 'express';
import { NotebookName } from '@flowbook/protocol';
import { NotebookError } from '../notebooks/NotebookStore.js';

/**
 * The notebook a route names, resolved once for every notebook route. Express has already decoded the path (a
 * malformed escape is its 400): decoding again would turn `%252F` into `/` and make `%25E0` throw. The name must be
 * a NotebookName, as the store requires, so what is authorized is what is opened: `nope/../private` and `../x` are 400.
 */
export function notebookParam(req: Request, index = 0): string {
  const raw = (req.params as Record<string, string>)[index]!;
  const parsed = NotebookName.safeParse(raw);
  if (!parsed.success) throw new NotebookError(`invalid notebook name "${raw}": ${parsed.error.issues[0]!.message}`, 400);
  return parsed.data;
}
