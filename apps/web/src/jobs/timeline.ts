import type { CellStatus, JobDetail } from '@flowbook/protocol';

export type TimelineEvent =
  | { kind: 'status'; status: CellStatus; at: number }
  | { kind: 'failed'; at: number; attempt: number; message: string }
  | { kind: 'restarting'; at: number; attempt: number }
  | { kind: 'rebalance'; at: number; generation: number; partitions: number[] };

/**
 * The job's timeline as Flink's shows it: status changes, and every failure with the restart that followed. A job that
 * restarts stays "running" in its status history, so failures and restarts come from its exceptions; the last one of a
 * job that ended in error is its end, not a restart.
 */
export function timelineOf(job: Pick<JobDetail, 'timeline' | 'exceptions' | 'status' | 'rebalances'>): TimelineEvent[] {
  const events: TimelineEvent[] = job.timeline.map((t) => ({ kind: 'status', status: t.status, at: t.at }));
  job.exceptions.forEach((x, i) => {
    const final = job.status === 'error' && i === job.exceptions.length - 1;
    events.push({ kind: 'failed', at: x.at, attempt: x.attempt, message: x.message });
    if (!final) events.push({ kind: 'restarting', at: x.at, attempt: x.attempt + 1 });
  });
  // A scale-out worker: each generation of its group, with the partitions it got.
  for (const r of job.rebalances ?? []) events.push({ kind: 'rebalance', at: r.at, generation: r.generation, partitions: r.partitions });
  // Stable: a failure comes before its restart, and before the "error" status it caused.
  const rank = (e: TimelineEvent) => (e.kind === 'failed' ? 0 : e.kind === 'restarting' ? 1 : 2);
  return events.map((e, i) => ({ e, i })).sort((a, b) => a.e.at - b.e.at || rank(a.e) - rank(b.e) || a.i - b.i).map((x) => x.e);
}
