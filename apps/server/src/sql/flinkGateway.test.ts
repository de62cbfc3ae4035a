import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { io, type Socket } from 'socket.io-client';
import type { CellStatusMessage, ClientToServerEvents, ResultAppend, ServerToClientEvents } from '@flowbook/protocol';
import { FlinkSqlGatewayClient } from '@flowbook/engine';
import { startApacheFlinkGateway, type ApacheFlinkGateway } from '../../../../packages/engine/src/testing/apacheFlinkGateway.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestServer, waitFor } from '../testing.js';

// The same SQL cells on a real Apache Flink 2.x (MiniCluster + SQL Gateway, jars from Maven Central) and on the
// embedded engine, end to end through the server: the final materialized results must be equal. If the JVM part
// cannot start, beforeAll fails with Flink's log: nothing is skipped.
const server = useTestServer();
const owner = { authorization: 'token test-token', 'content-type': 'application/json' };
let socket: Socket<ServerToClientEvents, ClientToServerEvents>;
let flink: ApacheFlinkGateway;
const statuses: CellStatusMessage[] = [];
const results: ResultAppend[] = [];

const dir = mkdtempSync(path.join(tmpdir(), 'flowbook-flinkgw-'));
const file = path.join(dir, 'clicks.jsonl');
const clicks = [
  ['mary', '/home', '2024-01-01 10:00:01'],
  ['bob', '/cart', '2024-01-01 10:00:12'],
  ['mary', '/prod?id=1', '2024-01-01 10:00:40'],
  ['liz', '/home', '2024-01-01 10:01:05'],
  ['bob', '/prod?id=2', '2024-01-01 10:01:30'],
  ['mary', '/cart', '2024-01-01 10:02:10'],
  ['bob', '/home', '2024-01-01 10:02:15'],
  ['bob', '/prod?id=3', '2024-01-01 10:02:59'],
];
writeFileSync(file, clicks.map(([user, url, ts]) => JSON.stringify({ user, url, ts })).join('\n') + '\n');
const DDL = `CREATE TABLE clicks (\`user\` STRING, url STRING, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '1' SECOND) WITH ('connector' = 'filesystem', 'path' = '${file}', 'format' = 'json')`;
const cells = [
  { id: 'ddl', type: 'sql', source: `${DDL};\nSET 'parallelism.default' = '1'` },
  { id: 'byUser', type: 'sql', source: 'SELECT `user`, COUNT(*) AS n, MAX(url) AS lastUrl FROM clicks GROUP BY `user`' },
  { id: 'perMinute', type: 'sql', source: "SELECT window_start, window_end, COUNT(*) AS n, COUNT(DISTINCT `user`) AS users\nFROM TABLE(TUMBLE(TABLE clicks, DESCRIPTOR(ts), INTERVAL '1' MINUTE))\nGROUP BY window_start, window_end" },
  { id: 'bad', type: 'sql', source: 'SELECT `user`\nFROM clickz' },
  { id: 'insert', type: 'sql', source: "CREATE TEMPORARY TABLE src (n BIGINT) WITH ('connector' = 'datagen', 'rows-per-second' = '5');\nCREATE TEMPORARY TABLE sink (n BIGINT) WITH ('connector' = 'blackhole');\nINSERT INTO sink SELECT n FROM src" },
  { id: 'endless', type: 'sql', source: "CREATE TEMPORARY TABLE ticks (n BIGINT) WITH ('connector' = 'datagen', 'rows-per-second' = '5');\nSELECT n FROM ticks" },
  // its SQL is sent at run time (the job id is known then): STOP JOB ... WITH SAVEPOINT
  { id: 'stop', type: 'sql', source: 'SHOW JOBS' },
];

type Row = Record<string, unknown>;
/** Applies a changelog: +I/+U add the row, -U/-D retract one equal row. Sorted, without $rowKind. */
function materialize(rows: Row[]): string[] {
  const out: string[] = [];
  for (const { $rowKind, ...r } of rows) {
    const key = JSON.stringify(Object.keys(r).sort().map((k) => [k, r[k]]));
    if ($rowKind === '+I' || $rowKind === '+U') out.push(key);
    else {
      const at = out.indexOf(key);
      if (at < 0) throw new Error(`retraction of a row not in the result: ${key}`);
      out.splice(at, 1);
    }
  }
  return out.sort();
}

const statusOf = (cellId: string) => statuses.filter((s) => s.cellId === cellId).at(-1);
async function runCell(cellId: string, on: 'flink' | 'engine', source = ''): Promise<{ rows: Row[]; error?: unknown }> {
  if (on === 'flink') process.env.FLOWBOOK_FLINK_SQL_GATEWAY = flink.url;
  else delete process.env.FLOWBOOK_FLINK_SQL_GATEWAY;
  const since = results.length;
  const sinceStatus = statuses.length;
  try {
    expect(await socket.emitWithAck('cell.run', { notebook: 'flinkgw', cellId, source, params: {} })).toEqual({ ok: true });
  } finally {
    delete process.env.FLOWBOOK_FLINK_SQL_GATEWAY;
  }
  const done = () => statuses.slice(sinceStatus).filter((s) => s.cellId === cellId && (s.status === 'finished' || s.status === 'error')).at(-1);
  await waitFor(async () => done(), (s) => s !== undefined, 80_000, 200);
  return { rows: results.slice(since).filter((r) => r.cellId === cellId).flatMap((r) => r.rows as Row[]), error: done()!.error };
}

