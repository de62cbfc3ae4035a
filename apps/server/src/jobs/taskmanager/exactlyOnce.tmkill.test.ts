import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { StreamExecutionEnvironment } from '@flowbook/engine';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crashPipeline, type WindowTotal } from '../../../../../packages/engine/src/checkpoint/crash/pipeline.js';
import { startTestServer, waitFor } from '../../testing.js';

// The engine's SIGKILL proof (packages/engine/src/checkpoint/crash/), with the TaskManager process killed under a
// running server instead: the JobManager restarts the job from its last checkpoint on a new TaskManager.
const URL = process.env.PGURL ?? 'postgresql://postgres@127.0.0.1:5432/test';
const COUNT = 40_000;
const RATE = 8000;
const table = `fb_tmkill_${Date.now().toString(36)}_${process.pid}`;
const outDir = mkdtempSync(path.join(tmpdir(), 'flowbook-tmkill-'));

// crashPipeline as a cell, at parallelism 2, writing to the exactly-once PostgreSQL sink and the file sink.
const CELL = `import { StreamExecutionEnvironment, Nexmark, WatermarkStrategy, TumblingEventTimeWindows, PostgresSink, FileSink, RestartStrategies } from '@flowbook/engine';
const env = StreamExecutionEnvironment.getExecutionEnvironment().enableCheckpointing(200);
env.setParallelism(2);
env.setRestartStrategy(RestartStrategies.fixedDelayRestart(5, 100));
const totals = env
  .fromSource(new Nexmark({ seed: 11, count: ${COUNT}, ratePerSecond: ${RATE}, eventsPerSecond: 5000, outOfOrdernessMs: 300 }), WatermarkStrategy.forBoundedOutOfOrderness<any>(300).withTimestampAssigner((e) => e.t), 'nexmark')
  .filter((e) => e.bid !== undefined)
  .keyBy((e) => e.bid.auction % 8)
  .window(TumblingEventTimeWindows.of(1000))
  .aggregate(
    { createAccumulator: () => ({ bids: 0, total: 0 }), add: (e: any, a: any) => ({ bids: a.bids + 1, total: a.total + e.bid.price }), getResult: (a: any) => a, merge: (a: any, b: any) => ({ bids: a.bids + b.bids, total: a.total + b.total }) },
    { process(channel: any, ctx: any, [r]: any[], out: any) { out.collect({ window_end: ctx.window.end, channel, bids: r.bids, total: r.total }); } },
  );
totals.sinkTo(new PostgresSink({ url: ${JSON.stringify(URL)}, table: ${JSON.stringify(table)} }));
totals.sinkTo(new FileSink({ path: ${JSON.stringify(outDir)} }));
await env.execute('tm kill');`;

let server: Awaited<ReturnType<typeof startTestServer>>;
const headers = { authorization: 'token test-token', 'content-type': 'application/json' };
const api = (p: string, init: RequestInit = {}) => fetch(`${server.origin}/api/v1${p}`, { ...init, headers });

beforeAll(async () => {
  server = await startTestServer();
  const nb = { version: 1, title: 'TM kill', cells: [{ id: 'job', type: 'code', source: CELL, charts: {} }] };
  await fetch(`${server.origin}/api/notebooks/tmkill`, { method: 'PUT', headers, body: JSON.stringify(nb) });
});
afterAll(async () => {
  await server.close();
  const db = new pg.Client({ connectionString: URL });
  await db.connect();
  await db.query(`DROP TABLE IF EXISTS "${table}"`);
  await db.end();
});

describe('SIGKILL of a TaskManager mid-job', () => {
  it('restarts the job from its last checkpoint; PostgreSQL and file sinks hold each window result exactly once', async () => {
    const expected: WindowTotal[] = [];
    const env = new StreamExecutionEnvironment();
    crashPipeline(env, { count: COUNT, ratePerSecond: 0 }, { connector: 'collect', config: { name: 'expected' } });
    await env.executeAsync('expected', { collect: (_s: string, v: unknown) => expected.push(v as WindowTotal) }).getJobExecutionResult();
    expect(expected.length).toBeGreaterThan(30);

    const { jobId } = await (await api('/jobs', { method: 'POST', body: JSON.stringify({ notebook: 'tmkill', cellId: 'job' }) })).json();
    const killed: number[] = [];
    for (let kill = 0; kill < 2; kill++) {
      // Kill once this attempt runs on a TaskManager and completed checkpoints of its own (newer than it restored from).
      type Job = { status: string; restarts: number; taskManager?: string; exceptions: { message: string }[]; checkpoints?: { restoredFrom?: number; history: { id: number; status: string }[] } };
      const own = (j: Job) => (j.checkpoints?.history ?? []).filter((h) => h.status === 'completed' && h.id > (j.checkpoints?.restoredFrom ?? 0)).length;
      // Restarts after this test's kills (a restart for any other failure is reported below, not waited for).
      const lost = (j: Job) => j.exceptions.filter((e) => / was killed by SIGKILL$/.test(e.message)).length;
      const before = await waitFor(
        async () => (await api(`/jobs/${jobId}`)).json() as Promise<Job>,
        (j) => j.status === 'running' && lost(j) === kill && j.taskManager !== undefined && (kill === 0 || j.checkpoints?.restoredFrom !== undefined) && own(j) >= 2,
        20_000,
      );
      const tm = server.jobs.taskManagers.taskManagerOf(jobId)!;
      expect(tm.id).toBe(before.taskManager);
      killed.push(tm.pid!);
      process.kill(tm.pid!, 'SIGKILL');
      await waitFor(async () => (await api(`/jobs/${jobId}`)).json() as Promise<Job>, (j) => lost(j) === kill + 1, 10_000);
    }
    const job = await waitFor(async () => (await api(`/jobs/${jobId}`)).json(), (j) => j.status !== 'running', 40_000);
    if (job.status !== 'finished') console.log(JSON.stringify({ error: job.error, exceptions: job.exceptions, logs: job.logs }).slice(0, 4000));
    expect(job.status).toBe('finished');
    const messages: string[] = job.exceptions.map((e: { message: string }) => e.message);
    const others = messages.filter((m) => !/ was killed by SIGKILL$/.test(m));
    if (others.length > 0) console.log(`failures besides the kills (each restarted from its checkpoint): ${JSON.stringify(others)}`);
    expect(job.restarts).toBe(2 + others.length);
    expect(messages.filter((m) => !others.includes(m))).toEqual(killed.map((pid) => expect.stringMatching(new RegExp(`^TaskManager tm-\\d+ \\(pid ${pid}\\) was killed by SIGKILL$`))));
    expect(job.checkpoints.restoredFrom).toBeGreaterThan(0);

    const key = (r: WindowTotal) => `${r.window_end}/${r.channel}`;
    const sort = (a: WindowTotal[]) => [...a].sort((x, y) => x.window_end - y.window_end || x.channel - y.channel);
    const db = new pg.Client({ connectionString: URL });
    await db.connect();
    const { rows } = await db.query<WindowTotal>(`SELECT window_end::float8 AS window_end, channel::int AS channel, bids::int AS bids, total::float8 AS total FROM "${table}"`);
    await db.end();
    expect(new Set(rows.map(key)).size).toBe(rows.length);
    expect(sort(rows)).toEqual(sort(expected));
    // Committed part files only (in-progress ones are hidden, starting with a dot).
    const lines = readdirSync(outDir)
      .filter((f) => !f.startsWith('.'))
      .flatMap((f) => readFileSync(path.join(outDir, f), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as WindowTotal));
    expect(sort(lines)).toEqual(sort(expected));
  }, 90_000);
});
