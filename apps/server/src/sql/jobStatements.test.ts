import type { CellStatusMessage, ResultAppend } from '@flowbook/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserStore } from '../auth/UserStore.js';
import { connectSocket, startTestServer, waitFor, type TestSocket } from '../testing.js';
import { jobStatementsOf } from './jobStatements.js';

describe('SHOW JOBS / STOP JOB statements (the forms Flink SQL has)', () => {
  it('reads them, with their line, and refuses them mixed with other statements or misspelled', () => {
    expect(jobStatementsOf('SELECT 1 FROM t')).toBeUndefined();
    expect(jobStatementsOf("show jobs;\n-- stop it\nSTOP JOB 'a''b' WITH SAVEPOINT WITH DRAIN;\nSTOP JOB 'c'")).toEqual([
      { k: 'show', line: 1 },
      { k: 'stop', jobId: "a'b", savepoint: true, drain: true, line: 3 },
      { k: 'stop', jobId: 'c', savepoint: false, drain: false, line: 4 },
    ]);
    expect(() => jobStatementsOf('SHOW JOBS;\nSELECT a FROM t')).toThrow(expect.objectContaining({ line: 2, message: expect.stringContaining('run alone in a SQL cell') }));
    expect(() => jobStatementsOf('STOP JOB abc')).toThrow(expect.objectContaining({ line: 1, message: expect.stringContaining("STOP JOB '<job id>'") }));
  });
});

// End to end on the server: the jobs a user may read, and stop-with-savepoint by whoever may run the job's notebook.
let server: Awaited<ReturnType<typeof startTestServer>>;
const owner = { authorization: 'token test-token', 'content-type': 'application/json' };
const sockets: TestSocket[] = [];
const results: ResultAppend[] = [];
const ENDLESS = "CREATE TABLE ticks (id BIGINT) WITH ('connector' = 'datagen', 'rows-per-second' = '20', 'fields.id.kind' = 'sequence', 'fields.id.start' = '1', 'fields.id.end' = '100000000');\nSELECT id FROM ticks";
const cellsA = (stop: string) => [
  { id: 'endless', type: 'sql', title: 'Ticks', source: ENDLESS },
  { id: 'show', type: 'sql', source: 'SHOW JOBS' },
  { id: 'stop', type: 'sql', source: stop },
  { id: 'mixed', type: 'sql', source: 'SHOW JOBS;\nSELECT id FROM ticks' },
];
const cellsB = (stop: string) => [
  { id: 'show', type: 'sql', source: 'SHOW JOBS' },
  { id: 'stop', type: 'sql', source: stop },
];
const put = async (name: string, cells: unknown[]) =>
  expect((await fetch(`${server.origin}/api/notebooks/${name}`, { method: 'PUT', headers: owner, body: JSON.stringify({ version: 1, title: name, cells }) })).status).toBe(200);

