import { LIMITS } from '@flowbook/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, waitFor } from '../../testing.js';

// Cells that take down whatever runs them: each runs in a TaskManager process, so the server stays up and says why.
let server: Awaited<ReturnType<typeof startTestServer>>;
const headers = { authorization: 'token test-token', 'content-type': 'application/json' };
const api = (p: string, init: RequestInit = {}) => fetch(`${server.origin}/api/v1${p}`, { ...init, headers });

const cell = (body: string) => `import { StreamExecutionEnvironment, LiveSink } from '@flowbook/engine';
const env = StreamExecutionEnvironment.getExecutionEnvironment();
env.fromElements(1, 2, 3).map((x) => { ${body}; return x; }).sinkTo(new LiveSink('out'));
await env.execute('harm');`;

const CELLS = {
  kill: cell("process.kill(process.pid, 'SIGKILL')"),
  exit: cell('process.exit(3)'),
  alloc: cell('const all: number[][] = []; for (;;) { const a = new Array(2e6); for (let i = 0; i < a.length; i++) a[i] = i + x + 0.5; all.push(a); }'),
  // Prints 5 MB lines, through console.log and straight to stdout.
  chatty: `const big = 'y'.repeat(5_000_000);
for (let i = 0; i < 20; i++) console.log(big);
process.stdout.write(big + '\\n');`,
  // 300 records of 5 MB each (one string shared, so the cell itself stays small): 1.5 GB if sent as they are.
  huge: `import { StreamExecutionEnvironment, LiveSink } from '@flowbook/engine';
const env = StreamExecutionEnvironment.getExecutionEnvironment();
const big = 'x'.repeat(5_000_000);
env.fromSequence(1, 300).map((i) => ({ i, blob: big })).sinkTo(new LiveSink('out'));
await env.execute('huge');`,
};

beforeAll(async () => {
  // A small worker heap so the unbounded allocation hits it in well under a second.
  server = await startTestServer({ workerMemoryMb: 64, workerYoungGenerationMb: 16 });
  const nb = { version: 1, title: 'Harm', cells: Object.entries(CELLS).map(([id, source]) => ({ id, type: 'code', source, charts: {} })) };
  await fetch(`${server.origin}/api/notebooks/harm`, { method: 'PUT', headers, body: JSON.stringify(nb) });
});
afterAll(async () => {
  await server.close();
});

async function runToEnd(cellId: string, ms = 20_000): Promise<{ jobId: string; status: string; error?: string }> {
  const { jobId } = await (await api('/jobs', { method: 'POST', body: JSON.stringify({ notebook: 'harm', cellId }) })).json();
  return waitFor(async () => (await api(`/jobs/${jobId}`)).json(), (j) => j.status !== 'running' && j.status !== 'pending', ms);
}

describe('a cell never takes the server down', () => {
  it('a cell that SIGKILLs its own process fails with what happened, and the server answers', async () => {
    const job = await runToEnd('kill');
    expect(job.status).toBe('error');
    expect(job.error).toMatch(/^TaskManager tm-\d+ \(pid \d+\) was killed by SIGKILL$/);
    expect((await api('/jobs')).status).toBe(200);
    // The next job gets a fresh TaskManager.
    expect((await runToEnd('exit')).status).toBe('error');
  });

  it('a cell that calls process.exit(3) ends its worker only', async () => {
    const job = await runToEnd('exit');
    expect(job.error).toBe("the job's worker exited with code 3");
    expect((await api('/jobs')).status).toBe(200);
  });

  it('a cell that allocates without bound fails with its memory limit', async () => {
    // V8 collects garbage hard before it gives up: seconds on a loaded machine.
    const job = await runToEnd('alloc', 30_000);
    expect(job.status).toBe('error');
    expect(job.error).toBe('the job ran out of memory (limit 64 MiB)');
    expect((await api('/jobs')).status).toBe(200);
  }, 40_000);
  it('a cell printing 5 MB lines gets them cut, on console.log and on stdout', async () => {
    const job = await runToEnd('chatty');
    expect(job.status).toBe('finished');
    const logs = server.jobs.byId(job.jobId)!.logs;
    await waitFor(async () => logs.length, (n) => n >= 21);
    expect(logs.every((l) => l.length <= LIMITS.logLineChars + 60)).toBe(true);
    expect(logs[0]).toMatch(/… \(line of 5000000 characters cut\)$/);
  });

  it('a cell streaming 5 MB records gets them cut for display, and the server stays small', async () => {
    const rssBefore = process.memoryUsage().rss;
    const job = await runToEnd('huge');
    expect(job.status).toBe('finished');
    const kept = server.jobs.byId(job.jobId)!.results.get('out')!;
    expect(kept.total).toBe(300);
    expect(kept.rows.length).toBeGreaterThan(0);
    expect(kept.rows.at(-1)).toMatchObject({ i: 300, __truncated: 'record of 4.8 MB cut to 64 KB' });
    for (const r of kept.rows) expect(JSON.stringify(r).length).toBeLessThan(LIMITS.recordBytes + 200);
    // Results flow at most at LIMITS.resultBytesPerSecond (plus a one-second burst), cut records included; when the job
    // ends, the worker's last flush sends what is pending, itself bounded by LIMITS.workerPendingBytes.
    const run = server.jobs.byId(job.jobId)!;
    const seconds = ((run.finishedAt ?? Date.now()) - run.startedAt) / 1000;
    console.log(`${run.resultRows} of 300 cut records sent in ${seconds.toFixed(1)} s`);
    expect(run.resultRows * LIMITS.recordBytes).toBeLessThanOrEqual((seconds + 1) * LIMITS.resultBytesPerSecond + LIMITS.workerPendingBytes);
    const grewMb = (process.memoryUsage().rss - rssBefore) / 1024 / 1024;
    console.log(`server RSS grew by ${grewMb.toFixed(0)} MB over 300 records of 5 MB`);
    expect(grewMb).toBeLessThan(200);
  });
});
