import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, renameSync, statSync, truncateSync, unlinkSync, writeSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { ConnectorDefinition, ConnectorSpec } from '../registry.js';
import type { SinkContext, SinkFunction } from '../SourceFunction.js';
import { csvRow } from './csvFormat.js';

export const FileSinkConfig = z.object({
  path: z.string().min(1).describe('Output directory (created if missing); one sink per directory and prefix'),
  format: z.enum(['jsonl', 'csv']).default('jsonl'),
  /** Part files are named `<prefix>-<n><suffix>`. */
  prefix: z
    .string()
    .regex(/^[^./\\][^/\\]*$/, 'a file name without "/" that does not start with "."')
    .default('part'),
  /** Defaults to '.jsonl' or '.csv'. */
  suffix: z
    .string()
    .regex(/^[^/\\]*$/)
    .optional(),
  /** Rolling: a part holds at most this many records. */
  maxRecords: z.number().int().positive().optional(),
  /** Rolling: a new part starts before a record would make the current one larger (unless it is empty). */
  maxBytes: z.number().int().positive().optional(),
  /** Rolling: a part open this long is closed at the next record (or the next checkpoint). */
  rolloverIntervalMs: z.number().int().positive().optional(),
  /** CSV: a header line at the top of each part file. */
  header: z.boolean().default(true),
  /** CSV: the fields written for object records, in order; by default the keys of the first record. */
  columns: z.array(z.string()).optional(),
  delimiter: z.string().min(1).default(','),
});
export type FileSinkConfig = z.input<typeof FileSinkConfig>;
type Config = z.output<typeof FileSinkConfig>;

/** A closed part file waiting to be committed (renamed to its final name). */
export interface PendingPart {
  /** Final name, in the output directory. */
  name: string;
  size: number;
  /** The checkpoint whose snapshot first recorded the file. */
  checkpointId: number;
}

export interface FileSinkState {
  nextPart: number;
  columns?: string[];
  pending: PendingPart[];
}

interface OpenPart {
  name: string;
  fd: number;
  size: number;
  records: number;
  openedAt: number;
  buffer: string[];
  buffered: number;
}

const FLUSH_BYTES = 64 * 1024;
const inProgressName = (name: string) => `.${name}.inprogress`;
const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Part files with exactly-once output under checkpoints, as Flink's FileSink: records go to a hidden
 * `.<prefix>-<n><suffix>.inprogress` file; a snapshot closes it (flushed and fsynced) and records it as pending; when the
 * checkpoint completes it is renamed to `<prefix>-<n><suffix>`. A restore commits the restored checkpoint's pending files
 * and deletes every other in-progress file: what was written after the checkpoint is replayed by the sources, never
 * duplicated. Without checkpoints, part files are committed as they roll, at the end of input and on close.
 *
 * I/O is synchronous: snapshotState must have the file durable before it returns (snapshots are synchronous), and
 * buffering 64 KiB between writes keeps the cost low.
 */
export class FileSinkFunction implements SinkFunction {
  private readonly c: Config;
  private readonly dir: string;
  private readonly suffix: string;
  /** Part file names start with this: the configured prefix, and `-<subtask>` when the sink runs in parallel. */
  private prefix: string;
  private ctx: SinkContext | undefined;
  private nextPart = 0;
  private columns: string[] | undefined;
  private current: OpenPart | undefined;
  /** Closed, uncommitted part files; checkpointId is set by the first snapshot that records them. */
  private closed: { name: string; size: number; checkpointId?: number }[] = [];
  /** Ids of snapshots taken, in order (savepoint ids need not be increasing). */
  private snapshots: number[] = [];
  /** Snapshotted or restored: checkpoints are in use even if the context did not say so (a savepoint, a direct caller). */
  private snapshotted = false;

  constructor(config: FileSinkConfig) {
    this.c = FileSinkConfig.parse(config);
    this.dir = path.resolve(this.c.path);
    this.suffix = this.c.suffix ?? (this.c.format === 'csv' ? '.csv' : '.jsonl');
    this.columns = this.c.columns;
    this.prefix = this.c.prefix;
  }

  /** Under checkpoints, files are committed only by completed checkpoints (or the end of input). */
  private get checkpointing(): boolean {
    return this.snapshotted || this.ctx?.checkpointing === true;
  }

  open(ctx: SinkContext): void {
    this.ctx = ctx;
    // One writer per subtask, each with part files of its own (Flink's part-<subtask>-<n>).
    if ((ctx.parallelism ?? 1) > 1) this.prefix = `${this.c.prefix}-${ctx.subtaskIndex ?? 0}`;
    mkdirSync(this.dir, { recursive: true });
    // Never reuse the number of a file already there, committed or not.
    this.nextPart = Math.max(this.nextPart, this.firstFreePart());
  }

  invoke(value: unknown): void {
    this.write(value, this.ctx?.getCurrentProcessingTime() ?? Date.now());
  }

