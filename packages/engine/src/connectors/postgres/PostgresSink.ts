import type { Pool, PoolClient } from 'pg';
import { z } from 'zod';
import type { ConnectorDefinition, ConnectorSpec } from '../registry.js';
import type { SinkContext } from '../SourceFunction.js';
import { TwoPhaseCommitSink } from '../TwoPhaseCommitSink.js';

const Identifier = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?$/, 'a table or column name (letters, digits, _; optionally schema.table)');

export const PostgresSinkConfig = z.object({
  /** postgresql://user@host:port/db. Leave out the password: give it in the environment (PGPASSWORD) or in `urlEnv`. */
  url: z.string().optional(),
  /** Name of an environment variable holding the URL (keeps secrets out of notebook files). */
  urlEnv: z.string().optional(),
  table: Identifier,
  /** Columns to write, from the record's fields of the same name; default: the first record's fields. */
  columns: z.array(Identifier).optional(),
  /** 'insert' appends rows; 'upsert' updates the row with the same key (keyed results, e.g. a running aggregate). */
  mode: z.enum(['insert', 'upsert']).default('insert'),
  keyColumns: z.array(Identifier).optional(),
  /** Create the table if it is missing, with column types inferred from the first record. */
  createTable: z.boolean().default(true),
  /** Without checkpointing: commit every this many records or this often. */
  batchSize: z.number().int().positive().default(1000),
  flushIntervalMs: z.number().int().positive().default(1000),
});
export type PostgresSinkConfig = z.input<typeof PostgresSinkConfig>;

type Row = Record<string, unknown>;
interface Txn {
  rows: Row[];
}

const COMMITS_TABLE = 'flowbook_sink_commits';
const quote = (id: string) => id.split('.').map((p) => `"${p}"`).join('.');

/** A column's type from the values of the first batch: bigint only if every number in it is an integer. */
function sqlType(values: unknown[]): string {
  const present = values.filter((v) => v !== null && v !== undefined);
  if (present.length === 0) return 'text';
  if (present.every((v) => typeof v === 'number')) return present.every((v) => Number.isInteger(v)) ? 'bigint' : 'double precision';
  if (present.every((v) => typeof v === 'boolean')) return 'boolean';
  if (present.every((v) => typeof v === 'string')) return 'text';
  return 'jsonb';
}

function sqlValue(v: unknown): unknown {
  if (v === undefined) return null;
  if (v !== null && typeof v === 'object' && !(v instanceof Date)) return JSON.stringify(v);
  return v;
}

/**
 * Writes records to a PostgreSQL table, exactly-once with checkpointing: each checkpoint's records are one
 * transaction, committed when the checkpoint completes, together with a row in `flowbook_sink_commits` that records
 * the highest checkpoint committed for the transaction's lineage (the writer that began it). A commit repeated after a
 * restore, by the same or by several new writers (scale-out workers that each took some of its partitions), finds
 * its checkpoint already recorded and does nothing, so no row is written twice and none is lost.
 */
export class PostgresSinkFunction extends TwoPhaseCommitSink<Row, Txn> {
  private readonly c: z.output<typeof PostgresSinkConfig>;
  private pool: Pool | undefined;
  private columns: string[] | undefined;
  private ready: Promise<void> | undefined;
  /** Records may arrive before the pool exists (open is async); commits wait for it. */
  private opening: Promise<void> | undefined;

  constructor(config: PostgresSinkConfig) {
    super();
    this.c = PostgresSinkConfig.parse(config);
    if (this.c.mode === 'upsert' && !this.c.keyColumns?.length) throw new Error(`postgres sink ${this.c.table}: mode 'upsert' needs keyColumns`);
    this.flushEvery = { records: this.c.batchSize, intervalMs: this.c.flushIntervalMs };
  }

  override open(ctx: SinkContext): Promise<void> {
    super.open(ctx);
    const url = this.c.urlEnv ? process.env[this.c.urlEnv] : this.c.url;
    if (this.c.urlEnv && !url) throw new Error(`postgres sink ${this.c.table}: environment variable ${this.c.urlEnv} is not set`);
    // pg is loaded only by jobs that write to PostgreSQL.
    return (this.opening = import('pg').then(({ default: pg }) => {
      this.pool = new pg.Pool({ ...(url ? { connectionString: url } : {}), max: 2 });
      this.pool.on('error', (e) => ctx.failJob(e));
    }));
  }

  protected beginTransaction(): Txn {
    return { rows: [] };
  }
  protected invokeInTransaction(txn: Txn, value: Row): void {
    txn.rows.push(value !== null && typeof value === 'object' ? value : { value });
  }
  protected transactionSize(txn: Txn): number {
    return txn.rows.length;
  }