async function login(name: string): Promise<TestSocket> {
  new UserStore(server.config.stateDir).add(name, `${name}-password`);
  const r = await fetch(`${server.origin}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name, password: `${name}-password` }) });
  expect(r.status).toBe(200);
  return connect({ cookie: r.headers.get('set-cookie')!.split(';')[0]! });
}
async function connect(headers: Record<string, string>): Promise<TestSocket> {
  const s = await connectSocket(server, headers);
  s.on('result.append', (m) => results.push(m));
  sockets.push(s);
  return s;
}

/** Runs a cell (the saved one by default) and waits for the end of its run, as `socket` sees it: status and rows. */
async function run(socket: TestSocket, notebook: string, cellId: string, source = '') {
  const rows: ResultAppend['rows'] = [];
  let end: CellStatusMessage | undefined;
  const mine = (m: { notebook: string; cellId: string }) => m.notebook === notebook && m.cellId === cellId;
  const onAppend = (m: ResultAppend) => void (mine(m) && rows.push(...m.rows));
  const onStatus = (m: CellStatusMessage) => void (mine(m) && (m.status === 'finished' || m.status === 'error') && (end = m));
  socket.on('result.append', onAppend);
  socket.on('cell.status', onStatus);
  try {
    expect(await socket.emitWithAck('cell.run', { notebook, cellId, source, params: {} })).toEqual({ ok: true });
    await waitFor(async () => end, (e) => e !== undefined, 60_000);
  } finally {
    socket.off('result.append', onAppend);
    socket.off('cell.status', onStatus);
  }
  return { status: end!, rows };
}

beforeAll(async () => {
  server = await startTestServer();
  for (const [name, cells] of [['jobs-a', cellsA('SHOW JOBS')], ['jobs-b', cellsB('SHOW JOBS')]] as const) {
    await fetch(`${server.origin}/api/notebooks`, { method: 'POST', headers: owner, body: JSON.stringify({ name }) });
    await put(name, cells);
  }
  // rita runs jobs-a; walt runs jobs-b and only reads jobs-a
  const perms = (runners: string[], readers: string[]) => JSON.stringify({ owners: [], writers: [], runners, readers, public: 'none' });
  await fetch(`${server.origin}/api/notebooks/jobs-a/permissions`, { method: 'PUT', headers: owner, body: perms(['rita'], ['walt']) });
  await fetch(`${server.origin}/api/notebooks/jobs-b/permissions`, { method: 'PUT', headers: owner, body: perms(['walt'], []) });
}, 60_000);
afterAll(async () => {
  for (const s of sockets) s.close();
  await server.close();
});

describe('SHOW JOBS and STOP JOB in a SQL cell on the embedded engine', { timeout: 120_000 }, () => {
  it("lists the jobs each user may read, and stops one with a savepoint for a runner of the job's notebook only", async () => {
    const boss = await connect({ authorization: 'token test-token' });
    await boss.emitWithAck('notebook.join', { notebook: 'jobs-a' });
    expect(await boss.emitWithAck('cell.run', { notebook: 'jobs-a', cellId: 'endless', source: '', params: {} })).toEqual({ ok: true });
    await waitFor(async () => results.filter((r) => r.cellId === 'endless').length, (n) => n > 0, 60_000);
    const jobId = server.jobs.get({ notebook: 'jobs-a', cellId: 'endless' })!.jobId;

    // walt reads jobs-a: he sees its job, but may not stop it
    const walt = await login('walt');
    await walt.emitWithAck('notebook.join', { notebook: 'jobs-b' });
    const shown = await run(walt, 'jobs-b', 'show');
    expect(shown.status.error).toBeUndefined();
    expect(shown.rows).toContainEqual({ 'job id': jobId, 'job name': 'jobs-a: Ticks', status: 'RUNNING', 'start time': expect.stringMatching(/^\d{4}-\d\d-\d\dT/), $rowKind: '+I' });
    await put('jobs-b', cellsB(`STOP JOB '${jobId}' WITH SAVEPOINT`));
    const refused = await run(walt, 'jobs-b', 'stop');
    expect(refused.status.error).toEqual({ message: `walt may not stop job '${jobId}'`, line: 1 });
    // a runner may run only the saved statements (others are code of his choosing: the writer role)
    expect(await walt.emitWithAck('cell.run', { notebook: 'jobs-b', cellId: 'show', source: `STOP JOB '${jobId}'`, params: {} })).toEqual({
      ok: false,
      error: expect.stringContaining('needs the writer role'),
    });

    // rita runs jobs-a: a mixed cell is refused at its line, the saved STOP JOB takes a savepoint and stops the job
    const rita = await login('rita');
    await rita.emitWithAck('notebook.join', { notebook: 'jobs-a' });
    expect((await run(rita, 'jobs-a', 'mixed')).status.error).toMatchObject({ line: 2, message: expect.stringContaining('run alone') });
    await put('jobs-a', cellsA(`STOP JOB '${jobId}' WITH SAVEPOINT`));
    const stopped = await run(rita, 'jobs-a', 'stop');
    expect(stopped.status.error).toBeUndefined();
    expect(stopped.rows).toEqual([{ 'savepoint path': expect.any(String), $rowKind: '+I' }]);
    const job = await waitFor(async () => server.jobs.byId(jobId)!, (j) => j.status === 'finished', 30_000);
    // as the Jobs page's stop-with-savepoint: a restart resumes from it
    expect(stopped.rows[0]!['savepoint path']).toContain(job.stopSavepoint);
    const after = await run(rita, 'jobs-a', 'show');
    expect(after.rows.find((r) => r['job id'] === jobId)).toMatchObject({ status: 'FINISHED' });
    // SHOW JOBS ran no job
    expect(server.jobs.get({ notebook: 'jobs-a', cellId: 'show' })).toBeUndefined();
    // rita does not read jobs-b: its jobs are not hers to see
    expect(after.rows.every((r) => typeof r['job name'] === 'string' && !(r['job name'] as string).startsWith('jobs-b'))).toBe(true);
  });
});
