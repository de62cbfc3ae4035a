import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseStatements } from './catalog.js';
import '../connectors/index.js';
import { StreamExecutionEnvironment } from '../api/StreamExecutionEnvironment.js';
import { runSqlScript } from './runSqlScript.js';
import { SqlError } from './SqlError.js';

/** Runs a script as a notebook cell would, collecting what reaches its LiveSink. */
async function run(script: string, catalog: string[] = []): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = [];
  StreamExecutionEnvironment.setContextHost({ services: { live: (_sink: string, v: unknown) => out.push(v as Record<string, unknown>) } });
  await runSqlScript(script, { catalog });
  return out;
}

afterEach(() => StreamExecutionEnvironment.setContextHost(undefined));

describe('runSqlScript', () => {
  // the first parse loads dt-sql-parser's grammar (seconds on a busy machine): not inside a test's time
  beforeAll(() => void parseStatements('SELECT a FROM t'), 120_000);
  it('reads a JSON file with a watermark and streams a windowed result into the LiveSink', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'sql-'));
    const file = path.join(dir, 'clicks.jsonl');
    const rows = [
      { user: 'mary', url: '/home', ts: '2024-01-01 10:00:01' },
      { user: 'bob', url: '/cart', ts: '2024-01-01 10:00:02' },
      { user: 'mary', url: '/prod?id=1', ts: '2024-01-01 10:00:40' },
      { user: 'liz', url: '/home', ts: '2024-01-01 10:01:10' },
      { user: 'bob', url: '/prod?id=7', ts: '2024-01-01 10:01:30' },
      { user: 'mary', url: '/home', ts: '2024-01-01 10:02:05' },
    ];
    await writeFile(file, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
    const ddl = `CREATE TABLE clicks (\`user\` STRING, url STRING, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '1' SECOND)
      WITH ('connector' = 'filesystem', 'path' = '${file}', 'format' = 'json')`;
    const out = await run(
      `SET 'parallelism.default' = '1';
       SELECT window_start, COUNT(*) AS cnt, COUNT(DISTINCT \`user\`) AS users
       FROM TABLE(TUMBLE(TABLE clicks, DESCRIPTOR(ts), INTERVAL '1' MINUTE))
       GROUP BY window_start, window_end`,
      [ddl],
    );
    expect(out).toEqual([
      { window_start: '2024-01-01 10:00:00.000', cnt: 3, users: 2, $rowKind: '+I' },
      { window_start: '2024-01-01 10:01:00.000', cnt: 2, users: 2, $rowKind: '+I' },
      { window_start: '2024-01-01 10:02:00.000', cnt: 1, users: 1, $rowKind: '+I' },
    ]);
  });

  it('runs INSERT INTO a blackhole from a bounded datagen table, and refuses updates into an append-only sink', async () => {
    const catalog = [
      "CREATE TABLE gen (id BIGINT, v INT) WITH ('connector' = 'datagen', 'number-of-rows' = '50', 'rows-per-second' = '100000', 'fields.id.kind' = 'sequence', 'fields.id.start' = '1', 'fields.id.end' = '50', 'fields.v.min' = '1', 'fields.v.max' = '9')",
      "CREATE TABLE sink (id BIGINT, v INT) WITH ('connector' = 'blackhole')",
      "CREATE TABLE files (k INT, n BIGINT) WITH ('connector' = 'filesystem', 'path' = '/tmp/never', 'format' = 'json')",
    ];
    await run('INSERT INTO sink SELECT id, v FROM gen WHERE v > 3', catalog);
    await expect(run('INSERT INTO files SELECT v, COUNT(*) FROM gen GROUP BY v', catalog)).rejects.toThrow(/doesn't support consuming update changes/);
    const out = await run('SELECT v, COUNT(*) AS n FROM gen GROUP BY v', catalog);
    // the materialized result (retractions applied) counts all 50 rows
    const m = new Map<number, number>();
    for (const r of out) {
      if (r.$rowKind === '-U' || r.$rowKind === '-D') m.delete(r.v as number);
      else m.set(r.v as number, r.n as number);
    }
    expect([...m.values()].reduce((a, b) => a + b, 0)).toBe(50);
    expect([...m.keys()].every((v) => v >= 1 && v <= 9)).toBe(true);
  });

  it('INSERT INTO a filesystem table writes JSON lines', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'sql-sink-'));
    await run(`CREATE TABLE gen (id BIGINT) WITH ('connector' = 'datagen', 'number-of-rows' = '5', 'fields.id.kind' = 'sequence', 'fields.id.start' = '1', 'fields.id.end' = '5');
      CREATE TABLE doubled (id BIGINT, d BIGINT) WITH ('connector' = 'filesystem', 'path' = '${dir}', 'format' = 'json');
      INSERT INTO doubled SELECT id, id * 2 FROM gen`);
    const files = (await readdir(dir)).filter((f) => !f.startsWith('.'));
    const lines = (await Promise.all(files.map((f) => readFile(path.join(dir, f), 'utf8')))).join('').trim().split('\n');
    expect(lines.map((l) => JSON.parse(l))).toEqual([1, 2, 3, 4, 5].map((id) => ({ id, d: id * 2 })));
  });

  it('names the line and column of a syntax error', async () => {
    const err = await run('SET \'parallelism.default\' = \'1\';\nSELECT a FRM t').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SqlError);
    expect((err as SqlError).line).toBe(2);
  });

  it('sends SHOW JOBS / STOP JOB to the server that answers them, naming their line', async () => {
    expect(await run("SET 'pipeline.name' = 'x';\nSTOP JOB 'abc' WITH SAVEPOINT").catch((e: unknown) => e)).toMatchObject({
      line: 2,
      message: expect.stringContaining('STOP JOB runs in a SQL cell of its own on the Flowbook server'),
    });
    expect(() => parseStatements('show jobs')).toThrow('SHOW JOBS runs in a SQL cell of its own');
  });

  it('names the position of a SET with a bad value', async () => {
    const err = await run("SET 'pipeline.name' = 'x';\n  SET 'parallelism.default' = 'many'").catch((e: unknown) => e);
    expect(err).toMatchObject({ line: 2, column: 3, message: expect.stringContaining("SET 'parallelism.default': expected a positive integer") });
  });
});