  /** Creates the commits table once, and the target table (when asked) once the first rows show its shape. */
  private async prepare(client: PoolClient, sample: Row[]): Promise<void> {
    this.ready ??= createIfNotExists(client, `CREATE TABLE IF NOT EXISTS ${COMMITS_TABLE} (sink_id text PRIMARY KEY, checkpoint_id bigint NOT NULL, committed_at timestamptz NOT NULL DEFAULT now())`)
      .catch((e: unknown) => {
        this.ready = undefined;
        throw e;
      });
    await this.ready;
    if (this.columns !== undefined || (sample.length === 0 && !this.c.columns)) return;
    const columns = this.c.columns ?? Object.keys(sample[0]!);
    if (this.c.createTable) {
      const cols = columns.map((k) => `${quote(k)} ${sqlType(sample.map((r) => r[k]))}`);
      const pk = this.c.mode === 'upsert' ? `, PRIMARY KEY (${this.c.keyColumns!.map(quote).join(', ')})` : '';
      await createIfNotExists(client, `CREATE TABLE IF NOT EXISTS ${quote(this.c.table)} (${cols.join(', ')}${pk})`);
    }
    this.columns = columns;
  }

  protected async commit(txn: Txn, checkpointId: number, lineage: string): Promise<void> {
    await this.opening;
    if (!this.pool) throw new Error('postgres sink is not open');
    const client = await this.pool.connect();
    try {
      await this.prepare(client, txn.rows);
      await client.query('BEGIN');
      // The lineage's row is locked, so two commits of the same lineage (a zombie and its restart) serialize.
      await client.query(`INSERT INTO ${COMMITS_TABLE} (sink_id, checkpoint_id) VALUES ($1, 0) ON CONFLICT (sink_id) DO NOTHING`, [lineage]);
      const done = await client.query<{ checkpoint_id: string }>(`SELECT checkpoint_id FROM ${COMMITS_TABLE} WHERE sink_id = $1 FOR UPDATE`, [lineage]);
      if (Number(done.rows[0]!.checkpoint_id) >= checkpointId) {
        await client.query('ROLLBACK');
        return;
      }
      if (txn.rows.length > 0) await this.writeRows(client, txn.rows);
      await client.query(`UPDATE ${COMMITS_TABLE} SET checkpoint_id = $2, committed_at = now() WHERE sink_id = $1`, [lineage, checkpointId]);
      await client.query('COMMIT');
    } catch (e) {
      await client.query('ROLLBACK').catch(() => {});
      throw new Error(`postgres sink ${this.c.table}: ${(e as Error).message}`);
    } finally {
      client.release();
    }
  }

  private async writeRows(client: PoolClient, rows: Row[]): Promise<void> {
    const cols = this.columns!;
    let batch = rows;
    if (this.c.mode === 'upsert') {
      // One statement cannot update the same key twice: keep each key's last row.
      const byKey = new Map<string, Row>();
      for (const r of rows) byKey.set(JSON.stringify(this.c.keyColumns!.map((k) => r[k])), r);
      batch = [...byKey.values()];
    }
    const conflict =
      this.c.mode === 'upsert'
        ? ` ON CONFLICT (${this.c.keyColumns!.map(quote).join(', ')}) DO UPDATE SET ${cols
            .filter((c) => !this.c.keyColumns!.includes(c))
            .map((c) => `${quote(c)} = EXCLUDED.${quote(c)}`)
            .join(', ')}`
        : '';
    // PostgreSQL allows 65,535 parameters per statement.
    const perStatement = Math.max(1, Math.floor(60_000 / cols.length));
    for (let i = 0; i < batch.length; i += perStatement) {
      const chunk = batch.slice(i, i + perStatement);
      const params: unknown[] = [];
      const values = chunk.map((r) => `(${cols.map((c) => (params.push(sqlValue(r[c])), `$${params.length}`)).join(', ')})`);
      await client.query(`INSERT INTO ${quote(this.c.table)} (${cols.map(quote).join(', ')}) VALUES ${values.join(', ')}${conflict}`, params);
    }
  }

  override async close(): Promise<void> {
    await this.opening;
    await super.close();
    await this.pool?.end();
    this.pool = undefined;
  }
}

export const postgresConnector: ConnectorDefinition<PostgresSinkConfig> = {
  name: 'postgres',
  fieldRefs: ['columns', 'keyColumns'],
  description: 'Rows into a PostgreSQL table (exactly-once with checkpointing; insert or upsert)',
  configSchema: PostgresSinkConfig as z.ZodType<PostgresSinkConfig>,
  createSink: (c) => new PostgresSinkFunction(c),
  parallelSink: true,
};

/** `stream.sinkTo(new PostgresSink({ url, table: 'profit', mode: 'upsert', keyColumns: ['month'] }))` */
export class PostgresSink implements ConnectorSpec<PostgresSinkConfig> {
  readonly connector = 'postgres';
  constructor(readonly config: PostgresSinkConfig) {}
}

/**
 * CREATE TABLE IF NOT EXISTS, run by parallel writers at once: PostgreSQL checks for the table before it inserts into
 * its catalog, so the one that loses the race fails on the catalog's unique index (23505) or on the table (42P07),
 * although the table it asked for now exists.
 */
async function createIfNotExists(client: PoolClient, sql: string): Promise<void> {
  try {
    await client.query(sql);
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code !== '23505' && code !== '42P07') throw e;
  }
}
