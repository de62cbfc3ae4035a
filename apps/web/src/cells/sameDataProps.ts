/**
 * React.memo's comparison for cells whose callbacks read the page's latest state through refs (NotebookPage's do:
 * nbRef, selRef, runsRef): a new closure each render does not make the cell render again, only changed data does.
 * Without this, one keystroke re-rendered all fifty cells of a page, whose props are new closures every time.
 */
export function sameDataProps<P extends object>(prev: P, next: P): boolean {
  const keys = Object.keys(next) as (keyof P)[];
  if (keys.length !== Object.keys(prev).length) return false;
  return keys.every((k) => typeof next[k] === 'function' || Object.is(prev[k], next[k]));
}
