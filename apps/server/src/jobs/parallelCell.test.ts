import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, waitFor } from '../testing.js';

// A notebook cell with setParallelism(2) runs its subtasks in two slot threads of its TaskManager, with the same results.
let server: Awaited<ReturnType<typeof startTestServer>>;
const headers = { authorization: 'token test-token', 'content-type': 'application/json' };
const api = (p: string, init: RequestInit = {}) => fetch(`${server.origin}/api/v1${p}`, { ...init, headers });

const cell = (parallelism: number) => `import { StreamExecutionEnvironment, LiveSink, TumblingEventTimeWindows, WatermarkStrategy, Time } from '@flowbook/engine';
import { threadId } from 'node:worker_threads';
declare const params: { offset: number };
const env = StreamExecutionEnvironment.getExecutionEnvironment().setParallelism(${parallelism});
const helper = (i: number) => i % 7;
env
  .fromSequence(1, 20000)
  .assignTimestampsAndWatermarks(WatermarkStrategy.forMonotonousTimestamps<number>().withTimestampAssigner((i) => i))
  .map((i) => ({ key: helper(i), v: i + params.offset, thread: threadId }))
  .keyBy((r) => r.key)
  .window(TumblingEventTimeWindows.of(Time.seconds(5)))
  .process({
    process(key, ctx, rows, out) {
      const threads = new Set<number>();
      let sum = 0;
      for (const r of rows) { sum += r.v; threads.add(r.thread); }
      out.collect({ key, end: ctx.window.end, sum, threads: [...threads] });
    },
  })
  .sinkTo(new LiveSink('out'));
await env.execute('parallel ${parallelism}');`;

beforeAll(async () => {
  server = await startTestServer();
  const nb = { version: 1, title: 'Parallel', params: [], cells: [1, 2].map((p) => ({ id: `p${p}`, type: 'code', source: cell(p), charts: {} })) };
  const r = await fetch(`${server.origin}/api/notebooks/parallel`, { method: 'PUT', headers, body: JSON.stringify(nb) });
  expect(r.status).toBeLessThan(300);
});
afterAll(async () => {
  await server.close();
});

type Row = { key: number; end: number; sum: number; threads: number[] };
async function run(cellId: string): Promise<Row[]> {
  const r = await api('/jobs', { method: 'POST', body: JSON.stringify({ notebook: 'parallel', cellId, params: { offset: 3 } }) });
  const { jobId } = await r.json();
  const job = await waitFor(async () => (await api(`/jobs/${jobId}`)).json(), (j) => j.status !== 'running' && j.status !== 'pending', 60_000);
  expect(job.error).toBeUndefined();
  expect(job.status).toBe('finished');
  const run = server.jobs.get({ notebook: 'parallel', cellId })!;
  return run.results.get('out')!.rows as unknown as Row[];
}

describe('a parallel cell in the server', () => {
  it('runs its subtasks in two threads of its TaskManager, with the results of parallelism 1', async () => {
    const one = await run('p1');
    const two = await run('p2');
    const key = (r: Row) => `${r.key}@${r.end}`;
    const strip = (rows: Row[]) => rows.map((r) => ({ k: key(r), sum: r.sum })).sort((a, b) => a.k.localeCompare(b.k));
    expect(one.length).toBeGreaterThan(20);
    expect(two.length).toBe(one.length);
    expect(strip(two)).toEqual(strip(one));
    // The cell's module-level helper and params reached every slot; the maps ran in two threads at parallelism 2.
    expect(new Set(one.flatMap((r) => r.threads)).size).toBe(1);
    expect(new Set(two.flatMap((r) => r.threads)).size).toBe(2);
  });
});
