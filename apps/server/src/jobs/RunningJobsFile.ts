import { mkdirSync, readFileSync, renameSync, writeFileSync, openSync, fsyncSync, closeSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { CellRef, GraphJson, ParamValue } from '@flowbook/protocol';

// A code cell's source, or a pipeline cell's graph.
const Entry = CellRef.extend({ source: z.string(), graph: GraphJson.optional(), series: z.record(z.string(), z.string()).optional(), params: z.record(z.string(), ParamValue).default({}), jobId: z.string(), startedAt: z.number() });
export type RunningJobEntry = z.input<typeof Entry>;
const FileFormat = z.object({ version: z.literal(1), jobs: z.array(Entry) });

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
    try {
      const parsed = FileFormat.safeParse(JSON.parse(readFileSync(this.file, 'utf8')));
      if (!parsed.success) {
        console.warn(`${this.file}: ignored (${parsed.error.issues[0]?.message})`);
        return [];
      }
      return parsed.data.jobs;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') console.warn(`${this.file}: ignored (${(e as Error).message})`);
      return [];
    }
  }

  set(entry: RunningJobEntry): void {
    const next = new Map(this.entries).set(`${entry.notebook}\u0000${entry.cellId}`, entry);
    this.save(next);
  }

  delete(ref: CellRef): void {
    const next = new Map(this.entries);
    if (next.delete(`${ref.notebook}\u0000${ref.cellId}`)) this.save(next);
  }

  /** Writes `next` and only then makes it the current entries: an entry that fails to write is not kept for later writes. */
  private save(next: Map<string, RunningJobEntry>): void {
    const text = JSON.stringify({ version: 1, jobs: [...next.values()] }, null, 2);
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