  /** A batch goes into the part's buffer record by record (rolling as invoke() would), with one clock read. */
  invokeBatch(values: readonly unknown[], _timestamps: Float64Array, length: number): void {
    const now = this.ctx?.getCurrentProcessingTime() ?? Date.now();
    for (let i = 0; i < length; i++) this.write(values[i], now);
  }

  private write(value: unknown, now: number): void {
    const line = this.encode(value);
    const bytes = Buffer.byteLength(line);
    const { maxBytes, maxRecords, rolloverIntervalMs } = this.c;
    const cur = this.current;
    if (cur !== undefined && cur.records > 0) {
      const tooBig = maxBytes !== undefined && cur.size + bytes > maxBytes;
      const tooOld = rolloverIntervalMs !== undefined && now - cur.openedAt >= rolloverIntervalMs;
      if (tooBig || tooOld) this.roll();
    }
    const part = this.current ?? this.openPart(now);
    this.append(part, line, bytes);
    part.records++;
    if (maxRecords !== undefined && part.records >= maxRecords) this.roll();
  }

  private encode(value: unknown): string {
    if (this.c.format === 'jsonl') return (JSON.stringify(value) ?? 'null') + '\n';
    let fields: readonly unknown[];
    if (Array.isArray(value)) fields = value;
    else if (value !== null && typeof value === 'object' && !(value instanceof Date)) {
      // Fixed columns for the whole output (and across restores): a CSV file cannot change its header midway.
      this.columns ??= Object.keys(value);
      fields = this.columns.map((k) => (value as Record<string, unknown>)[k]);
    } else fields = [value];
    return csvRow(fields, this.c.delimiter);
  }

  private partName(n: number): string {
    return `${this.prefix}-${n}${this.suffix}`;
  }

  private openPart(now: number): OpenPart {
    const name = this.partName(this.nextPart++);
    const fd = openSync(path.join(this.dir, inProgressName(name)), 'w');
    const part: OpenPart = { name, fd, size: 0, records: 0, openedAt: now, buffer: [], buffered: 0 };
    this.current = part;
    if (this.c.format === 'csv' && this.c.header && this.columns !== undefined) {
      const header = csvRow(this.columns, this.c.delimiter);
      this.append(part, header, Buffer.byteLength(header));
    }
    return part;
  }

  private append(part: OpenPart, text: string, bytes: number): void {
    part.buffer.push(text);
    part.buffered += bytes;
    part.size += bytes;
    if (part.buffered >= FLUSH_BYTES) this.flush(part);
  }

  private flush(part: OpenPart): void {
    if (part.buffered === 0) return;
    const data = Buffer.from(part.buffer.join(''));
    part.buffer = [];
    part.buffered = 0;
    for (let off = 0; off < data.length; ) off += writeSync(part.fd, data, off, data.length - off);
  }

  /** Flushes, fsyncs and closes the open part; it joins the closed, uncommitted files. */
  private closeCurrent(): void {
    const part = this.current;
    if (part === undefined) return;
    this.current = undefined;
    try {
      this.flush(part);
      fsyncSync(part.fd);
    } finally {
      closeSync(part.fd);
    }
    this.closed.push({ name: part.name, size: part.size });
  }

  private roll(): void {
    this.closeCurrent();
    if (!this.checkpointing) this.commit(this.closed.splice(0));
  }

  private commit(parts: { name: string }[]): void {
    if (parts.length === 0) return;
    for (const p of parts) renameSync(path.join(this.dir, inProgressName(p.name)), path.join(this.dir, p.name));
    this.syncDir();
  }

  /** Makes renames durable (POSIX); not possible on every platform, where rename durability is left to the OS. */
  private syncDir(): void {
    let fd: number | undefined;
    try {
      fd = openSync(this.dir, 'r');
      fsyncSync(fd);
    } catch {
      // e.g. EISDIR/EPERM on Windows
    } finally {
      if (fd !== undefined) closeSync(fd);
    }
  }

  /** Part numbers used in the directory (final or in progress), plus one. */
  private firstFreePart(): number {
    const re = new RegExp(`^\\.?${escapeRe(this.prefix)}-(\\d+)${escapeRe(this.suffix)}(?:\\.inprogress)?$`);
    let next = 0;
    for (const name of readdirSync(this.dir)) {
      const m = re.exec(name);
      if (m) next = Math.max(next, Number(m[1]) + 1);
    }
    return next;
  }

  snapshotState(checkpointId: number): FileSinkState {
    this.snapshotted = true;
    this.closeCurrent();
    for (const p of this.closed) p.checkpointId ??= checkpointId;
    this.snapshots.push(checkpointId);
    return {
      nextPart: this.nextPart,
      ...(this.columns !== undefined ? { columns: [...this.columns] } : {}),
      pending: this.closed.map((p) => ({ name: p.name, size: p.size, checkpointId: p.checkpointId! })),
    };
  }

