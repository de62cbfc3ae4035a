import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { JobSnapshot } from '../runtime/Job.js';
import { stringifyInSlices } from './chunkedJson.js';

/** A complete checkpoint or savepoint a job can resume from. */
export interface RestorePoint {
  kind: 'checkpoint' | 'savepoint';
  /** Folder name inside the job's storage, e.g. chk-12 or savepoint-40-1732... */
  name: string;
  id: number;
  timestamp: number;
  sizeBytes: number;
}

/** Where checkpoints and savepoints of one job (a notebook cell) are kept: a local folder or a PostgreSQL table. */
export interface CheckpointStorage {
  write(snapshot: JobSnapshot, kind?: 'chk' | 'savepoint'): Promise<CompletedCheckpoint>;
  /** The newest complete checkpoint, skipping corrupt ones with a warning. */
  latest(): Promise<JobSnapshot | undefined>;
  restorePoints(): Promise<RestorePoint[]>;
  readByName(name: string): Promise<JobSnapshot>;
}

export interface CompletedCheckpoint {
  id: number;
  path: string;
  timestamp: number;
  sizeBytes: number;
}

/**
 * Checkpoints in a local directory: `chk-<n>/state.json` written to a temp name, fsynced and renamed, then
 * `_manifest.json` (with the state's SHA-256) written last, so a torn checkpoint — no manifest, or a checksum that
 * does not match — is never used: it is skipped with a warning and the previous complete one is taken.
 */
export class FsCheckpointStorage implements CheckpointStorage {
  constructor(
    readonly dir: string,
    private readonly retained = 3,
    private readonly warn: (msg: string) => void = (m) => console.warn(m),
  ) {}

  private async writeDurable(file: string, data: string): Promise<void> {
    const tmp = `${file}.tmp`;
    const h = await fs.open(tmp, 'w');
    try {
      await h.writeFile(data);
      await h.sync();
    } finally {
      await h.close();
    }
    await fs.rename(tmp, file);
  }

  /**
   * Writes a snapshot (a private deep copy of the job's state, so it may be serialized while the job goes on): JSON
   * in time slices between the job's event-loop turns, written and hashed as it comes, fsynced, renamed.
   */
  async write(snapshot: JobSnapshot, kind: 'chk' | 'savepoint' = 'chk'): Promise<CompletedCheckpoint> {
    const name = kind === 'chk' ? `chk-${snapshot.checkpointId}` : `savepoint-${snapshot.checkpointId}-${Date.now()}`;
    const dir = path.join(this.dir, name);
    await fs.mkdir(dir, { recursive: true });
    const { sha256, size } = await this.writeSnapshotFile(path.join(dir, 'state.json'), snapshot);
    await this.writeDurable(path.join(dir, '_manifest.json'), JSON.stringify({ formatVersion: 1, checkpointId: snapshot.checkpointId, timestamp: snapshot.timestamp, sha256, sizeBytes: size }));
    if (kind === 'chk') await this.prune();
    return { id: snapshot.checkpointId, path: dir, timestamp: snapshot.timestamp, sizeBytes: size };
  }

  private async writeSnapshotFile(file: string, snapshot: JobSnapshot): Promise<{ sha256: string; size: number }> {
    const tmp = `${file}.tmp`;
    const hash = createHash('sha256');
    const h = await fs.open(tmp, 'w');
    let size = 0;
    try {
      let batch: string[] = [];
      let batchLength = 0;
      const pending: string[] = [];
      // Parts are joined (and hashed) in 1 MB pieces: hashing millions of tiny parts, or one 100 MB join, would cost more.
      const flush = () => {
        const piece = batch.join('');
        hash.update(piece);
        pending.push(piece);
        batch = [];
        batchLength = 0;
      };
      await stringifyInSlices(snapshot, (part) => {
        size += part.length;
        batch.push(part);
        batchLength += part.length;
        if (batchLength >= 1 << 20) flush();
      });
      flush();
      for (const piece of pending) await h.write(piece);
      await h.sync();
    } finally {
      await h.close();
    }
    await fs.rename(tmp, file);
    return { sha256: hash.digest('hex'), size };
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

  /** Reads one checkpoint or savepoint directory, verifying its manifest. */
  async read(dir: string): Promise<JobSnapshot> {
    const manifest = JSON.parse(await fs.readFile(path.join(dir, '_manifest.json'), 'utf8')) as { sha256: string; formatVersion: number };
    if (manifest.formatVersion !== 1) throw new Error(`${dir}: checkpoint format ${manifest.formatVersion} is not supported`);
    const state = await fs.readFile(path.join(dir, 'state.json'), 'utf8');
    if (createHash('sha256').update(state).digest('hex') !== manifest.sha256) throw new Error(`${dir}: state does not match its manifest checksum`);
    return JSON.parse(state) as JobSnapshot;
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
