import { LIMITS, type CellLog, CellStatusMessage, JobMetrics, OperatorMetrics, ResultAppend, Row, RunnableCell, type StaticOutput } from '@flowbook/protocol';

/** What the page knows about a code cell's current or last run. */
export interface CellRunView {
  status: CellStatusMessage['status'];
  startedAt?: number;
  finishedAt?: number;
  error?: CellStatusMessage['error'];
  /** The job running (or that ran) the cell, for a link to its page; restarts after failures so far. */
  jobId?: string;
  restarts?: number;
  lastFailure?: string;
  /** Per-operator metrics of the running job (job.metrics), drawn on a pipeline cell's canvas. */
  operators?: OperatorMetrics[];
  /** Share of the last second the job's thread was busy (backpressure on its sources when near 1). */
  busy?: number;
  results: Record<string, { rows: Row[]; total: number }>;
  logs: string[];
  /** Results imported with the notebook (Zeppelin, Jupyter), until the cell runs here. */
  static?: StaticOutput[];
  /** Set while (re)joining: the server's replay of this cell replaces what the page shows instead of adding to it. */
  awaitingReplay?: boolean;
}

/**
 * `resync` is queued when the page (re)joins the notebook's room, `synced` when the server acknowledged the join.
 * Between the two the server replays each running or recent cell: its status first, then all its buffered rows and logs.
 */
export type RunEvent =
  | { kind: 'status'; msg: CellStatusMessage }
  | { kind: 'append'; msg: ResultAppend }
  | { kind: 'log'; msg: CellLog }
  | { kind: 'metrics'; msg: JobMetrics }
  | { kind: 'resync' }
  | { kind: 'synced' };

/**
 * Rows kept per sink. The chart draws at most the last 1,000 x values per series (see pivot); with a dozen series
 * that needs far more than 1,000 rows, so the bound here only caps memory: by rows, and by bytes from the size the
 * server gives each message (see LIMITS in @flowbook/protocol).
 */
export const ROWS_KEPT = LIMITS.browserRows;
const LOGS_KEPT = LIMITS.logLines.browser;

/** Rows that fit the browser's byte bound at a message's average row size. */
export function rowsWithinBytes(msg: Pick<ResultAppend, 'rows' | 'bytes'>): number {
  if (msg.bytes === undefined || msg.rows.length === 0) return ROWS_KEPT;
  return Math.max(1, Math.min(ROWS_KEPT, Math.floor(LIMITS.browserBytes / Math.max(1, msg.bytes / msg.rows.length))));
}

/** The saved outputs of a cell, as a run view (shown when a notebook is opened again). */
export function fromSaved(cell: RunnableCell): CellRunView | undefined {
  const o = cell.outputs;
  if (!o) return undefined;
  return { status: o.status, startedAt: o.startedAt, finishedAt: o.finishedAt, ...(o.error ? { error: o.error } : {}), results: o.results, logs: o.logs, ...(o.static ? { static: o.static } : {}) };
}

const EMPTY: CellRunView = { status: 'ready', results: {}, logs: [] };

/** Applies a batch of socket events to the runs, returning a new object only for cells that changed. */
export function applyRunEvents(runs: Record<string, CellRunView>, events: RunEvent[]): Record<string, CellRunView> {
  const next = { ...runs };
  for (const e of events) {
    if (e.kind === 'resync' || e.kind === 'synced') {
      const awaiting = e.kind === 'resync';
      for (const [id, run] of Object.entries(next)) if (run.awaitingReplay !== awaiting) next[id] = { ...run, awaitingReplay: awaiting };
      continue;
    }
    const id = e.msg.cellId;
    const cur = next[id] ?? EMPTY;
    if (e.kind === 'status' && e.msg.status === 'ready') {
      // The cell's outputs were cleared (server-side too): an empty entry, which also hides the outputs saved in the file.
      next[id] = { ...EMPTY };
    } else if (e.kind === 'status') {
      // A new run, or the replay of a run whose rows the page may already show: start from empty results either way.
      const fresh = e.msg.status === 'pending' || cur.awaitingReplay === true;
      next[id] = {
        ...cur,
        status: e.msg.status,
        startedAt: e.msg.startedAt,
        finishedAt: e.msg.finishedAt,
        error: e.msg.error,
        jobId: e.msg.jobId,
        restarts: e.msg.restarts,
        lastFailure: e.msg.lastFailure,
        awaitingReplay: false,
        ...(fresh ? { results: {}, logs: [], static: undefined } : {}),
      };
    } else if (e.kind === 'metrics') {
      if (cur.jobId === undefined || cur.jobId === e.msg.jobId) next[id] = { ...cur, operators: e.msg.operators, ...(e.msg.busy !== undefined ? { busy: e.msg.busy } : {}) };
    } else if (e.kind === 'append') {
      const prev = cur.results[e.msg.sink]?.rows ?? [];
      const kept = rowsWithinBytes(e.msg);
      let rows = prev.concat(e.msg.rows.length > kept ? e.msg.rows.slice(-kept) : e.msg.rows);
      if (rows.length > kept) rows = rows.slice(-kept);
      next[id] = { ...cur, results: { ...cur.results, [e.msg.sink]: { rows, total: e.msg.total } } };
    } else {
      let logs = cur.logs.concat(e.msg.lines);
      if (logs.length > LOGS_KEPT) logs = logs.slice(-LOGS_KEPT);
      next[id] = { ...cur, logs };
    }
  }
  return next;
}
