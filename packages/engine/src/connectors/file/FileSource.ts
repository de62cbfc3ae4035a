import { statSync, promises as fs } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import type { ConnectorDefinition, ConnectorSpec } from '../registry.js';
import type { SourceContext, SourceFunction } from '../SourceFunction.js';
import { CsvDecoder, jsonLine, LineDecoder, textLine, type DecodedItem, type RecordDecoder } from './decoders.js';
import { linesBefore, splitRanges } from './splits.js';

export { splitRanges } from './splits.js';

export const FileSourceConfig = z.object({
  path: z.string().min(1).describe('A file, or a directory whose files are read in name order'),
  format: z.enum(['csv', 'jsonl', 'text']).default('text'),
  /** Directory only: which file names to read — a suffix ('.csv') or a glob with * and ? ('sales-*.csv'). */
  pattern: z.string().min(1).optional(),
  /** CSV: the first line names the fields (records are objects); false gives arrays. */
  header: z.boolean().default(true),
  delimiter: z.string().min(1).default(','),
  /** CSV: numbers and booleans become numbers and booleans, empty fields null. */
  inferTypes: z.boolean().default(true),
  /** Keep reading what is appended to the files and new files in the directory until cancelled (unbounded). */
  follow: z.boolean().default(false),
  pollIntervalMs: z.number().int().positive().default(1000),
  /** At most this many records per second. */
  rate: z.number().positive().optional(),
});
export type FileSourceConfig = z.input<typeof FileSourceConfig>;
type Config = z.output<typeof FileSourceConfig>;

/** Where one file has been read up to, as checkpointed. */
export interface FilePosition {
  file: string;
  /** Byte offset just after the last record emitted (or sent to the dead-letter output). */
  offset: number;
  /** Lines up to that offset, so dead-letter positions stay right after a restore. */
  line: number;
  /** CSV header, when it has been read (the restored offset is past it). */
  columns?: string[];
  /** A byte-range split of the file (see splitRanges): where it starts (its id in the file) and ends. */
  start?: number;
  end?: number;
}

export interface FileSourceState {
  files: FilePosition[];
}

interface Cursor extends FilePosition {
  /** Bytes handed to the decoder; ahead of `offset` by an incomplete last record (follow mode). */
  readOffset: number;
  decoder: RecordDecoder | undefined;
}

const CHUNK_BYTES = 64 * 1024;

function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

/** 32-bit FNV-1a of a string: a stable, well-spread hash of a file name. */
function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}
const byName = new Intl.Collator('en', { numeric: true }).compare; // part-2 before part-10

