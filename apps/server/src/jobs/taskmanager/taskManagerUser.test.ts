import { execFileSync } from 'node:child_process';
import { readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, waitFor, type TestServer } from '../../testing.js';
import { resolveTaskManagerUser, taskManagerEnv } from './taskManagerUser.js';

// FLOWBOOK_TASKMANAGER_USER: TaskManagers run as another OS user, who cannot read the server's state. Starting a
// process as another user needs root; elsewhere the end-to-end part is skipped (and says so).
const isRoot = process.getuid?.() === 0;
const USER = 'flowbook-tm';
if (!isRoot) console.warn('taskManagerUser.test.ts: end-to-end tests skipped: the server must run as root to start TaskManagers as another user');

describe('resolving FLOWBOOK_TASKMANAGER_USER', () => {
  it('takes uid:gid or uid as they are', () => {
    expect(resolveTaskManagerUser('1234:99', '/x')).toEqual({ uid: 1234, gid: 99, spec: '1234:99', stateDir: '/x' });
    expect(resolveTaskManagerUser('1234', '/x')).toMatchObject({ uid: 1234, gid: 1234 });
  });

  it('looks a name up, and names an unknown user', () => {
    expect(resolveTaskManagerUser('root', '/x')).toMatchObject({ uid: 0, gid: 0 });
    expect(() => resolveTaskManagerUser('no-such-user-flowbook', '/x')).toThrow('no such user "no-such-user-flowbook"');
  });

  it("leaves the server's own credentials out of a TaskManager's environment", () => {
    const env = taskManagerEnv({ FLOWBOOK_TOKEN: 't', FLOWBOOK_METRICS_TOKEN: 'm', PG_PASSWORD: 'p', HOME: '/root' }, '/tm');
    expect(env).toEqual({ PG_PASSWORD: 'p', HOME: '/tm' });
  });
});

describe.skipIf(!isRoot)('TaskManagers as another OS user', () => {
  let server: TestServer;
  let uid: number;
  let gid: number;
  const headers = { authorization: 'token test-token', 'content-type': 'application/json' };
  const api = (p: string, init: RequestInit = {}) => fetch(`${server.origin}/api/v1${p}`, { ...init, headers });

  beforeAll(async () => {
    try {
      execFileSync('id', ['-u', USER], { stdio: 'ignore' });
    } catch {
      execFileSync('useradd', ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', USER]);
    }
    uid = Number(execFileSync('id', ['-u', USER], { encoding: 'utf8' }).trim());
    gid = Number(execFileSync('id', ['-g', USER], { encoding: 'utf8' }).trim());
    server = await startTestServer({}, { FLOWBOOK_TASKMANAGER_USER: USER });
  });
  afterAll(async () => {
    await server?.close();
    if (server) rmSync(server.config.taskManagers.user!.stateDir, { recursive: true, force: true });
  });

  it("runs cells as that user: checkpoints work, the server's state and token cannot be read", async () => {
    const state = server.config.stateDir;
    // A secrets file as an admin would leave it (world-readable, the server warns): the folder still protects it.
    writeFileSync(path.join(state, 'secrets.json'), '{"PG_PASSWORD":"x"}', { mode: 0o644 });
    const names = readdirSync(state);
    expect(names).toEqual(expect.arrayContaining(['session-secret', 'share-secret', 'secrets.json']));
    const cell = `import { StreamExecutionEnvironment, SalesGenerator, WatermarkStrategy, LiveSink } from '@flowbook/engine';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
const attempt = (f) => { try { f(); return 'ok'; } catch (e) { return e.code; } };
const state = ${JSON.stringify(state)};
const probe = {
  uid: process.getuid(),
  gid: process.getgid(),
  token: process.env.FLOWBOOK_TOKEN ?? null,
  list: attempt(() => readdirSync(state)),
  reads: Object.fromEntries(${JSON.stringify(names)}.map((n) => [n, attempt(() => readFileSync(state + '/' + n))])),
  home: attempt(() => writeFileSync(process.env.HOME + '/probe', 'x')),
};
const env = StreamExecutionEnvironment.getExecutionEnvironment().enableCheckpointing(200);
env.fromSource(new SalesGenerator({ ratePerSecond: 500 }), WatermarkStrategy.noWatermarks(), 'sales')
  .map(() => JSON.stringify(probe))
  .sinkTo(new LiveSink('probe'));
await env.execute('probe');`;
    const nb = { version: 1, title: 'Probe', cells: [{ id: 'p', type: 'code', source: cell, charts: {} }] };
    await fetch(`${server.origin}/api/notebooks/probe`, { method: 'PUT', headers, body: JSON.stringify(nb) });
    const { jobId } = await (await api('/jobs', { method: 'POST', body: JSON.stringify({ notebook: 'probe', cellId: 'p' }) })).json();
    const job = await waitFor(
      async () => (await api(`/jobs/${jobId}`)).json(),
      (j) => j.status !== 'running' || (j.checkpoints?.history ?? []).some((h: { status: string }) => h.status === 'completed'),
    );
    expect(job.status).toBe('running');
    const { sinks } = await (await api(`/jobs/${jobId}/results`)).json();
    await api(`/jobs/${jobId}/cancel`, { method: 'POST', body: '{}' });
    const probe = JSON.parse(sinks[0].rows[0].value);
    expect(probe).toEqual({
      uid,
      gid,
      token: null,
      list: 'EACCES',
      reads: Object.fromEntries(names.map((n) => [n, 'EACCES'])),
      home: 'ok',
    });
    // Checkpoints went to the TaskManagers' folder, written by their user.
    const dir = path.join(server.config.checkpoints, 'probe', 'p', 'job-probe');
    const chk = readdirSync(dir).find((n) => n.startsWith('chk-'))!;
    expect(statSync(path.join(dir, chk)).uid).toBe(uid);
    expect(statSync(state).mode & 0o777).toBe(0o700);
  }, 40_000);
});
