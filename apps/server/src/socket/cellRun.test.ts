import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserStore } from '../auth/UserStore.js';
import { connectSocket, startTestServer, waitFor, type TestSocket } from '../testing.js';

let server: Awaited<ReturnType<typeof startTestServer>>;
const owner = { authorization: 'token test-token', 'content-type': 'application/json' };
const SAVED = 'console.log("the saved code ran");';
const sockets: Socket[] = [];
const SAVED_SQL = 'SELECT 1 AS one';

async function login(name: string): Promise<string> {
  const r = await fetch(`${server.origin}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name, password: `${name}-password` }) });
  return r.headers.get('set-cookie')!.split(';')[0]!;
}

async function connect(cookie: string): Promise<TestSocket> {
  const socket = await connectSocket(server, { cookie });
  sockets.push(socket);
  return socket;
}

const jobsOf = (cellId: string) => server.jobs.allJobs().filter((j) => j.ref?.notebook === 'runs' && j.ref.cellId === cellId);

beforeAll(async () => {
  server = await startTestServer();
  const users = new UserStore(server.config.stateDir);
  users.add('rita', 'rita-password');
  users.add('wes', 'wes-password');
  await fetch(`${server.origin}/api/notebooks`, { method: 'POST', headers: owner, body: JSON.stringify({ name: 'runs' }) });
  const nb = { version: 1, title: 'Runs', cells: [{ id: 'c', type: 'code', source: SAVED }, { id: 's', type: 'sql', source: SAVED_SQL }] };
  expect((await fetch(`${server.origin}/api/notebooks/runs`, { method: 'PUT', headers: owner, body: JSON.stringify(nb) })).status).toBe(200);
  const roles = { owners: [], writers: ['wes'], runners: ['rita'], readers: [] };
  expect((await fetch(`${server.origin}/api/notebooks/runs/permissions`, { method: 'PUT', headers: owner, body: JSON.stringify(roles) })).status).toBe(200);
});
afterAll(async () => {
  for (const s of sockets) s.close();
  await server.close();
});

describe('cell.run: runners run the saved cells only', () => {
  it('refuses a runner that sends code of his own, or a graph, and runs nothing', async () => {
    const rita = await connect(await login('rita'));
    const own = await rita.emitWithAck('cell.run', { notebook: 'runs', cellId: 'c', source: 'require("fs").readdirSync(".")', params: {} });
    expect(own).toEqual({ ok: false, error: 'rita may run only the saved cells of "runs": running other code needs the writer role' });
    const graph = await rita.emitWithAck('cell.run', { notebook: 'runs', cellId: 'c', source: '', graph: { version: 1, nodes: [], edges: [] }, params: {} });
    expect(graph.ok).toBe(false);
    expect(jobsOf('c')).toEqual([]);
  });

  it("runs the saved cell's code for a runner who sends none (or the saved code itself)", async () => {
    const rita = await connect(await login('rita'));
    const logs: string[] = [];
    rita.on('cell.log', (m) => m.cellId === 'c' && logs.push(...m.lines));
    await rita.emitWithAck('notebook.join', { notebook: 'runs' });
    expect(await rita.emitWithAck('cell.run', { notebook: 'runs', cellId: 'c', source: '', params: {} })).toEqual({ ok: true });
    expect(jobsOf('c').at(-1)!.program).toBe(SAVED);
    await waitFor(async () => logs, (l) => l.includes('the saved code ran'));
    expect(await rita.emitWithAck('cell.run', { notebook: 'runs', cellId: 'c', source: SAVED, params: {} })).toEqual({ ok: true });
    expect(jobsOf('c').at(-1)!.program).toBe(SAVED);
  });

  it('lets a writer run his own code, but only under a cell of the notebook', async () => {
    const wes = await connect(await login('wes'));
    const unknown = await wes.emitWithAck('cell.run', { notebook: 'runs', cellId: 'nope', source: 'console.log(1)', params: {} });
    expect(unknown).toEqual({ ok: false, error: 'notebook "runs" has no code, pipeline or SQL cell "nope"' });
    expect(jobsOf('nope')).toEqual([]);
    expect(await wes.emitWithAck('cell.run', { notebook: 'runs', cellId: 'c', source: 'console.log("draft")', params: {} })).toEqual({ ok: true });
    expect(jobsOf('c').at(-1)!.program).toBe('console.log("draft")');
  });

  it('runs a SQL cell as the program generated from its saved SQL; a runner may not send SQL of his own', async () => {
    const rita = await connect(await login('rita'));
    const own = await rita.emitWithAck('cell.run', { notebook: 'runs', cellId: 's', source: "SELECT * FROM secrets", params: {} });
    expect(own).toEqual({ ok: false, error: 'rita may run only the saved cells of "runs": running other code needs the writer role' });
    expect(jobsOf('s')).toEqual([]);
    expect(await rita.emitWithAck('cell.run', { notebook: 'runs', cellId: 's', source: SAVED_SQL, params: {} })).toEqual({ ok: true });
    expect(jobsOf('s').at(-1)!.program).toContain(`await runSqlScript(${JSON.stringify(SAVED_SQL)}, {"catalog":[],"jobName":"Runs: s"});`);
    const wes = await connect(await login('wes'));
    expect(await wes.emitWithAck('cell.run', { notebook: 'runs', cellId: 's', source: 'SELECT 2 AS two', params: {} })).toEqual({ ok: true });
    expect(jobsOf('s').at(-1)!.program).toContain('await runSqlScript("SELECT 2 AS two"');
  });

  it('refuses an invalid pipeline with its reasons before any job exists (no failed job in the Jobs list)', async () => {
    const wes = await connect(await login('wes'));
    const before = jobsOf('c').length;
    const graph = {
      version: 1,
      nodes: [
        { id: 'src', type: 'source', config: { connector: 'sales-generator', config: {}, watermarkStrategy: { kind: 'boundedOutOfOrderness', maxOutOfOrderness: 1000 } } },
        { id: 'w', type: 'window', config: { assigner: { kind: 'tumbling', time: 'event', size: 1000, offset: 0 }, function: { kind: 'reduce', reduce: { code: '(a) => a' } } } },
        { id: 'out', type: 'sink', config: { connector: 'print', config: {} } },
      ],
      edges: [
        { source: 'src', target: 'w', targetInput: 0, partitioning: 'hash', keySelector: { code: '(s) => s.category' } },
        { source: 'w', target: 'out', targetInput: 0, partitioning: 'forward' },
      ],
    };
    const res = await wes.emitWithAck('cell.run', { notebook: 'runs', cellId: 'c', source: '', graph, params: {} });
    expect(res.ok).toBe(false);
    expect(res.ok === false && res.error).toMatch(/node "src": .*Timestamp assigner/);
    expect(jobsOf('c')).toHaveLength(before);
  });

  it('refuses an unknown cell id to the token holder too', async () => {
    const admin = io(server.origin, { extraHeaders: { authorization: 'token test-token' }, transports: ['websocket'] });
    sockets.push(admin);
    expect((await admin.emitWithAck('cell.run', { notebook: 'runs', cellId: 'ghost', source: '1', params: {} })).ok).toBe(false);
    expect(jobsOf('ghost')).toEqual([]);
  });

  it('refuses pipeline graphs from a runner over REST; a saved cell he may run', async () => {
    const cookie = await login('rita');
    const post = (body: unknown) => fetch(`${server.origin}/api/v1/jobs`, { method: 'POST', headers: { cookie, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect((await post({ graph: { version: 1, nodes: [], edges: [] } })).status).toBe(403);
    expect((await post({ notebook: 'runs', cellId: 'nope' })).status).toBe(404);
    const r = await post({ notebook: 'runs', cellId: 'c' });
    expect(r.status).toBe(201);
    expect(server.jobs.byId((await r.json()).jobId)!.program).toBe(SAVED);
  });

  it("refuses a runner restarting a job that ran a writer's unsaved code; the saved cell's job he may", async () => {
    const wes = await connect(await login('wes'));
    expect(await wes.emitWithAck('cell.run', { notebook: 'runs', cellId: 'c', source: 'console.log("unsaved")', params: {} })).toEqual({ ok: true });
    const draft = jobsOf('c').at(-1)!;
    await waitFor(async () => draft.status, (s) => s !== 'running' && s !== 'pending' && s !== undefined);
    const cookie = await login('rita');
    const restart = (jobId: string) => fetch(`${server.origin}/api/v1/jobs/${jobId}/restart`, { method: 'POST', headers: { cookie, 'content-type': 'application/json' }, body: JSON.stringify({ from: 'none' }) });
    expect((await restart(draft.jobId)).status).toBe(403);
    expect(jobsOf('c').at(-1)!.jobId).toBe(draft.jobId);
    expect(await wes.emitWithAck('cell.run', { notebook: 'runs', cellId: 'c', source: '', params: {} })).toEqual({ ok: true });
    const saved = jobsOf('c').at(-1)!;
    await waitFor(async () => saved.status, (s) => s !== 'running' && s !== 'pending' && s !== undefined);
    expect((await restart(saved.jobId)).status).toBe(201);
  });
});
