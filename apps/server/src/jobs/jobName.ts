import { cellLabel, type Notebook } from '@flowbook/protocol';
import type { CellRun } from './JobManager.js';

/** The names env.execute() and graph jobs get when the user names nothing: they say nothing about the job. */
const DEFAULT_NAMES = new Set(['Flowbook job', 'pipeline']);

/** The titles a cell's job is shown with, read from the saved notebook when it starts. */
export function titlesOf(nb: Pick<Notebook, 'cells' | 'title'>, cellId: string): NonNullable<CellRun['titles']> {
  return { notebook: nb.title, cell: cellLabel(nb, cellId) };
}

/**
 * A job's name in lists and on its page, as Flink names jobs: the name given to env.execute(name) when there is one,
 * else its notebook and cell by title ("Sales · by category"), never "Flowbook job" or a cell id.
 */
export function jobDisplayName(run: Pick<CellRun, 'jobName' | 'ref' | 'titles'>): string {
  const own = run.jobName !== undefined && !DEFAULT_NAMES.has(run.jobName) ? run.jobName : undefined;
  if (own) return own;
  if (!run.ref) return run.jobName ?? 'pipeline';
  return `${run.titles?.notebook ?? run.ref.notebook} · ${run.titles?.cell ?? run.ref.cellId}`;
}
