import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { JobSnapshot } from '../runtime/Job.js';
import { decodeSnapshot, encodeSnapshot } from './snapshotContainer.js';

/** A complete checkpoint or savepoint a job can resume from (the protocol's schema, one definition). */
export type { RestorePoint } from '@flowbook/protocol';
import type { RestorePoint } from '@flowbook/protocol';

/** Where checkpoints and savepoints of one job (a notebook cell) are kept: a local folder or a PostgreSQL table. */
export interface CheckpointStorage {
  write(snapshot: JobSnapshot, kind?: 'chk' | 'savepoint'): Promise<CompletedCheckpoint>;
  /** The newest complete checkpoint, skipping corrupt ones with a warning. */
  latest(): Promise<JobSnapshot | undefined>;
  restorePoints(): Promise<RestorePoint[]>;
  readByName(name: string): Promise<JobSnapshot>;
  /** The names of the jobs with checkpoints under this storage's cell key (from a storage opened without a job name). */
  jobNames(): Promise<string[]>;
}

/** Key groups [start, end], both included: the part of a job's keyed state a snapshot holds. */
export interface KeyGroupRange {
  start: number;
  end: number;
}

/** A snapshot of the whole job: every key group (Flink's upper bound of maxParallelism is 32768). */
export const WHOLE_JOB: KeyGroupRange = { start: 0, end: 32767 };

/**
 * Which job's checkpoints a storage holds, within one notebook cell's key: the job's name (a cell may submit several
 * jobs, and two deployments of one notebook must name theirs apart), and the key groups a snapshot holds where each
 * subtask or worker writes its own range (the whole job by default).
 */
export interface CheckpointScope {
  jobName?: string;
  keyGroups?: KeyGroupRange;
}

export interface CompletedCheckpoint {
  id: number;
  path: string;
  timestamp: number;
  sizeBytes: number;
}

/** The state file of a checkpoint directory today (the binary container), and of format 1 (JSON). */
const STATE_FILE = 'state.bin';
const LEGACY_STATE_FILE = 'state.json';

interface Manifest {
  /** 1: `state.json`, the snapshot as JSON; 2: `stateFile`, the snapshot in the binary container. */
  formatVersion: number;
  checkpointId: number;
  timestamp: number;
  /** SHA-256 of the state file's bytes (format 1: of its text). */
  sha256: string;
  sizeBytes: number;
  stateFile?: string;
}

/**
 * Checkpoints in a local directory: `chk-<n>/state.bin` (the binary container) written to a temp name, fsynced and
 * renamed, then `_manifest.json` (with the state's SHA-256) written last, so a torn checkpoint — no manifest, or a
 * checksum that does not match — is never used: it is skipped with a warning and the previous complete one is taken.
 * Checkpoints written in format 1 (`state.json`) are still read.
 */
export class FsCheckpointStorage implements CheckpointStorage {
  constructor(
    readonly dir: string,
    private readonly retained = 3,
    private readonly warn: (msg: string) => void = (m) => console.warn(m),
  ) {}

  private async writeDurable(file: string, pieces: Uint8Array[]): Promise<void> {
    const tmp = `${file}.tmp`;
    const h = await fs.open(tmp, 'w');
    try {
      for (const piece of pieces) {
        for (let at = 0; at < piece.length; ) at += (await h.write(piece, at, piece.length - at)).bytesWritten;
      }
      await h.sync();
    } finally {
      await h.close();
    }
    await fs.rename(tmp, file);
  }

  /**
   * Writes a snapshot (a private copy of the job's state, so it may be encoded while the job goes on): the container's
   * header is serialized in time slices between the job's turns, its segments are written from the typed arrays'
   * memory; hashed, fsynced, renamed, then the manifest.
   */
  async write(snapshot: JobSnapshot, kind: 'chk' | 'savepoint' = 'chk'): Promise<CompletedCheckpoint> {
    const name = kind === 'chk' ? `chk-${snapshot.checkpointId}` : `savepoint-${snapshot.checkpointId}-${Date.now()}`;
    const dir = path.join(this.dir, name);
    await fs.mkdir(dir, { recursive: true });
    const { pieces, size } = await encodeSnapshot(snapshot);
    // Hashing stays on this thread: crypto.subtle would first copy the bytes here, which costs about as much as hashing.
    const hash = createHash('sha256');
    for (const p of pieces) hash.update(p);
    const sha256 = hash.digest('hex');
    await this.writeDurable(path.join(dir, STATE_FILE), pieces);
    const manifest: Manifest = { formatVersion: 2, checkpointId: snapshot.checkpointId, timestamp: snapshot.timestamp, sha256, sizeBytes: size, stateFile: STATE_FILE };
    await this.writeDurable(path.join(dir, '_manifest.json'), [Buffer.from(JSON.stringify(manifest))]);
    if (kind === 'chk') await this.prune();
    return { id: snapshot.checkpointId, path: dir, timestamp: snapshot.timestamp, sizeBytes: size };
  }