  /** Commits the files that the completed checkpoint's state holds: those of its snapshot and of earlier ones. */
  notifyCheckpointComplete(checkpointId: number): void {
    const at = this.snapshots.indexOf(checkpointId);
    let covered: (id: number | undefined) => boolean;
    if (at >= 0) {
      const ids = new Set(this.snapshots.splice(0, at + 1));
      covered = (id) => id !== undefined && ids.has(id);
    } else covered = (id) => id !== undefined && id <= checkpointId;
    const done = this.closed.filter((p) => covered(p.checkpointId));
    this.closed = this.closed.filter((p) => !covered(p.checkpointId));
    this.commit(done);
  }

  /**
   * Recovers the directory to the restored checkpoint: its pending files are committed (unless a notification
   * already did) and other in-progress files, written after it, are deleted.
   */
  restoreState(state: unknown): void {
    this.recover(state as FileSinkState, this.prefix);
  }

  /**
   * After a change of parallelism: old subtask j's files are recovered by new subtask j mod parallelism (each lineage
   * by one subtask; a lineage that goes on under the same prefix is recovered by the subtask that continues it).
   */
  restoreRescaledState(states: unknown[], subtaskIndex: number): void {
    const now = this.ctx?.parallelism ?? 1;
    states.forEach((state, j) => {
      if (state === undefined || j % now !== subtaskIndex) return;
      this.recover(state as FileSinkState, states.length > 1 ? `${this.c.prefix}-${j}` : this.c.prefix);
    });
  }

  /**
   * Recovers one lineage of part files (`prefix`) to the restored checkpoint: its pending files are committed (unless a
   * notification already did) and its other in-progress files, written after it, are deleted.
   */
  private recover(s: FileSinkState, prefix: string): void {
    this.snapshotted = true;
    mkdirSync(this.dir, { recursive: true });
    const keep = new Set<string>();
    for (const p of s.pending) {
      const file = path.join(this.dir, inProgressName(p.name));
      keep.add(inProgressName(p.name));
      if (existsSync(file)) {
        const size = statSync(file).size;
        if (size < p.size) throw new Error(`file sink: ${file} has ${size} bytes but checkpoint ${p.checkpointId} recorded ${p.size}`);
        // Closed when it was recorded, so anything beyond the recorded size was not written by this sink.
        if (size > p.size) truncateSync(file, p.size);
        renameSync(file, path.join(this.dir, p.name));
      } else if (!existsSync(path.join(this.dir, p.name))) {
        throw new Error(`file sink: ${p.name}, pending in checkpoint ${p.checkpointId}, is neither in progress nor committed in ${this.dir}`);
      }
    }
    const lineage = new RegExp(`^\\.${escapeRe(prefix)}-\\d+${escapeRe(this.suffix)}\\.inprogress$`);
    for (const name of readdirSync(this.dir)) if (lineage.test(name) && !keep.has(name)) unlinkSync(path.join(this.dir, name));
    this.syncDir();
    this.columns = s.columns ?? this.columns;
    this.nextPart = Math.max(this.nextPart, prefix === this.prefix ? s.nextPart : 0, this.firstFreePart());
  }

  /** End of input: the output is complete, so everything is committed (also under checkpointing, as Flink's final checkpoint). */
  finish(): void {
    this.closeCurrent();
    this.commit(this.closed.splice(0));
    this.snapshots = [];
  }

  /**
   * Without checkpoints, close commits what was written. Under checkpoints (cancel or failure) the in-progress file is
   * left as it is: a restore deletes it and the sources replay its records.
   */
  close(): void {
    if (!this.checkpointing) return this.finish();
    const part = this.current;
    if (part === undefined) return;
    this.current = undefined;
    closeSync(part.fd);
  }
}

export const fileSinkConnector: ConnectorDefinition<FileSinkConfig> = {
  name: 'file-sink',
  fieldRefs: ['columns'],
  description: 'Writes JSON Lines or CSV part files to a directory, exactly once with checkpoints',
  configSchema: FileSinkConfig as z.ZodType<FileSinkConfig>,
  createSink: (c) => new FileSinkFunction(c),
  parallelSink: true,
};

type FormatOptions = Omit<FileSinkConfig, 'path' | 'format'>;

/** A file sink for `stream.sinkTo(...)`: `FileSink.jsonLines('out/')`, `FileSink.csv('out/', { maxRecords: 10_000 })`. */
export class FileSink implements ConnectorSpec<FileSinkConfig> {
  readonly connector = 'file-sink';
  constructor(readonly config: FileSinkConfig) {}

  static jsonLines(dir: string, options: FormatOptions = {}): FileSink {
    return new FileSink({ ...options, path: dir, format: 'jsonl' });
  }
  static csv(dir: string, options: FormatOptions = {}): FileSink {
    return new FileSink({ ...options, path: dir, format: 'csv' });
  }
}
