import { LIMITS, SAVED_ROWS_PER_SINK, type CellOutputs } from '@flowbook/protocol';
import type { CellRun } from './JobManager.js';

/** What of a finished run is saved with the notebook: status, error, the last rows of each sink and the log. */
export function cellOutputsOf(run: CellRun): CellOutputs {
  const results: CellOutputs['results'] = {};
  for (const [sink, r] of run.results) results[sink] = { rows: r.rows.slice(-SAVED_ROWS_PER_SINK), total: r.total };
  return {
    status: run.status === 'error' ? 'error' : run.status === 'cancelled' ? 'cancelled' : 'finished',
    startedAt: run.startedAt,
    finishedAt: run.finishedAt ?? Date.now(),
    ...(run.error ? { error: { message: run.error.message, ...(run.error.line !== undefined ? { line: run.error.line } : {}), ...(run.error.column !== undefined ? { column: run.error.column } : {}) } } : {}),
    results,
    logs: run.logs.slice(-LIMITS.logLines.saved),
  };
}
