/**
 * Undo/redo over snapshots of the graph. Edits of the same field in quick succession (typing) make one step, so undo
 * goes back a word rather than a keystroke. Only what `record` is given goes on the stack: runtime metrics never do.
 */
export interface History<T> {
  past: T[];
  future: T[];
  /** The last recorded edit, for grouping. */
  last?: { key: string; at: number };
}

export const HISTORY_LIMIT = 200;
/** Edits with the same key within this many ms are one step. */
export const GROUP_MS = 1000;

export function emptyHistory<T>(): History<T> {
  return { past: [], future: [] };
}

/** Records `before` (the state an edit replaces). With a key, joins the previous step when it had the same key. */
export function record<T>(h: History<T>, before: T, key?: string, now = Date.now()): History<T> {
  const grouped = key !== undefined && h.last?.key === key && now - h.last.at < GROUP_MS && h.past.length > 0;
  const past = grouped ? h.past : [...h.past, before].slice(-HISTORY_LIMIT);
  return { past, future: [], ...(key !== undefined ? { last: { key, at: now } } : {}) };
}

export function undo<T>(h: History<T>, present: T): { history: History<T>; value: T } | undefined {
  const value = h.past.at(-1);
  if (value === undefined) return undefined;
  return { history: { past: h.past.slice(0, -1), future: [present, ...h.future] }, value };
}

export function redo<T>(h: History<T>, present: T): { history: History<T>; value: T } | undefined {
  const value = h.future[0];
  if (value === undefined) return undefined;
  return { history: { past: [...h.past, present], future: h.future.slice(1) }, value };
}
