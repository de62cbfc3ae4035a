import type { Cell } from '@flowbook/protocol';

/** A valid, unique cell id from a foreign id (Zeppelin's "paragraph_…", Jupyter's uuid) or the position. */
export function cellIdFor(foreign: string | undefined, index: number, taken: Cell[]): string {
  let id = (foreign ?? '').replace(/[^A-Za-z0-9_-]/g, '').slice(-32) || `cell-${index + 1}`;
  while (taken.some((c) => c.id === id)) id = `${id}-${index + 1}`;
  return id;
}
