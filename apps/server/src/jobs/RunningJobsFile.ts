import { mkdirSync, readFileSync, renameSync, writeFileSync, openSync, fsyncSync, closeSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { CellRef, GraphJson, ParamValue } from '@flowbook/protocol';
import { RestartStrategyConfig } from '@flowbook/engine';

// A code cell's source, or a pipeline cell's graph.
const Entry = CellRef.extend({
  source: z.string(),
  graph: GraphJson.optional(),
  series: z.record(z.string(), z.string()).optional(),
  params: z.record(z.string(), ParamValue).default({}),
  jobId: z.string(),
  startedAt: z.number(),
  /** When the job was lost with its TaskManager or worker, or with the server, across server restarts. */
  failures: z.array(z.number()).default([]),
  /** The job's effective restart strategy, once its worker reported it. */
  restartStrategy: z.record(z.string(), z.unknown()).optional(),
  /** The name of the cell's job, once its worker reported it: a resumed job restores that job's checkpoints. */
  jobName: z.string().optional(),
  /** The scale-out job the cell runs as a worker of: it joins the group again when the server comes back. */
  scaleOutJob: z.string().optional(),
});
export type RunningJobEntry = z.input<typeof Entry>;
const FileFormat = z.object({ version: z.literal(1), jobs: z.array(Entry), cleanShutdown: z.boolean().optional() });

/**
 * Jobs whose strategy never gives up are still resumed this many times at most after the server died while they ran,
 * and a job without restarts ('none') too: a server restart must not loop into the same crash.
 */
export const RESUMES_AFTER_CRASH_MAX = 3;

/** The strategy that decides whether a job is resumed after the server died while it ran. */
export function crashLoopStrategy(saved: Record<string, unknown> | undefined): RestartStrategyConfig {
  const parsed = saved ? RestartStrategyConfig.safeParse(saved) : undefined;
  const s = parsed?.success ? parsed.data : undefined;
  if (!s || s.type === 'none') return { type: 'fixed-delay', attempts: RESUMES_AFTER_CRASH_MAX, delayMs: 0 };
  if (s.type === 'exponential-delay' && s.attempts === undefined) return { ...s, attempts: RESUMES_AFTER_CRASH_MAX };
  return s;
}

/**
 * The cells whose jobs are running, on disk, so that jobs running when the server died start again when it comes back
 * (from their latest checkpoint when they have one). Written atomically on every change: changes are rare.
 */
export class RunningJobsFile {
  private readonly file: string;
  private entries = new Map<string, RunningJobEntry>();

  constructor(stateDir: string) {
    this.file = path.join(stateDir, 'running-jobs.json');
    mkdirSync(stateDir, { recursive: true });
  }

  /** Entries left by the previous server process; a corrupt file is reported and ignored, never fatal. */
  load(): RunningJobEntry[] {
    return this.loadState().jobs;
  }

  /** The entries, and whether the previous server stopped cleanly (else it died while they ran). */
  loadState(): { jobs: z.output<typeof Entry>[]; cleanShutdown: boolean } {
    try {
      const parsed = FileFormat.safeParse(JSON.parse(readFileSync(this.file, 'utf8')));
      if (!parsed.success) {
        console.warn(`${this.file}: ignored (${parsed.error.issues[0]?.message})`);
        return { jobs: [], cleanShutdown: true };
      }
      return { jobs: parsed.data.jobs, cleanShutdown: parsed.data.cleanShutdown === true };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') console.warn(`${this.file}: ignored (${(e as Error).message})`);
      return { jobs: [], cleanShutdown: true };
    }
  }

  set(entry: RunningJobEntry): void {
    const next = new Map(this.entries).set(`${entry.notebook}\u0000${entry.cellId}`, entry);
    this.save(next);
  }

  /** Records what changed of a running job (its failures, its restart strategy). */
  update(ref: CellRef, patch: Partial<Pick<RunningJobEntry, 'failures' | 'restartStrategy' | 'jobName'>>): void {
    const key = `${ref.notebook}\u0000${ref.cellId}`;
    const e = this.entries.get(key);
    if (!e) return;
    this.save(new Map(this.entries).set(key, { ...e, ...patch }));
  }

  delete(ref: CellRef): void {
    const next = new Map(this.entries);
    if (next.delete(`${ref.notebook}\u0000${ref.cellId}`)) this.save(next);
  }

  /** Writes the jobs this server runs, dropping what the previous one left that is not resumed. */
  rewrite(): void {
    this.save(this.entries);
  }

  /** The server stops on purpose: its jobs are resumed at the next start without counting it as their failure. */
  markCleanShutdown(): void {
    this.save(this.entries, true);
  }

  /** Writes `next` and only then makes it the current entries: an entry that fails to write is not kept for later writes. */
  private save(next: Map<string, RunningJobEntry>, cleanShutdown = false): void {
    const text = JSON.stringify({ version: 1, jobs: [...next.values()], ...(cleanShutdown ? { cleanShutdown } : {}) }, null, 2);
    const tmp = `${this.file}.tmp`;
    writeFileSync(tmp, text);
    const fd = openSync(tmp, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, this.file);
    this.entries = next;
  }
}
