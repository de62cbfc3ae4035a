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
  // p2b: the same job as p2 in another program (one comment more): it must not get p2's threads.
  const cells = [
    ...[1, 2].map((p) => ({ id: `p${p}`, type: 'code', source: cell(p), charts: {} })),
    { id: 'p2b', type: 'code', source: `// another program\n${cell(2)}`, charts: {} },
  ];
  const nb = { version: 1, title: 'Parallel', params: [], cells };
  const r = await fetch(`${server.origin}/api/notebooks/parallel`, { method: 'PUT', headers, body: JSON.stringify(nb) });
  expect(r.status).toBeLessThan(300);
});
afterAll(async () => {
  await server.close();
});

type Row = { key: number; end: number; sum: number; threads: number[] };
/** Runs a cell; the rows of its sink, and the ms from the request to the first row the server got. */
async function runTimed(cellId: string): Promise<{ rows: Row[]; firstResultMs: number }> {
  const t0 = performance.now();
  const r = await api('/jobs', { method: 'POST', body: JSON.stringify({ notebook: 'parallel', cellId, params: { offset: 3 } }) });
  const { jobId } = await r.json();
  let firstResultMs = NaN;
  const job = await waitFor(
    async () => {
      if (Number.isNaN(firstResultMs) && (server.jobs.get({ notebook: 'parallel', cellId })?.results.get('out')?.rows.length ?? 0) > 0) firstResultMs = performance.now() - t0;
      return (await api(`/jobs/${jobId}`)).json();
    },
    (j) => j.status !== 'running' && j.status !== 'pending',
    60_000,
    10,
  );
  expect(job.error).toBeUndefined();
  expect(job.status).toBe('finished');
  const run = server.jobs.get({ notebook: 'parallel', cellId })!;
  return { rows: run.results.get('out')!.rows as unknown as Row[], firstResultMs };
}
const run = async (cellId: string) => (await runTimed(cellId)).rows;
/** Time to first result of the first p=2 job of the TaskManager: its peer thread starts then (as every job's did before). */
let coldMs = NaN;

describe('a parallel cell in the server', () => {
  it('runs its subtasks in two threads of its TaskManager, with the results of parallelism 1', async () => {
    const one = await run('p1');
    const cold = await runTimed('p2');
    coldMs = cold.firstResultMs;
    const two = cold.rows;
    const key = (r: Row) => `${r.key}@${r.end}`;
    const strip = (rows: Row[]) => rows.map((r) => ({ k: key(r), sum: r.sum })).sort((a, b) => a.k.localeCompare(b.k));
    expect(one.length).toBeGreaterThan(20);
    expect(two.length).toBe(one.length);
    expect(strip(two)).toEqual(strip(one));
    // The cell's module-level helper and params reached every slot; the maps ran in two threads at parallelism 2.
    expect(new Set(one.flatMap((r) => r.threads)).size).toBe(1);
    expect(new Set(two.flatMap((r) => r.threads)).size).toBe(2);
  }, 120_000);

  it('a second run of the cell finds its peer thread warm in the TaskManager; another program does not get it', async () => {
    // Slot 0 runs in a new thread per job; the peer thread of a clean run stays in the TaskManager for the next run.
    const threads = (rows: Row[]) => new Set(rows.flatMap((r) => r.threads));
    const runs = [];
    for (let i = 0; i < 3; i++) runs.push(await runTimed('p2'));
    const [a, b, c] = runs.map((x) => threads(x.rows));
    const shared = [...b!].filter((t) => a!.has(t));
    expect(shared).toHaveLength(1);
    expect(c!.has(shared[0]!)).toBe(true);
    const other = threads(await run('p2b'));
    expect(other.has(shared[0]!)).toBe(false);
    console.log(`p=2 cell, time to first result: first p=2 job of the TaskManager ${coldMs.toFixed(0)} ms; next runs ${runs.map((x) => `${x.firstResultMs.toFixed(0)} ms`).join(', ')}`);
  }, 120_000);
});
