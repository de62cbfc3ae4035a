import { spawn, type ChildProcess } from 'node:child_process';
import { cp, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../testing.js';

const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) c.kill('SIGKILL');
});

/** Starts the real server in a child process and resolves with its origin once it printed its URL. */
function startServer(env: Record<string, string>): Promise<{ child: ChildProcess; origin: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=development', path.join(repoRoot, 'apps/server/src/main.ts')], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error('server did not start:\n' + out)), 30_000);
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = /(http:\/\/127\.0\.0\.1:\d+)\/\?token=/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child, origin: m[1]! });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => reject(new Error(`server exited (${code}):\n${out}`)));
  });
}

const api = (origin: string, p: string, init: RequestInit = {}) =>
  fetch(`${origin}/api/v1${p}`, { ...init, headers: { authorization: 'token t', 'content-type': 'application/json' } });

async function waitFor<T>(get: () => Promise<T>, ok: (v: T) => boolean, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await get().catch(() => undefined as T);
    if (v !== undefined && ok(v)) return v;
    if (Date.now() > end) throw new Error(`timed out; last: ${JSON.stringify(v)?.slice(0, 300)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const CHECKPOINTED = `import { StreamExecutionEnvironment, SalesGenerator, WatermarkStrategy, LiveSink } from '@flowbook/engine';
const env = StreamExecutionEnvironment.getExecutionEnvironment().enableCheckpointing(200);
env.fromSource(new SalesGenerator({ ratePerSecond: 1000 }), WatermarkStrategy.noWatermarks<string>(), 'sales')
  .map((l) => ({ month: l.split(',')[1], n: 1 }))
  .keyBy((s) => s.month)
  .reduce((a, b) => ({ month: a.month, n: a.n + b.n }))
  .sinkTo(new LiveSink('counts'));
await env.execute('checkpointed');`;

// Restarts at most once after a failure: the second server death in a row while it runs ends it.
const ONCE = CHECKPOINTED.replace('enableCheckpointing(200);', 'enableCheckpointing(200);\nenv.setRestartStrategy({ type: "fixed-delay", attempts: 1, delayMs: 0 });');

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('server restart', () => {
  it('resumes a checkpointed job from its latest checkpoint', async () => {
    const notebooks = await mkdtemp(path.join(tmpdir(), 'flowbook-nb-'));
    await writeFile(path.join(notebooks, 'chk.flowbook.json'), JSON.stringify({ version: 1, title: 'Chk', cells: [{ id: 'c', type: 'code', source: CHECKPOINTED, charts: {} }] }));
    const state = await mkdtemp(path.join(tmpdir(), 'flowbook-state-'));
    const env = { PORT: '0', FLOWBOOK_TOKEN: 't', FLOWBOOK_NOTEBOOKS: notebooks, FLOWBOOK_STATE_DIR: state };
    const first = await startServer(env);
    const { jobId } = await (await api(first.origin, '/jobs', { method: 'POST', body: JSON.stringify({ notebook: 'chk', cellId: 'c' }) })).json();
    const before = await waitFor(
      async () => (await api(first.origin, `/jobs/${jobId}`)).json(),
      (j) => (j.checkpoints?.history ?? []).filter((h: { status: string }) => h.status === 'completed').length >= 3,
    );
    const lastBefore = before.checkpoints.history.filter((h: { status: string }) => h.status === 'completed').at(-1).id;
    first.child.kill('SIGKILL');
    const second = await startServer(env);
    const resumed = await waitFor(
      async () => {
        const list = (await (await api(second.origin, '/jobs?status=running')).json()).jobs;
        return list.length ? (await api(second.origin, `/jobs/${list[0].jobId}`)).json() : undefined;
      },
      (j) => j?.checkpoints?.restoredFrom !== undefined,
    );
    // Restored from a checkpoint at least as new as the last one seen completed (one may have finished after).
    expect(resumed.checkpoints.restoredFrom).toBeGreaterThanOrEqual(lastBefore);
    second.child.kill('SIGKILL');
  }, 90_000);


  it('counts server deaths as failures of the jobs that ran: no crash loop, and no TaskManager left behind', async () => {
    const notebooks = await mkdtemp(path.join(tmpdir(), 'flowbook-nb-'));
    await writeFile(path.join(notebooks, 'once.flowbook.json'), JSON.stringify({ version: 1, title: 'Once', cells: [{ id: 'c', type: 'code', source: ONCE, charts: {} }] }));
    const state = await mkdtemp(path.join(tmpdir(), 'flowbook-state-'));
    const env = { PORT: '0', FLOWBOOK_TOKEN: 't', FLOWBOOK_NOTEBOOKS: notebooks, FLOWBOOK_STATE_DIR: state };
    const running = async (origin: string) => (await (await api(origin, '/jobs?status=running')).json()).jobs[0];
    const tmPids = async (origin: string) => ((await (await api(origin, '/taskmanagers')).json()).taskManagers as { pid: number }[]).map((t) => t.pid);

    const first = await startServer(env);
    await api(first.origin, '/jobs', { method: 'POST', body: JSON.stringify({ notebook: 'once', cellId: 'c' }) });
    await waitFor(() => running(first.origin), (j) => j?.recordsIn > 0 && j.restarts === 0);
    const [tm1] = await tmPids(first.origin);
    first.child.kill('SIGKILL');
    // The TaskManager notices its server is gone and stops: no job runs twice.
    await waitFor(async () => alive(tm1!), (a) => !a, 10_000);

    const second = await startServer(env);
    // One failure: the strategy allows one restart.
    const resumed = await waitFor(() => running(second.origin), (j) => j?.recordsIn > 0);
    expect(resumed.restarts).toBe(1);
    second.child.kill('SIGKILL');

    const third = await startServer(env);
    const failed = await waitFor(async () => (await (await api(third.origin, '/jobs')).json()).jobs, (l) => l.length > 0);
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ cellId: 'c', status: 'error', restarts: 1 });
    expect(failed[0].error).toMatch(/^not resumed after the server restarted: the job failed 2 times/);
    await new Promise((r) => setTimeout(r, 500));
    expect(await tmPids(third.origin)).toEqual([]);
    third.child.kill('SIGKILL');
    // The next start does not try again either.
    const fourth = await startServer(env);
    await new Promise((r) => setTimeout(r, 1000));
    expect((await (await api(fourth.origin, '/jobs')).json()).jobs).toEqual([]);
    fourth.child.kill('SIGKILL');
  }, 90_000);

  it('resumes the jobs that were running when the server was killed', async () => {
    const notebooks = await mkdtemp(path.join(tmpdir(), 'flowbook-nb-'));
    await cp(path.join(repoRoot, 'notebooks'), notebooks, { recursive: true });
    const state = await mkdtemp(path.join(tmpdir(), 'flowbook-state-'));
    const env = { PORT: '0', FLOWBOOK_TOKEN: 't', FLOWBOOK_NOTEBOOKS: notebooks, FLOWBOOK_STATE_DIR: state };

    const first = await startServer(env);
    const started = await (await api(first.origin, '/jobs', { method: 'POST', body: JSON.stringify({ notebook: 'generated-sales', cellId: 'profit' }) })).json();
    await waitFor(async () => (await api(first.origin, `/jobs/${started.jobId}`)).json(), (j) => j.status === 'running' && j.recordsIn > 0);
    first.child.kill('SIGKILL');

    const second = await startServer(env);
    const jobs = await waitFor(
      async () => (await api(second.origin, '/jobs?status=running')).json(),
      (l) => l.jobs.some((j: { cellId?: string; recordsIn: number }) => j.cellId === 'profit' && j.recordsIn > 0),
    );
    const resumed = jobs.jobs.find((j: { cellId?: string }) => j.cellId === 'profit');
    expect(resumed.notebook).toBe('generated-sales');
    expect(resumed.jobId).not.toBe(started.jobId);
    // Cancelling it removes it from the list of jobs to resume.
    await api(second.origin, `/jobs/${resumed.jobId}/cancel`, { method: 'POST' });
    await waitFor(async () => (await api(second.origin, `/jobs/${resumed.jobId}`)).json(), (j) => j.status === 'cancelled');
    second.child.kill('SIGKILL');
    const third = await startServer(env);
    await new Promise((r) => setTimeout(r, 1000));
    expect((await (await api(third.origin, '/jobs')).json()).jobs).toEqual([]);
  }, 90_000);
});
