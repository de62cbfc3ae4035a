import type { Cell } from '@flowbook/protocol';

/** A valid, unique cell id from a foreign id (Zeppelin's "paragraph_…", Jupyter's uuid), whole, or the position. */
export function cellIdFor(foreign: string | undefined, index: number, taken: Cell[]): string {
  // Cell ids are at most 64 characters: the start of a foreign id is kept (Zeppelin's ids are about 35).
  let id = (foreign ?? '').replace(/[^A-Za-z0-9_-]/g, '').slice(0, 56) || `cell-${index + 1}`;
  while (taken.some((c) => c.id === id)) id = `${id}-${index + 1}`;
  return id;
}
