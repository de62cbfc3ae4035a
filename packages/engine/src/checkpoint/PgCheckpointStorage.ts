import { createHash } from 'node:crypto';
import type { Pool } from 'pg';
import type { JobSnapshot } from '../runtime/Job.js';
import { WHOLE_JOB, type CheckpointScope, type CheckpointStorage, type CompletedCheckpoint, type RestorePoint } from './CheckpointStorage.js';
import { decodeSnapshot, encodeSnapshot } from './snapshotContainer.js';

const TABLE = 'flowbook_checkpoints';

/** The key of a row: job_key, job_name, key_group_start, key_group_end, then the checkpoint's name. */
const KEY = 'job_key, job_name, key_group_start, key_group_end';
/** A row's scope as SQL: $1..$4 are the scope. Rows written before job names were stored have job_name ''. */
const OWN = 'job_key = $1 AND job_name = $2 AND key_group_start = $3 AND key_group_end = $4';

interface StateRow {
  name: string;
  job_name: string;
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
 *
 * Rows are keyed by the cell's `jobKey`, the job's name, the key-group range the snapshot holds and the checkpoint's
 * name (`chk-<id>`), so two jobs on one key never overwrite each other's checkpoints nor see them in `latest()`.
 * Rows of a table from before job names (job_name '') are still offered to the jobs of their key, after their own.
 */
export class PgCheckpointStorage implements CheckpointStorage {
  private pool: Pool | undefined;
  private ready: Promise<Pool> | undefined;

  readonly jobName: string;
  private readonly scope: [string, string, number, number];

  constructor(
    private readonly url: string,
    /** Which cell's checkpoints: e.g. `<notebook>/<cell>`. */
    readonly jobKey: string,
    private readonly retained = 3,
    private readonly warn: (msg: string) => void = (m) => console.warn(m),
    scope: CheckpointScope = {},
  ) {
    this.jobName = scope.jobName ?? '';
    const kg = scope.keyGroups ?? WHOLE_JOB;
    this.scope = [jobKey, this.jobName, kg.start, kg.end];
  }

  /** `<jobKey>[/<jobName>][/kg-<start>-<end>]`: names this storage's rows in messages and paths. */
  private get label(): string {
    const [, name, start, end] = this.scope;
    const whole = start === WHOLE_JOB.start && end === WHOLE_JOB.end;
    return `${this.jobKey}${name ? `/${name}` : ''}${whole ? '' : `/kg-${start}-${end}`}`;
  }

