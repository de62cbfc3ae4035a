import type { CellLog, CellStatusMessage, CodeCell, ResultAppend, Row } from '@flowbook/protocol';

/** What the page knows about a code cell's current or last run. */
export interface CellRunView {
  status: CellStatusMessage['status'];
  startedAt?: number;
  finishedAt?: number;
  error?: CellStatusMessage['error'];
  results: Record<string, { rows: Row[]; total: number }>;
  logs: string[];
}

export type RunEvent = { kind: 'status'; msg: CellStatusMessage } | { kind: 'append'; msg: ResultAppend } | { kind: 'log'; msg: CellLog };

export const ROWS_KEPT = 1000;
const LOGS_KEPT = 500;

/** The saved outputs of a cell, as a run view (shown when a notebook is opened again). */
export function fromSaved(cell: CodeCell): CellRunView | undefined {
  const o = cell.outputs;
  if (!o) return undefined;
  return { status: o.status, startedAt: o.startedAt, finishedAt: o.finishedAt, ...(o.error ? { error: o.error } : {}), results: o.results, logs: o.logs };
}

/** Applies a batch of socket events to the runs, returning a new object only for cells that changed. */
export function applyRunEvents(runs: Record<string, CellRunView>, events: RunEvent[]): Record<string, CellRunView> {
  const next = { ...runs };
  for (const e of events) {
    const id = e.msg.cellId;
    const cur: CellRunView = next[id] ?? { status: 'ready', results: {}, logs: [] };
    if (e.kind === 'status') {
      const fresh = e.msg.status === 'pending';
      next[id] = {
        ...cur,
        status: e.msg.status,
        startedAt: e.msg.startedAt,
        finishedAt: e.msg.finishedAt,
        error: e.msg.error,
        // A new run starts with empty results.
        ...(fresh ? { results: {}, logs: [] } : {}),
      };
    } else if (e.kind === 'append') {
      const prev = cur.results[e.msg.sink]?.rows ?? [];
      let rows = prev.concat(e.msg.rows);
      if (rows.length > ROWS_KEPT) rows = rows.slice(-ROWS_KEPT);
      next[id] = { ...cur, results: { ...cur.results, [e.msg.sink]: { rows, total: e.msg.total } } };
    } else {
      let logs = cur.logs.concat(e.msg.lines);
      if (logs.length > LOGS_KEPT) logs = logs.slice(-LOGS_KEPT);
      next[id] = { ...cur, logs };
    }
  }
  return next;
}
