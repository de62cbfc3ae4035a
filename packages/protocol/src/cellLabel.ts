import type { Notebook } from './notebook.js';

/**
 * A cell as people name it (job names, dashboard outputs): its title, else its place among the notebook's cells
 * ("cell 3"), never its internal id.
 */
export function cellLabel(notebook: Pick<Notebook, 'cells'>, cellId: string): string {
  const i = notebook.cells.findIndex((c) => c.id === cellId);
  const cell = notebook.cells[i];
  const title = cell && 'title' in cell ? cell.title?.trim() : undefined;
  return title || (i >= 0 ? `cell ${i + 1}` : cellId);
}
