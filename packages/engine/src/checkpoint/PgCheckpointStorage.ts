import { createHash } from 'node:crypto';
import type { Pool } from 'pg';
import type { JobSnapshot } from '../runtime/Job.js';
import type { CheckpointStorage, CompletedCheckpoint, RestorePoint } from './CheckpointStorage.js';
import { decodeSnapshot, encodeSnapshot } from './snapshotContainer.js';

const TABLE = 'flowbook_checkpoints';

interface StateRow {
  name: string;
  sha256: string;
  /** Format 1: the snapshot as JSON text. */
  state: string | null;
  /** Format 2: the snapshot in the binary container. */
  state_bin: Buffer | null;
}

/**
 * Checkpoints in PostgreSQL, shared by every machine that can reach the database (Flink's shared checkpoint storage).
 * Each checkpoint is one row written in one transaction, so a torn checkpoint cannot exist; the state's SHA-256 is
 * stored with it and checked on read, so a corrupted one is skipped with a warning and the previous one is used.
 * The state is the binary checkpoint container in `state_bin`; rows written before it (JSON in the text column
 * `state`) are still read.
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
          ts bigint NOT NULL, size_bytes integer NOT NULL, sha256 text NOT NULL, state text, state_bin bytea, PRIMARY KEY (job_key, name))`,
      );
      await migrate(this.pool);
      return this.pool;
    })());
  }

  async write(snapshot: JobSnapshot, kind: 'chk' | 'savepoint' = 'chk'): Promise<CompletedCheckpoint> {
    // Encoded with the header in time slices (the snapshot is a private copy): the job keeps running meanwhile.
    const { pieces, size } = await encodeSnapshot(snapshot);
    const state = Buffer.concat(pieces, size);
    const name = kind === 'chk' ? `chk-${snapshot.checkpointId}` : `savepoint-${snapshot.checkpointId}-${Date.now()}`;
    const sha256 = createHash('sha256').update(state).digest('hex');
    const db = await this.db();
    await db.query(
      `INSERT INTO ${TABLE} (job_key, name, kind, checkpoint_id, ts, size_bytes, sha256, state, state_bin) VALUES ($1, $2, $3, $4, $5, $6, $7, NULL, $8)
       ON CONFLICT (job_key, name) DO UPDATE SET checkpoint_id = EXCLUDED.checkpoint_id, ts = EXCLUDED.ts, size_bytes = EXCLUDED.size_bytes, sha256 = EXCLUDED.sha256, state = NULL, state_bin = EXCLUDED.state_bin`,
      [this.jobKey, name, kind === 'chk' ? 'checkpoint' : 'savepoint', snapshot.checkpointId, snapshot.timestamp, size, sha256, state],
    );
    if (kind === 'chk') {
      // Keep the newest `retained` checkpoints of this job; savepoints stay until deleted by the user.
      await db.query(
        `DELETE FROM ${TABLE} WHERE job_key = $1 AND kind = 'checkpoint' AND name NOT IN
          (SELECT name FROM ${TABLE} WHERE job_key = $1 AND kind = 'checkpoint' ORDER BY checkpoint_id DESC LIMIT $2)`,
        [this.jobKey, this.retained],
      );
    }
    return { id: snapshot.checkpointId, path: `postgres:${this.jobKey}/${name}`, timestamp: snapshot.timestamp, sizeBytes: size };
  }

  private parse(row: StateRow): JobSnapshot {
    const fail = (what: string) => new Error(`${this.jobKey}/${row.name}: ${what}`);
    if (row.state_bin !== null) {
      if (createHash('sha256').update(row.state_bin).digest('hex') !== row.sha256) throw fail('state does not match its checksum');
      return decodeSnapshot(row.state_bin) as JobSnapshot;
    }
    if (row.state === null) throw fail('the row holds no state');
    if (createHash('sha256').update(row.state).digest('hex') !== row.sha256) throw fail('state does not match its checksum');
    const snapshot = JSON.parse(row.state) as JobSnapshot;
    if (snapshot.formatVersion !== 1) throw fail(`checkpoint format ${snapshot.formatVersion} is not supported`);
    return snapshot;
  }

  async latest(): Promise<JobSnapshot | undefined> {
    const db = await this.db();
    const { rows } = await db.query<StateRow>(
      `SELECT name, sha256, state, state_bin FROM ${TABLE} WHERE job_key = $1 AND kind = 'checkpoint' ORDER BY checkpoint_id DESC`,
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
    const { rows } = await db.query<StateRow>(`SELECT name, sha256, state, state_bin FROM ${TABLE} WHERE job_key = $1 AND name = $2`, [this.jobKey, name]);
    if (rows.length === 0) throw new Error(`no checkpoint or savepoint "${name}" for ${this.jobKey}`);
    return this.parse(rows[0]!);
  }

  async close(): Promise<void> {
    await this.ready?.catch(() => undefined);
    await this.pool?.end();
  }
}

/**
 * Brings a table created before the binary container up to date: a nullable bytea column `state_bin` for new rows,
 * and `state` (JSON text, kept for the old rows) made nullable. Checked first, so an up-to-date table is not locked.
 */
async function migrate(pool: Pool): Promise<void> {
  const { rows } = await pool.query<{ column_name: string; is_nullable: string }>(
    `SELECT column_name, is_nullable FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1`,
    [TABLE],
  );
  if (!rows.some((r) => r.column_name === 'state_bin')) await pool.query(`ALTER TABLE ${TABLE} ADD COLUMN IF NOT EXISTS state_bin bytea`);
  if (rows.some((r) => r.column_name === 'state' && r.is_nullable === 'NO')) await pool.query(`ALTER TABLE ${TABLE} ALTER COLUMN state DROP NOT NULL`);
}