/** Matches file names: a suffix, or a glob where * and ? do not cross directories. */
export function fileNameMatcher(pattern: string | undefined): (name: string) => boolean {
  if (pattern === undefined) return () => true;
  if (!/[*?]/.test(pattern)) return (name) => name.endsWith(pattern);
  const re = new RegExp('^' + pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.') + '$');
  return (name) => re.test(name);
}

/**
 * Records from a file or a directory of files (Flink's FileSource): CSV (through csv-parse), JSON Lines or text
 * lines. Reads in 64 KiB chunks and yields between them; the read position is updated as each record is emitted, so a
 * snapshot (taken between event-loop turns) resumes exactly after the last record. Malformed records go to the
 * dead-letter output with `file:line`. With `follow`, it tails the files and picks up new ones, like
 * monitorContinuously.
 */
export class FileSourceFunction implements SourceFunction {
  private running = true;
  private readonly c: Config;
  private readonly root: string;
  private readonly matches: (name: string) => boolean;
  private readonly cursors: Cursor[] = [];
  private restored = new Map<string, FilePosition>();
  private rateStart: number | undefined;
  private rateCount = 0;
  private subtask = 0;
  private parallelism = 1;
  /** The batch being filled (emitAll); lent to the engine for one call at a time. */
  private readonly values: unknown[] = new Array<unknown>(4096);

  constructor(config: FileSourceConfig) {
    this.c = FileSourceConfig.parse(config);
    this.root = path.resolve(this.c.path);
    this.matches = fileNameMatcher(this.c.pattern);
  }

  async run(ctx: SourceContext): Promise<void> {
    this.subtask = ctx.subtaskIndex ?? 0;
    this.parallelism = ctx.parallelism ?? 1;
    let isDir: boolean;
    try {
      isDir = (await fs.stat(this.root)).isDirectory();
    } catch (e) {
      throw new Error(`file source: cannot read ${this.root}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    await this.discover(isDir);
    for (;;) {
      let progressed = false;
      for (const cursor of this.cursors) {
        if (!this.active(ctx)) return;
        if (await this.readAvailable(cursor, ctx)) progressed = true;
        if (!this.c.follow && this.active(ctx)) await this.endOfFile(cursor, ctx);
      }
      if (!this.c.follow || !this.active(ctx)) return;
      if (isDir && (await this.discover(true))) continue;
      if (!progressed) {
        // Waiting for data is not a reason to burst afterwards: the rate starts over.
        this.rateStart = undefined;
        this.rateCount = 0;
        await ctx.sleep(this.c.pollIntervalMs);
      }
    }
  }

  private active(ctx: SourceContext): boolean {
    return this.running && ctx.isRunning();
  }

  /** Adds cursors for files not seen yet, in name order; true if there were any. */
  private async discover(isDir: boolean): Promise<boolean> {
    if (!isDir && this.splitsLines()) return this.discoverSplits();
    let files: string[];
    if (!isDir) files = [this.root];
    else {
      const entries = await fs.readdir(this.root, { withFileTypes: true });
      // Hidden files are skipped: they include a file sink's uncommitted `.part-N.inprogress` files.
      files = entries
        .filter((e) => e.isFile() && !e.name.startsWith('.') && this.matches(e.name))
        .map((e) => e.name)
        .sort(byName)
        .map((n) => path.join(this.root, n));
    }
    const known = new Set(this.cursors.map((c) => c.file));
    let added = false;
    for (const file of files) {
      if (known.has(file) || !this.owns(file)) continue;
      const r = this.restored.get(file);
      this.cursors.push({ file, offset: r?.offset ?? 0, line: r?.line ?? 0, ...(r?.columns ? { columns: [...r.columns] } : {}), readOffset: r?.offset ?? 0, decoder: undefined });
      added = true;
    }
    return added;
  }

  /**
   * A single bounded file read by several subtasks is cut into byte ranges, one per subtask (FLIP-27 file splits):
   * at line starts for JSONL and text, at line starts outside quoted fields for CSV (see splits.ts).
   */
  private splitsLines(): boolean {
    return (this.parallelism > 1 || this.restoredSplits !== undefined) && !this.c.follow;
  }

  private splitRanges(parallelism: number) {
    return splitRanges(this.root, parallelism, this.c.format === 'csv' ? 'csv' : 'lines');
  }

  /** Splits of the file dealt to this subtask by a restore at another parallelism (restoreUnionState). */
  private restoredSplits: FilePosition[] | undefined;

  /** This subtask's byte ranges of the single file, from where a restore left them. */
  private async discoverSplits(): Promise<boolean> {
    if (this.cursors.length > 0) return false;
    let splits: FilePosition[];
    if (this.restoredSplits !== undefined) splits = this.restoredSplits;
    else {
      const { start, end } = this.splitRanges(this.parallelism)[this.subtask]!;
      const r = [...this.restored.values()].find((f) => f.start === start);
      splits = [r ?? { file: this.root, start, end, offset: start, line: -1 }];
    }
    let header: string[] | undefined;
    for (const f of splits) {
      let line = f.line;
      // An empty range (nothing left, or a file that is not split) reads nothing: no need to count lines before it.
      if (f.offset >= f.end!) line = 0;
      if (line < 0) {
        // Dead letters name their file:line: a split that starts mid-file counts the lines before it once.
        const handle = await fs.open(this.root, 'r');
        try {
          line = await linesBefore(handle, f.offset);
        } finally {
          await handle.close();
        }
      }
      let columns = f.columns;
      // A CSV split after the header line gets the header read once from the file's start (the first split reads it
      // itself, as a whole-file read does).
      if (this.c.format === 'csv' && this.c.header && columns === undefined && f.offset > 0) columns = header ??= await this.readCsvHeader();
      this.cursors.push({ file: f.file, start: f.start!, end: f.end!, offset: f.offset, line, ...(columns ? { columns: [...columns] } : {}), readOffset: f.offset, decoder: undefined });
    }
    return splits.length > 0;
  }

  /** The CSV header of the single file: its first record, parsed as a read from the start would. */
  private async readCsvHeader(): Promise<string[] | undefined> {
    const { delimiter, inferTypes } = this.c;
    const decoder = new CsvDecoder(0, 0, undefined, { header: true, delimiter, inferTypes });
    const handle = await fs.open(this.root, 'r');
    try {
      const items: DecodedItem[] = [];
      for (let pos = 0; ; ) {
        const buf = Buffer.allocUnsafe(CHUNK_BYTES);
        const { bytesRead } = await handle.read(buf, 0, CHUNK_BYTES, pos);
        if (bytesRead === 0) await decoder.end(items);
        else decoder.push(buf.subarray(0, bytesRead), items);
        const found = items.find((i) => i.kind === 'header');
        if (found !== undefined || bytesRead === 0) return found?.columns;
        pos += bytesRead;
      }
    } finally {
      await handle.close();
    }
  }

  /**
   * Whether this subtask reads the file (a split per file, as Flink's FileSource): by a hash of its path, so the
   * assignment does not depend on which files exist or when a subtask lists them (follow mode, restores). A single
   * file is read by subtask 0.
   */
  private owns(file: string): boolean {
    if (this.parallelism === 1) return true;
    if (file === this.root) return this.subtask === 0;
    return fnv1a(path.relative(this.root, file)) % this.parallelism === this.subtask;
  }

  private newDecoder(cursor: Cursor): RecordDecoder {
    const { format, header, delimiter, inferTypes } = this.c;
    if (format === 'csv') return new CsvDecoder(cursor.offset, cursor.line, cursor.columns, { header, delimiter, inferTypes });
    return format === 'jsonl' ? new LineDecoder(cursor.offset, cursor.line, jsonLine) : new LineDecoder(cursor.offset, cursor.line, textLine, false);
  }

  /** Reads a file from where it was read up to its current end; true if there were new bytes. */
  private async readAvailable(cursor: Cursor, ctx: SourceContext): Promise<boolean> {
    let handle: FileHandle;
    try {
      handle = await fs.open(cursor.file, 'r');
    } catch (e) {
      // In follow mode a file may disappear (rotated away); a bounded read of a listed file must not lose it silently.
      if (this.c.follow && (e as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw new Error(`file source: cannot open ${cursor.file}: ${(e as Error).message}`);
    }
    let progressed = false;
    try {
      if (this.c.follow && (await handle.stat()).size < cursor.readOffset) {
        // Truncated or replaced by a shorter file (copytruncate rotation): start it over, as tail -F does.
        this.log(ctx, `file source: ${cursor.file} shrank; reading it again from the start`);
        Object.assign(cursor, { offset: 0, line: 0, readOffset: 0, decoder: undefined });
        delete cursor.columns;
      }
      cursor.decoder ??= this.newDecoder(cursor);
      for (;;) {
        // A split reads up to its end only (a line start: the next split's first line is not its own).
        const want = cursor.end === undefined ? CHUNK_BYTES : Math.min(CHUNK_BYTES, cursor.end - cursor.readOffset);
        if (want <= 0) break;
        const buf = Buffer.allocUnsafe(want); // fresh each time: decoders may keep the tail of a chunk
        const { bytesRead } = await handle.read(buf, 0, want, cursor.readOffset);
        if (bytesRead === 0 || !this.active(ctx)) break;
        cursor.readOffset += bytesRead;
        progressed = true;
        const items: DecodedItem[] = [];
        cursor.decoder.push(buf.subarray(0, bytesRead), items);
        await this.emitAll(cursor, items, ctx);
        if (!this.active(ctx)) break;
        await ctx.yield();
      }
    } finally {
      await handle.close();
    }
    return progressed;
  }

  private async endOfFile(cursor: Cursor, ctx: SourceContext): Promise<void> {
    if (cursor.decoder === undefined) return;
    const items: DecodedItem[] = [];
    await cursor.decoder.end(items);
    cursor.decoder = undefined;
    await this.emitAll(cursor, items, ctx);
  }

  /**
   * Emits items in order, consecutive records as one batch (collectBatch), the position after them set in the same
   * turn; a dead letter or a header goes between batches, in file order. Throttled by `rate`.
   */
  private async emitAll(cursor: Cursor, items: DecodedItem[], ctx: SourceContext): Promise<void> {
    const values = this.values;
    let i = 0;
    while (i < items.length) {
      if (!this.active(ctx)) return;
      const n = Math.min(items.length - i, await this.allowance(ctx));
      let k = 0;
      for (const stop = i + n; i < stop; i++) {
        const item = items[i]!;
        if (item.kind !== 'header') this.rateCount++;
        if (item.kind === 'record') {
          values[k++] = item.value;
          if (k === values.length) {
            ctx.collectBatch(values, k);
            k = 0;
          }
        } else {
          if (k > 0) ctx.collectBatch(values, k);
          k = 0;
          if (item.kind === 'dead') ctx.deadLetter(item.raw, item.error, `${cursor.file}:${item.line}`);
          else cursor.columns = item.columns;
        }
        cursor.offset = item.end;
        cursor.line = item.line;
      }
      if (k > 0) ctx.collectBatch(values, k);
      // Lent to the engine for the call only: drop the references.
      values.fill(undefined, 0, Math.min(n, values.length));
    }
  }

  /** How many records may go out now under `rate` (waits until at least one may). */
  private async allowance(ctx: SourceContext): Promise<number> {
    const rate = this.c.rate;
    if (rate === undefined) return Number.POSITIVE_INFINITY;
    for (;;) {
      const now = ctx.getCurrentProcessingTime();
      this.rateStart ??= now;
      const allowed = Math.floor(((now - this.rateStart) * rate) / 1000) + 1 - this.rateCount;
      if (allowed > 0 || !this.active(ctx)) return Math.max(allowed, 0);
      // Sleep until the next record is due.
      await ctx.sleep(Math.max(1, Math.ceil(this.rateStart + (this.rateCount * 1000) / rate - now)));
    }
  }

  private log(ctx: SourceContext, line: string): void {
    const log = ctx.services.log;
    if (typeof log === 'function') (log as (l: string) => void)(line);
  }

  cancel(): void {
    this.running = false;
  }

  snapshotState(): FileSourceState | undefined {
    if (this.cursors.length === 0) {
      if (this.restoredSplits !== undefined) return { files: this.restoredSplits.map((f) => ({ ...f })) };
      // Not started and nothing restored: a restore starts it afresh (for a split, its whole range is left).
      if (this.restored.size === 0) return undefined;
    }
    return {
      files: this.cursors.map(({ file, offset, line, columns, start, end }) => ({
        file,
        offset,
        line,
        ...(columns ? { columns: [...columns] } : {}),
        ...(start !== undefined ? { start, end: end! } : {}),
      })),
    };
  }

  restoreState(state: unknown): void {
    const s = state as FileSourceState;
    this.restored = new Map(s.files.map((f) => [f.start === undefined ? f.file : `${f.file}#${f.start}`, f]));
    const splits = s.files.filter((f) => f.start !== undefined);
    if (splits.length > 0) this.restoredSplits = splits;
  }

  /**
   * After a change of parallelism: every file's position from whichever old subtask read it (positions only grow).
   * Byte-range splits of a single file are not cut again: the rest of each old split (from its position to its end)
   * is dealt out round robin; an old subtask without state had not started its split.
   */
  restoreUnionState(states: unknown[], subtaskIndex = 0, parallelism = 1): void {
    this.restored = new Map();
    const old = states as (FileSourceState | undefined)[];
    for (const s of old) {
      for (const f of s?.files ?? []) if ((this.restored.get(f.file)?.offset ?? -1) < f.offset) this.restored.set(f.file, f);
    }
    if (this.c.follow || !isFile(this.root)) return;
    // A single file is read in splits: the rest of each old split goes round robin (an old whole-file position is the
    // rest of the file; an old subtask without state had not started its split).
    const ranges = old.some((s) => s === undefined) ? this.splitRanges(old.length) : [];
    const left = old
      .flatMap((s, j): FilePosition[] => {
        if (s === undefined) return [{ file: this.root, ...ranges[j]!, offset: ranges[j]!.start, line: -1 }];
        return s.files.map((f) => (f.start !== undefined ? f : { ...f, start: f.offset, end: Number.MAX_SAFE_INTEGER }));
      })
      .filter((f) => f.offset < f.end!)
      .sort((a, b) => a.start! - b.start!);
    this.restoredSplits = left.filter((_, i) => i % parallelism === subtaskIndex);
  }
}

export const fileSourceConnector: ConnectorDefinition<FileSourceConfig> = {
  name: 'file',
  recordTimestamps: false,
  description: 'Records from a file or a directory: CSV, JSON Lines or text lines; can follow growing files',
  configSchema: FileSourceConfig as z.ZodType<FileSourceConfig>,
  createSource: (c) => new FileSourceFunction(c),
  splittable: true,
  bounded: (c) => c.follow !== true,
};

type FormatOptions = Omit<FileSourceConfig, 'path' | 'format'>;

/** A file source for `env.fromSource(...)`: `FileSource.csv('sales.csv')`, `FileSource.jsonLines('events/', { follow: true })`. */
export class FileSource implements ConnectorSpec<FileSourceConfig> {
  readonly connector = 'file';
  constructor(readonly config: FileSourceConfig) {}

  static csv(filePath: string, options: FormatOptions = {}): FileSource {
    return new FileSource({ ...options, path: filePath, format: 'csv' });
  }
  static jsonLines(filePath: string, options: FormatOptions = {}): FileSource {
    return new FileSource({ ...options, path: filePath, format: 'jsonl' });
  }
  static textLines(filePath: string, options: FormatOptions = {}): FileSource {
    return new FileSource({ ...options, path: filePath, format: 'text' });
  }
}