  private async checkpointDirs(): Promise<{ id: number; dir: string }[]> {
    let names: string[];
    try {
      names = await fs.readdir(this.dir);
    } catch {
      return [];
    }
    return names
      .map((n) => /^chk-(\d+)$/.exec(n))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => ({ id: Number(m[1]), dir: path.join(this.dir, m[0]) }))
      .sort((a, b) => b.id - a.id);
  }

  /** Keeps the newest `retained` complete checkpoints. */
  private async prune(): Promise<void> {
    const dirs = await this.checkpointDirs();
    for (const d of dirs.slice(this.retained)) await fs.rm(d.dir, { recursive: true, force: true });
  }

  /** Reads one checkpoint or savepoint directory (either format), verifying its manifest. */
  async read(dir: string): Promise<JobSnapshot> {
    const manifest = JSON.parse(await fs.readFile(path.join(dir, '_manifest.json'), 'utf8')) as Manifest;
    if (manifest.formatVersion === 1) {
      const state = await fs.readFile(path.join(dir, LEGACY_STATE_FILE), 'utf8');
      if (createHash('sha256').update(state).digest('hex') !== manifest.sha256) throw new Error(`${dir}: state does not match its manifest checksum`);
      return JSON.parse(state) as JobSnapshot;
    }
    if (manifest.formatVersion !== 2) throw new Error(`${dir}: checkpoint format ${manifest.formatVersion} is not supported`);
    const file = manifest.stateFile ?? STATE_FILE;
    if (!/^[\w.-]+$/.test(file)) throw new Error(`${dir}: bad state file name in the manifest`);
    const bytes = await fs.readFile(path.join(dir, file));
    if (createHash('sha256').update(bytes).digest('hex') !== manifest.sha256) throw new Error(`${dir}: state does not match its manifest checksum`);
    return decodeSnapshot(bytes) as JobSnapshot;
  }
  /** Complete checkpoints and savepoints, newest first: what a job can be resumed from. */
  async restorePoints(): Promise<RestorePoint[]> {
    let names: string[];
    try {
      names = await fs.readdir(this.dir);
    } catch {
      return [];
    }
    const points: RestorePoint[] = [];
    for (const name of names) {
      const kind = name.startsWith('chk-') ? 'checkpoint' : name.startsWith('savepoint-') ? 'savepoint' : undefined;
      if (!kind) continue;
      try {
        const m = JSON.parse(await fs.readFile(path.join(this.dir, name, '_manifest.json'), 'utf8')) as { checkpointId: number; timestamp: number; sizeBytes: number };
        points.push({ kind, name, id: m.checkpointId, timestamp: m.timestamp, sizeBytes: m.sizeBytes });
      } catch {
        // No manifest: torn, never offered.
      }
    }
    return points.sort((a, b) => b.timestamp - a.timestamp);
  }

  /** Reads a checkpoint or savepoint by its folder name (never a path outside this storage). */
  async readByName(name: string): Promise<JobSnapshot> {
    if (!/^(chk-\d+|savepoint-\d+-\d+)$/.test(name)) throw new Error(`"${name}" is not a checkpoint or savepoint name`);
    return this.read(path.join(this.dir, name));
  }

  /** Job folders `job-<name>` in this folder (the cell's, when opened without a job name). */
  async jobNames(): Promise<string[]> {
    let names: string[];
    try {
      names = await fs.readdir(this.dir);
    } catch {
      return [];
    }
    return names.filter((n) => n.startsWith('job-')).map((n) => decodeURIComponent(n.slice(4))).sort();
  }

  /** The newest complete checkpoint, skipping torn or corrupt ones (with a warning). */
  async latest(): Promise<JobSnapshot | undefined> {
    for (const d of await this.checkpointDirs()) {
      try {
        return await this.read(d.dir);
      } catch (e) {
        this.warn(`skipping checkpoint ${d.dir}: ${(e as Error).message}`);
      }
    }
    return undefined;
  }
}
