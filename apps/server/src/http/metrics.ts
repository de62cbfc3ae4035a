import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import { completedCheckpoints, jobLabel, type CellRun, type JobManager } from '../jobs/JobManager.js';

export interface SocketStats {
  clients(): number;
}

/** How long the series of an ended job stay, so the last scrape before it goes sees its final counts (5 minutes). */
export const DEFAULT_ENDED_JOB_GRACE_MS = 5 * 60_000;

/**
 * Prometheus metrics, computed at scrape time from what the job manager already knows (no second bookkeeping).
 * Counts are counters (`_total`), levels are gauges; time is in seconds. Jobs are labelled `job_id` and `job_name`
 * (`job` is Prometheus' own target label). Counters of a job stay `endedJobGraceMs` after it ended, then go, so one
 * series per run does not pile up; gauges are only for running jobs.
 */
export function createMetrics(jobs: JobManager, sockets: SocketStats, endedJobGraceMs = DEFAULT_ENDED_JOB_GRACE_MS): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'flowbook_' });
  // prom-client's `…_total` gauges of active handles/requests/resources break the naming rule (promtool check metrics):
  // the same counts stay as the gauges by type (flowbook_nodejs_active_handles{type=…} and the like).
  for (const name of ['flowbook_nodejs_active_handles_total', 'flowbook_nodejs_active_requests_total', 'flowbook_nodejs_active_resources_total']) registry.removeSingleMetric(name);
  const labels = ['job_id', 'job_name', 'operator', 'operator_type'] as const;
  type Op = NonNullable<CellRun['operators']>[number];
  const running = (r: CellRun) => r.status === 'running';
  const recent = (r: CellRun) => r.status === 'running' || r.status === 'pending' || r.finishedAt === undefined || Date.now() - r.finishedAt <= endedJobGraceMs;
  // Values are read from the jobs' own counters at scrape time: reset, then set to the current total.
  const perOperator = (name: string, help: string, pick: (o: Op) => number | null) => {
    const isCounter = name.endsWith('_total');
    const collect = function (this: Counter<(typeof labels)[number]> | Gauge<(typeof labels)[number]>) {
      this.reset();
      for (const run of jobs.allJobs()) {
        if (!(isCounter ? recent(run) : running(run))) continue;
        for (const o of run.operators ?? []) {
          const v = pick(o);
          if (v === null || !Number.isFinite(v)) continue;
          const l = { job_id: run.jobId, job_name: jobLabel(run), operator: o.nodeId, operator_type: o.type };
          if (this instanceof Counter) this.inc(l, v);
          else this.set(l, v);
        }
      }
    };
    return isCounter
      ? new Counter({ name, help, labelNames: labels, registers: [registry], collect })
      : new Gauge({ name, help, labelNames: labels, registers: [registry], collect });
  };
  perOperator('flowbook_operator_records_in_total', 'Records received by an operator', (o) => o.recordsIn);
  perOperator('flowbook_operator_records_out_total', 'Records emitted by an operator', (o) => o.recordsOut);
  perOperator('flowbook_operator_late_records_dropped_total', 'Late records dropped by a window operator', (o) => o.lateRecordsDropped);
  perOperator('flowbook_operator_dead_letters_total', 'Malformed records sent to the dead-letter output', (o) => o.deadLetters);
  // −∞ (no watermark yet) and +∞ (end of input) are left out: Prometheus would store them as ±Inf samples.
  perOperator('flowbook_operator_watermark_seconds', 'Current event-time watermark of an operator (Unix time in seconds)', (o) => (o.watermark === null ? null : o.watermark / 1000));
  perOperator('flowbook_operator_state_entries', 'Keyed state entries of an operator', (o) => o.stateEntries);
  new Gauge({
    name: 'flowbook_jobs',
    help: 'Jobs by status',
    labelNames: ['status'],
    registers: [registry],
    collect() {
      this.reset();
      const counts = new Map<string, number>();
      for (const j of jobs.allJobs()) counts.set(j.status, (counts.get(j.status) ?? 0) + 1);
      for (const [status, n] of counts) this.set({ status }, n);
    },
  });
  // One gauge per TaskManager figure, labelled by its id (Flink's taskmanager scope).
  const perTaskManager = (name: string, help: string, pick: (t: ReturnType<JobManager['taskManagers']['list']>[number]) => number) =>
    new Gauge({
      name,
      help,
      labelNames: ['taskmanager'],
      registers: [registry],
      collect() {
        this.reset();
        for (const t of jobs.taskManagers.list()) this.set({ taskmanager: t.id }, pick(t));
      },
    });
  perTaskManager('flowbook_taskmanager_slots', 'Slots a TaskManager process offers', (t) => t.slots);
  perTaskManager('flowbook_taskmanager_slots_used', 'Slots taken by the jobs on a TaskManager (above slots when over-subscribed)', (t) => t.slotsUsed);
  perTaskManager('flowbook_taskmanager_resident_memory_bytes', 'Resident memory of a TaskManager process, all its slots included', (t) => t.rssBytes);
  perTaskManager('flowbook_taskmanager_cpu_percent', 'CPU of a TaskManager process over the last second, % of one core', (t) => t.cpuPercent);
  new Gauge({
    name: 'flowbook_socket_clients',
    help: 'Connected browser sockets',
    registers: [registry],
    collect() {
      this.set(sockets.clients());
    },
  });
  const totals = (name: string, help: string, pick: (r: CellRun) => number) =>
    new Counter({
      name,
      help,
      registers: [registry],
      collect() {
        this.reset();
        this.inc(jobs.allJobs().reduce((n, r) => n + pick(r), 0));
      },
    });
  // Per job: counters while running and for the grace period after, gauges while running (as the per-operator ones).
  const perJob = (name: string, help: string, pick: (r: CellRun) => number | undefined) => {
    const isCounter = name.endsWith('_total');
    const collect = function (this: Counter<'job_id' | 'job_name'> | Gauge<'job_id' | 'job_name'>) {
      this.reset();
      for (const r of jobs.allJobs()) {
        if (!(isCounter ? recent(r) : running(r))) continue;
        const v = pick(r);
        if (v === undefined) continue;
        const l = { job_id: r.jobId, job_name: jobLabel(r) };
        if (this instanceof Counter) this.inc(l, v);
        else this.set(l, v);
      }
    };
    return isCounter
      ? new Counter({ name, help, labelNames: ['job_id', 'job_name'], registers: [registry], collect })
      : new Gauge({ name, help, labelNames: ['job_id', 'job_name'], registers: [registry], collect });
  };
  perJob('flowbook_job_restarts_total', 'Restarts of a job after failures (restart strategy)', (r) => r.restarts);
  perJob('flowbook_job_checkpoints_completed_total', 'Completed checkpoints of a job', (r) => (r.checkpoints ? completedCheckpoints(r).length : undefined));
  perJob('flowbook_job_checkpoints_failed_total', 'Declined or failed checkpoints of a job', (r) => r.checkpoints?.declined);
  perJob('flowbook_job_last_checkpoint_duration_seconds', 'Duration of the newest completed checkpoint', (r) => {
    const c = completedCheckpoints(r).at(-1);
    return c ? c.durationMs / 1000 : undefined;
  });
  perJob('flowbook_job_last_checkpoint_size_bytes', 'Size of the newest completed checkpoint', (r) => completedCheckpoints(r).at(-1)?.sizeBytes);
  totals('flowbook_result_messages_sent_total', 'result.append messages sent to browsers', (r) => r.resultMessages);
  totals('flowbook_result_rows_coalesced_total', 'Result rows batched into result.append messages', (r) => r.resultRows);
  return registry;
}
