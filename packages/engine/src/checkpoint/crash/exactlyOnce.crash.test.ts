import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { mulberry32 } from '../../connectors/generator/random.js';
import { StreamExecutionEnvironment } from '../../index.js';
import { crashPipeline, type WindowTotal } from './pipeline.js';

const URL = process.env.PGURL ?? 'postgresql://postgres@127.0.0.1:5432/test';
const CHILD = path.join(path.dirname(fileURLToPath(import.meta.url)), 'crashJob.ts');
const COUNT = 60_000;
const RATE = 8000;
const KILLS = 10;
const table = `fb_crash_${Date.now().toString(36)}_${process.pid}`;
const children = new Set<ChildProcess>();

afterAll(async () => {
  for (const c of children) c.kill('SIGKILL');
  const db = new pg.Client({ connectionString: URL });
  await db.connect();
  await db.query(`DROP TABLE IF EXISTS "${table}"`);
  await db.end();
});

/** Starts the job in a child process; resolves once it has started its job (and says whether it restored). */
function startChild(dir: string): Promise<{ child: ChildProcess; started: string; exited: Promise<number | null> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=development', CHILD, dir, table, URL, String(COUNT), String(RATE)], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) =>
    child.on('exit', (code) => {
      children.delete(child);
      resolve(code);
    }),
  );
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /started ([^\n]+)\n/.exec(out);
      if (m) resolve({ child, started: m[1]!, exited });
    });
    void exited.then((code) => reject(new Error(`crash job exited with ${code} before starting: ${stderr}`)));
  });
}

describe('exactly-once through SIGKILL', () => {
  it(`a job killed ${KILLS} times at random moments writes each window result to PostgreSQL exactly once`, async () => {
    const seed = Number(process.env.FLOWBOOK_CRASH_SEED ?? Math.floor(Math.random() * 2 ** 31));
    console.log(`crash test seed: ${seed} (FLOWBOOK_CRASH_SEED=${seed} repeats these kill times)`);
    const rand = mulberry32(seed);

    // What a run without failures produces.
    const expected: WindowTotal[] = [];
    const env = new StreamExecutionEnvironment();
    crashPipeline(env, { count: COUNT, ratePerSecond: 0 }, { connector: 'collect', config: { name: 'expected' } });
    const client = env.executeAsync('expected', { collect: (_s: string, v: unknown) => expected.push(v as WindowTotal) });
    await client.getJobExecutionResult();
    expect(expected.length).toBeGreaterThan(50);

    const dir = mkdtempSync(path.join(tmpdir(), 'flowbook-crash-'));
    const starts: string[] = [];
    for (let kill = 0; kill < KILLS; kill++) {
      const { child, started, exited } = await startChild(dir);
      starts.push(started);
      const delay = 150 + Math.floor(rand() * 600);
      const finished = await Promise.race([exited.then(() => true), new Promise<false>((r) => setTimeout(() => r(false), delay))]);
      expect(finished, `the job ended before kill ${kill + 1}; make it longer`).toBe(false);
      child.kill('SIGKILL');
      await exited;
      console.log(`kill ${kill + 1}: ${started}, killed after ${delay} ms`);
    }
    const last = await startChild(dir);
    starts.push(last.started);
    expect(await last.exited).toBe(0);

    // Progress survived the kills: later runs resumed from checkpoints.
    expect(starts.filter((s) => s.startsWith('from checkpoint')).length).toBeGreaterThanOrEqual(KILLS - 2);
    const db = new pg.Client({ connectionString: URL });
    await db.connect();
    const { rows } = await db.query<WindowTotal>(`SELECT window_end::float8 AS window_end, channel::int AS channel, bids::int AS bids, total::float8 AS total FROM "${table}"`);
    await db.end();
    const key = (r: WindowTotal) => `${r.window_end}/${r.channel}`;
    const sort = (a: WindowTotal[]) => [...a].sort((x, y) => x.window_end - y.window_end || x.channel - y.channel);
    // No window written twice, none missing, every value equal to the failure-free run.
    expect(new Set(rows.map(key)).size).toBe(rows.length);
    expect(sort(rows)).toEqual(sort(expected));
  }, 120_000);
});
