import { createHash } from 'node:crypto';
import type { Pool } from 'pg';
import type { JobSnapshot } from '../runtime/Job.js';
import type { CheckpointStorage, CompletedCheckpoint, RestorePoint } from './CheckpointStorage.js';
import { stringifyInSlices } from './chunkedJson.js';

const TABLE = 'flowbook_checkpoints';

/**
 * Checkpoints in PostgreSQL, shared by every machine that can reach the database (Flink's shared checkpoint storage).
 * Each checkpoint is one row written in one transaction, so a torn checkpoint cannot exist; the state's SHA-256 is
 * stored with it and checked on read, so a corrupted one is skipped with a warning and the previous one is used.
 */
export class PgCheckpointStorage implements CheckpointStorage {
  private pool: Pool | undefined;
  private ready: Promise<Pool> | undefined;

  constructor(
    private readonly url: string,
    /** Which job's checkpoints: e.g. `<notebook>/<cell>`. */
    readonly jobKey: string,
    private readonly retained = 3,
    private readonly warn: (msg: string) => void = (m) => console.warn(m),
  ) {}

  private db(): Promise<Pool> {
    return (this.ready ??= (async () => {
      const { default: pg } = await import('pg');
      this.pool = new pg.Pool({ connectionString: this.url, max: 2 });
      await this.pool.query(
        `CREATE TABLE IF NOT EXISTS ${TABLE} (job_key text NOT NULL, name text NOT NULL, kind text NOT NULL, checkpoint_id bigint NOT NULL,
          ts bigint NOT NULL, size_bytes integer NOT NULL, sha256 text NOT NULL, state text NOT NULL, PRIMARY KEY (job_key, name))`,
      );
      return this.pool;
    })());
  }

  async write(snapshot: JobSnapshot, kind: 'chk' | 'savepoint' = 'chk'): Promise<CompletedCheckpoint> {
    // Serialized in time slices (the snapshot is a private copy): the job keeps running meanwhile.
    const parts: string[] = [];
    await stringifyInSlices(snapshot, (p) => void parts.push(p));
    const state = parts.join('');
    const name = kind === 'chk' ? `chk-${snapshot.checkpointId}` : `savepoint-${snapshot.checkpointId}-${Date.now()}`;
    const sha256 = createHash('sha256').update(state).digest('hex');
    const db = await this.db();
    await db.query(
      `INSERT INTO ${TABLE} (job_key, name, kind, checkpoint_id, ts, size_bytes, sha256, state) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (job_key, name) DO UPDATE SET checkpoint_id = EXCLUDED.checkpoint_id, ts = EXCLUDED.ts, size_bytes = EXCLUDED.size_bytes, sha256 = EXCLUDED.sha256, state = EXCLUDED.state`,
      [this.jobKey, name, kind === 'chk' ? 'checkpoint' : 'savepoint', snapshot.checkpointId, snapshot.timestamp, state.length, sha256, state],
    );
    if (kind === 'chk') {
      // Keep the newest `retained` checkpoints of this job; savepoints stay until deleted by the user.
      await db.query(
        `DELETE FROM ${TABLE} WHERE job_key = $1 AND kind = 'checkpoint' AND name NOT IN
          (SELECT name FROM ${TABLE} WHERE job_key = $1 AND kind = 'checkpoint' ORDER BY checkpoint_id DESC LIMIT $2)`,
        [this.jobKey, this.retained],
      );
    }
    return { id: snapshot.checkpointId, path: `postgres:${this.jobKey}/${name}`, timestamp: snapshot.timestamp, sizeBytes: state.length };
  }

  private parse(row: { name: string; sha256: string; state: string }): JobSnapshot {
    if (createHash('sha256').update(row.state).digest('hex') !== row.sha256) throw new Error(`${this.jobKey}/${row.name}: state does not match its checksum`);
    const snapshot = JSON.parse(row.state) as JobSnapshot;
    if (snapshot.formatVersion !== 1) throw new Error(`${this.jobKey}/${row.name}: checkpoint format ${snapshot.formatVersion} is not supported`);
    return snapshot;
  }

  async latest(): Promise<JobSnapshot | undefined> {
    const db = await this.db();
    const { rows } = await db.query<{ name: string; sha256: string; state: string }>(
      `SELECT name, sha256, state FROM ${TABLE} WHERE job_key = $1 AND kind = 'checkpoint' ORDER BY checkpoint_id DESC`,
      [this.jobKey],
    );
    for (const row of rows) {
      try {
        return this.parse(row);
      } catch (e) {
        this.warn(`skipping checkpoint ${this.jobKey}/${row.name}: ${(e as Error).message}`);
      }
    }
    return undefined;
  }

  async restorePoints(): Promise<RestorePoint[]> {
    const db = await this.db();
    const { rows } = await db.query<{ kind: 'checkpoint' | 'savepoint'; name: string; checkpoint_id: string; ts: string; size_bytes: number }>(
      `SELECT kind, name, checkpoint_id, ts, size_bytes FROM ${TABLE} WHERE job_key = $1 ORDER BY ts DESC`,
      [this.jobKey],
    );
    return rows.map((r) => ({ kind: r.kind, name: r.name, id: Number(r.checkpoint_id), timestamp: Number(r.ts), sizeBytes: r.size_bytes }));
  }

  async readByName(name: string): Promise<JobSnapshot> {
    const db = await this.db();
    const { rows } = await db.query<{ name: string; sha256: string; state: string }>(`SELECT name, sha256, state FROM ${TABLE} WHERE job_key = $1 AND name = $2`, [this.jobKey, name]);
    if (rows.length === 0) throw new Error(`no checkpoint or savepoint "${name}" for ${this.jobKey}`);
    return this.parse(rows[0]!);
  }

  async close(): Promise<void> {
    await this.ready?.catch(() => undefined);
    await this.pool?.end();
  }
}