  private db(): Promise<Pool> {
    return (this.ready ??= (async () => {
      const { default: pg } = await import('pg');
      this.pool = new pg.Pool({ connectionString: this.url, max: 2 });
      await this.pool.query(
        `CREATE TABLE IF NOT EXISTS ${TABLE} (job_key text NOT NULL, job_name text NOT NULL DEFAULT '', key_group_start integer NOT NULL DEFAULT ${WHOLE_JOB.start},
          key_group_end integer NOT NULL DEFAULT ${WHOLE_JOB.end}, name text NOT NULL, kind text NOT NULL, checkpoint_id bigint NOT NULL,
          ts bigint NOT NULL, size_bytes integer NOT NULL, sha256 text NOT NULL, state text, state_bin bytea, PRIMARY KEY (${KEY}, name))`,
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
      `INSERT INTO ${TABLE} (${KEY}, name, kind, checkpoint_id, ts, size_bytes, sha256, state, state_bin) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, NULL, $11)
       ON CONFLICT (${KEY}, name) DO UPDATE SET checkpoint_id = EXCLUDED.checkpoint_id, ts = EXCLUDED.ts, size_bytes = EXCLUDED.size_bytes, sha256 = EXCLUDED.sha256, state = NULL, state_bin = EXCLUDED.state_bin`,
      [...this.scope, name, kind === 'chk' ? 'checkpoint' : 'savepoint', snapshot.checkpointId, snapshot.timestamp, size, sha256, state],
    );
    if (kind === 'chk') {
      // Keep the newest `retained` checkpoints of this job; savepoints stay until deleted by the user.
      await db.query(
        `DELETE FROM ${TABLE} WHERE ${OWN} AND kind = 'checkpoint' AND name NOT IN
          (SELECT name FROM ${TABLE} WHERE ${OWN} AND kind = 'checkpoint' ORDER BY checkpoint_id DESC LIMIT $5)`,
        [...this.scope, this.retained],
      );
    }
    return { id: snapshot.checkpointId, path: `postgres:${this.label}/${name}`, timestamp: snapshot.timestamp, sizeBytes: size };
  }

  private parse(row: StateRow): JobSnapshot {
    const fail = (what: string) => new Error(`${this.label}/${row.name}: ${what}`);
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

  /** This scope's rows, then (for a named job) the key's rows from before job names, each newest first. */
  private ownThenLegacy(): string {
    return `((${OWN}) OR (job_key = $1 AND job_name = '' AND $2 <> '' AND key_group_start = $3 AND key_group_end = $4))`;
  }

  async latest(): Promise<JobSnapshot | undefined> {
    const db = await this.db();
    const { rows } = await db.query<StateRow>(
      `SELECT name, job_name, sha256, state, state_bin FROM ${TABLE} WHERE ${this.ownThenLegacy()} AND kind = 'checkpoint'
        ORDER BY (job_name = $2) DESC, checkpoint_id DESC`,
      this.scope,
    );
    for (const row of rows) {
      try {
        return this.parse(row);
      } catch (e) {
        this.warn(`skipping checkpoint ${this.label}/${row.name}: ${(e as Error).message}`);
      }
    }
    return undefined;
  }

  async restorePoints(): Promise<RestorePoint[]> {
    const db = await this.db();
    const { rows } = await db.query<{ kind: 'checkpoint' | 'savepoint'; name: string; checkpoint_id: string; ts: string; size_bytes: number }>(
      `SELECT DISTINCT ON (name) kind, name, checkpoint_id, ts, size_bytes FROM ${TABLE} WHERE ${this.ownThenLegacy()} ORDER BY name, (job_name = $2) DESC`,
      this.scope,
    );
    return rows
      .map((r) => ({ kind: r.kind, name: r.name, id: Number(r.checkpoint_id), timestamp: Number(r.ts), sizeBytes: r.size_bytes }))
      .sort((a, b) => b.timestamp - a.timestamp);
  }

  async readByName(name: string): Promise<JobSnapshot> {
    const db = await this.db();
    const { rows } = await db.query<StateRow>(
      `SELECT name, job_name, sha256, state, state_bin FROM ${TABLE} WHERE ${this.ownThenLegacy()} AND name = $5 ORDER BY (job_name = $2) DESC LIMIT 1`,
      [...this.scope, name],
    );
    if (rows.length === 0) throw new Error(`no checkpoint or savepoint "${name}" for ${this.label}`);
    return this.parse(rows[0]!);
  }

  async jobNames(): Promise<string[]> {
    const db = await this.db();
    const { rows } = await db.query<{ job_name: string }>(`SELECT DISTINCT job_name FROM ${TABLE} WHERE job_key = $1 AND job_name <> '' ORDER BY job_name`, [this.jobKey]);
    return rows.map((r) => r.job_name);
  }

  async close(): Promise<void> {
    await this.ready?.catch(() => undefined);
    await this.pool?.end();
  }
}

/**
 * Brings a table of an earlier version up to date: a nullable bytea column `state_bin` for new rows, `state` (JSON
 * text, kept for the old rows) made nullable, and the job name and key-group range in the key (old rows: job_name '',
 * the whole job). Checked first, so an up-to-date table is not locked; the key change runs in one transaction under
 * the table's lock, checked again there, so that two processes starting at once migrate it once.
 */
async function migrate(pool: Pool): Promise<void> {
  const columns = async (q: Pick<Pool, 'query'>) =>
    (
      await q.query<{ column_name: string; is_nullable: string }>(
        `SELECT column_name, is_nullable FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1`,
        [TABLE],
      )
    ).rows;
  const rows = await columns(pool);
  if (!rows.some((r) => r.column_name === 'state_bin')) await pool.query(`ALTER TABLE ${TABLE} ADD COLUMN IF NOT EXISTS state_bin bytea`);
  if (rows.some((r) => r.column_name === 'state' && r.is_nullable === 'NO')) await pool.query(`ALTER TABLE ${TABLE} ALTER COLUMN state DROP NOT NULL`);
  if (rows.some((r) => r.column_name === 'key_group_end')) return;
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query(`LOCK TABLE ${TABLE} IN ACCESS EXCLUSIVE MODE`);
    if (!(await columns(client)).some((r) => r.column_name === 'key_group_end')) {
      const { rows: pk } = await client.query<{ conname: string }>(
        `SELECT conname FROM pg_constraint WHERE conrelid = $1::regclass AND contype = 'p'`,
        [TABLE],
      );
      await client.query(
        `ALTER TABLE ${TABLE} ADD COLUMN IF NOT EXISTS job_name text NOT NULL DEFAULT '',
          ADD COLUMN IF NOT EXISTS key_group_start integer NOT NULL DEFAULT ${WHOLE_JOB.start},
          ADD COLUMN IF NOT EXISTS key_group_end integer NOT NULL DEFAULT ${WHOLE_JOB.end}`,
      );
      if (pk[0]) await client.query(`ALTER TABLE ${TABLE} DROP CONSTRAINT "${pk[0].conname}"`);
      await client.query(`ALTER TABLE ${TABLE} ADD PRIMARY KEY (${KEY}, name)`);
    }
    await client.query('COMMIT');
  } catch (e) {
    await client.query('ROLLBACK').catch(() => {});
    throw e;
  } finally {
    client.release();
  }
}