beforeAll(async () => {
  flink = await startApacheFlinkGateway();
  await fetch(`${server.origin}/api/notebooks`, { method: 'POST', headers: owner, body: JSON.stringify({ name: 'flinkgw' }) });
  const put = await fetch(`${server.origin}/api/notebooks/flinkgw`, { method: 'PUT', headers: owner, body: JSON.stringify({ version: 1, title: 'Clicks', cells }) });
  expect(put.status).toBe(200);
  socket = io(server.origin, { extraHeaders: { authorization: 'token test-token' }, transports: ['websocket'] });
  socket.on('cell.status', (m) => statuses.push(m));
  socket.on('result.append', (m) => results.push(m));
  await new Promise<void>((resolve, reject) => {
    socket.on('connect', resolve);
    socket.on('connect_error', reject);
  });
  await socket.emitWithAck('notebook.join', { notebook: 'flinkgw' });
}, 240_000);
afterAll(async () => {
  socket?.close();
  await flink?.stop();
});

describe('SQL cells on Apache Flink through its SQL Gateway', { timeout: 180_000 }, () => {
  it('answers /v2/info as Apache Flink 2.x (the response checked by the OpenAPI-derived schema)', async () => {
    const info = await new FlinkSqlGatewayClient(flink.url).info();
    expect(info.productName).toBe('Apache Flink');
    expect(info.version).toMatch(/^2\./);
  });

  it('a GROUP BY with updates: the same final result on Flink and on the embedded engine', async () => {
    const onFlink = await runCell('byUser', 'flink');
    expect(onFlink.error).toBeUndefined();
    // Flink's changelog: updates come as -U/+U pairs.
    expect(onFlink.rows.some((r) => r.$rowKind === '-U')).toBe(true);
    expect(onFlink.rows.some((r) => r.$rowKind === '+U')).toBe(true);
    const onEngine = await runCell('byUser', 'engine');
    expect(onEngine.error).toBeUndefined();
    expect(materialize(onFlink.rows)).toEqual(materialize(onEngine.rows));
    expect(materialize(onFlink.rows)).toEqual(
      materialize([
        { user: 'mary', n: 3, lastUrl: '/prod?id=1', $rowKind: '+I' },
        { user: 'bob', n: 4, lastUrl: '/prod?id=3', $rowKind: '+I' },
        { user: 'liz', n: 1, lastUrl: '/home', $rowKind: '+I' },
      ]),
    );
  });

  it('a tumbling window: the same windows, timestamps shown alike', async () => {
    const onFlink = await runCell('perMinute', 'flink');
    expect(onFlink.error).toBeUndefined();
    const onEngine = await runCell('perMinute', 'engine');
    expect(onEngine.error).toBeUndefined();
    expect(materialize(onFlink.rows)).toEqual(materialize(onEngine.rows));
    expect(onFlink.rows).toContainEqual({ window_start: '2024-01-01 10:00:00.000', window_end: '2024-01-01 10:01:00.000', n: 3, users: 2, $rowKind: '+I' });
    expect(onFlink.rows).toHaveLength(3);
  });

  it("shows Flink's error on the cell, at the line it points to", async () => {
    const r = await runCell('bad', 'flink');
    expect(r.error).toMatchObject({ message: expect.stringMatching(/clickz/), line: 2 });
  });

  it('cancelling the cell cancels the Flink job', async () => {
    process.env.FLOWBOOK_FLINK_SQL_GATEWAY = flink.url;
    const since = results.length;
    try {
      await socket.emitWithAck('cell.run', { notebook: 'flinkgw', cellId: 'endless', source: '', params: {} });
    } finally {
      delete process.env.FLOWBOOK_FLINK_SQL_GATEWAY;
    }
    await waitFor(async () => results.slice(since).filter((r) => r.cellId === 'endless').length, (n) => n > 0, 80_000, 200);
    const running = async () => ((await (await fetch(`${flink.flinkRest}/jobs/overview`)).json()) as { jobs: { state: string }[] }).jobs.filter((j) => j.state === 'RUNNING').length;
    expect(await running()).toBe(1);
    await socket.emitWithAck('cell.cancel', { notebook: 'flinkgw', cellId: 'endless' });
    await waitFor(running, (n) => n === 0, 30_000, 250);
    await waitFor(async () => statusOf('endless')?.status, (s) => s !== 'running', 30_000);
  });

  it('an INSERT is submitted: the cell finishes with the job id, the job keeps running on Flink until STOP JOB', async () => {
    const r = await runCell('insert', 'flink');
    expect(r.error).toBeUndefined();
    const jobId = r.rows.map((row) => Object.values(row).find((v) => typeof v === 'string' && /^[0-9a-f]{32}$/.test(v))).find(Boolean) as string;
    expect(jobId).toMatch(/^[0-9a-f]{32}$/);
    const state = async () => ((await (await fetch(`${flink.flinkRest}/jobs/${jobId}`)).json()) as { state: string }).state;
    expect(['CREATED', 'INITIALIZING', 'RUNNING']).toContain(await state());
    // Flink's own statement stops it with a savepoint, from a SQL cell: the cell's result is the savepoint's path
    await waitFor(state, (s) => s === 'RUNNING', 60_000, 250);
    const savepoints = mkdtempSync(path.join(tmpdir(), 'flowbook-flink-savepoints-'));
    const stop = await runCell('stop', 'flink', `SET 'execution.checkpointing.savepoint-dir' = 'file://${savepoints}';\nSTOP JOB '${jobId}' WITH SAVEPOINT`);
    expect(stop.error).toBeUndefined();
    expect(stop.rows).toEqual([{ 'savepoint path': expect.stringContaining(`${savepoints}/savepoint-`), $rowKind: '+I' }]);
    await waitFor(state, (s) => s === 'FINISHED', 30_000, 250);
  });
});
