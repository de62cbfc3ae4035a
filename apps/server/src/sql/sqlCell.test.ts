import { io, type Socket } from 'socket.io-client';
import type { CellStatusMessage, ClientToServerEvents, ResultAppend, ServerToClientEvents } from '@flowbook/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestServer, waitFor } from '../testing.js';

// SQL cells run end to end: socket cell.run → generated program → worker → engine's runSqlScript → LiveSink → socket.
const server = useTestServer();
const owner = { authorization: 'token test-token', 'content-type': 'application/json' };
let socket: Socket<ServerToClientEvents, ClientToServerEvents>;
const statuses: CellStatusMessage[] = [];
const results: ResultAppend[] = [];
const logs: { cellId: string; lines: string[] }[] = [];
const statusOf = (cellId: string) => statuses.filter((s) => s.cellId === cellId).at(-1);

const DDL = "CREATE TABLE orders (id BIGINT, price INT) WITH ('connector' = 'datagen', 'number-of-rows' = '20', 'rows-per-second' = '1000', 'fields.id.kind' = 'sequence', 'fields.id.start' = '1', 'fields.id.end' = '20', 'fields.price.min' = '1', 'fields.price.max' = '1');";
const cells = [
  { id: 'ddl', type: 'sql', source: `${DDL}\nSELECT * FROM orders` },
  { id: 'count', type: 'sql', title: 'Count', source: 'SELECT COUNT(*) AS n, SUM(price) AS total FROM orders', mode: 'single', template: '{0} orders' },
  { id: 'bad', type: 'sql', source: 'SELECT id\nFROM ordres' },
  { id: 'plan', type: 'sql', source: 'EXPLAIN SELECT id FROM orders WHERE price > 0' },
  { id: 'broken', type: 'sql', title: 'Broken DDL', source: "CREATE TABLE broken (a INT WITH ('connector' = 'datagen')" },
  { id: 'below', type: 'sql', source: 'SELECT id FROM orders' },
];

// A function written in a TypeScript code cell, used from a SQL cell below it (Flink's CREATE FUNCTION ... AS).
const fnCells = [
  { id: 'fns', type: 'code', language: 'typescript', title: 'Pricing', source: 'export const withTax = (p: number | null) => (p === null ? null : p * 1.25);' },
  { id: 'taxed', type: 'sql', source: `${DDL}\nCREATE TEMPORARY FUNCTION with_tax AS 'Pricing.withTax';\nSELECT id, with_tax(price) AS gross FROM orders WHERE id <= 2` },
  // an AggregateFunction and a TableFunction (a subclass of the engine's) from a code cell
  {
    id: 'statsFns',
    type: 'code',
    language: 'typescript',
    title: 'Stats',
    source: [
      "import { TableFunction } from '@flowbook/engine';",
      'export class Total { resultType = "BIGINT"; createAccumulator() { return { s: 0 }; } accumulate(a: { s: number }, v: number | null) { a.s += v ?? 0; } getValue(a: { s: number }) { return a.s; } }',
      'export class Upto extends TableFunction<number> { eval(n: number) { for (let i = 1; i <= n; i++) this.collect(i); } }',
    ].join('\n'),
  },
  {
    id: 'stats',
    type: 'sql',
    // orders comes from the cell above (the notebook catalog)
    source: `CREATE FUNCTION total AS 'Stats.Total';\nCREATE FUNCTION upto AS 'Stats.Upto';\nSELECT total(i) AS t FROM orders, LATERAL TABLE(upto(id)) AS U(i) WHERE id <= 3`,
  },
];

beforeAll(async () => {
  for (const [name, nbCells] of [['sql', cells], ['sqlfns', fnCells]] as const) {
    await fetch(`${server.origin}/api/notebooks`, { method: 'POST', headers: owner, body: JSON.stringify({ name }) });
    const put = await fetch(`${server.origin}/api/notebooks/${name}`, { method: 'PUT', headers: owner, body: JSON.stringify({ version: 1, title: 'Shop', cells: nbCells }) });
    expect(put.status).toBe(200);
  }
  socket = io(server.origin, { extraHeaders: { authorization: 'token test-token' }, transports: ['websocket'] });
  socket.on('cell.status', (m) => statuses.push(m));
  socket.on('result.append', (m) => results.push(m));
  socket.on('cell.log', (m) => logs.push(m));
  await new Promise<void>((resolve, reject) => {
    socket.on('connect', resolve);
    socket.on('connect_error', reject);
  });
  await socket.emitWithAck('notebook.join', { notebook: 'sql' });
});
afterAll(() => {
  socket.close();
});

// Each run starts a worker that loads the SQL parser: 10-15 s on a loaded 2-core machine.
describe('SQL cells', { timeout: 90_000 }, () => {
  it("runs a query over a table created in a cell above; the result is Flink's changelog", async () => {
    expect(await socket.emitWithAck('cell.run', { notebook: 'sql', cellId: 'count', source: '', params: {} })).toEqual({ ok: true });
    await waitFor(async () => statusOf('count')?.status, (s) => s === 'finished' || s === 'error', 60_000);
    expect(statusOf('count')?.error).toBeUndefined();
    const rows = results.filter((r) => r.cellId === 'count').flatMap((r) => r.rows);
    // Only the query's columns and the row kind: no record timestamp is added to SQL rows.
    expect(rows[0]).toEqual({ n: 1, total: 1, $rowKind: '+I' });
    expect(rows.at(-1)).toMatchObject({ n: 20, total: 20, $rowKind: '+U' });
    expect(rows.filter((r) => r.$rowKind === '-U')).toHaveLength(19);
    // The job is named after the notebook and the cell's title.
    expect(server.jobs.get({ notebook: 'sql', cellId: 'count' })!.jobName).toBe('Shop: Count');
  });

  it("marks the error's line in the cell's own SQL", async () => {
    await socket.emitWithAck('cell.run', { notebook: 'sql', cellId: 'bad', source: '', params: {} });
    await waitFor(async () => statusOf('bad')?.status, (s) => s === 'error', 60_000);
    // the column too: the editor underlines from there
    expect(statusOf('bad')!.error).toMatchObject({ line: 2, column: 6, message: expect.stringContaining('ordres') });
  });

  it('names the cell above whose statement fails, and marks no line in this one', async () => {
    await socket.emitWithAck('cell.run', { notebook: 'sql', cellId: 'below', source: '', params: {} });
    await waitFor(async () => statusOf('below')?.status, (s) => s === 'error', 60_000);
    const error = statusOf('below')!.error!;
    expect(error.message).toContain('in catalog statement 2 (cell "Broken DDL" above):');
    expect(error.line).toBeUndefined();
  });

  it('shows the plan of an EXPLAIN as the cell log', async () => {
    await socket.emitWithAck('cell.run', { notebook: 'sql', cellId: 'plan', source: '', params: {} });
    await waitFor(async () => statusOf('plan')?.status, (s) => s === 'finished' || s === 'error', 60_000);
    expect(statusOf('plan')!.error).toBeUndefined();
    expect(logs.filter((l) => l.cellId === 'plan').flatMap((l) => l.lines).join('\n')).toMatch(/orders/);
  });

  it('aggregates with an AggregateFunction and joins a TableFunction exported by a code cell above', async () => {
    await socket.emitWithAck('notebook.join', { notebook: 'sqlfns' });
    expect(await socket.emitWithAck('cell.run', { notebook: 'sqlfns', cellId: 'stats', source: '', params: {} })).toEqual({ ok: true });
    await waitFor(async () => statusOf('stats')?.status, (s) => s === 'finished' || s === 'error', 60_000);
    expect(statusOf('stats')?.error).toBeUndefined();
    // ids 1..3 give 1; 1, 2; 1, 2, 3: the running total of those six rows
    const rows = results.filter((r) => r.cellId === 'stats').flatMap((r) => r.rows);
    expect(rows.filter((r) => r.$rowKind !== '-U').map((r) => r.t)).toEqual([1, 2, 4, 5, 7, 10]);
  });

  // last: it joins another notebook
  it("calls a function exported by a code cell above (CREATE FUNCTION ... AS 'Pricing.withTax')", async () => {
    await socket.emitWithAck('notebook.join', { notebook: 'sqlfns' });
    expect(await socket.emitWithAck('cell.run', { notebook: 'sqlfns', cellId: 'taxed', source: '', params: {} })).toEqual({ ok: true });
    await waitFor(async () => statusOf('taxed')?.status, (s) => s === 'finished' || s === 'error', 60_000);
    expect(statusOf('taxed')?.error).toBeUndefined();
    expect(results.filter((r) => r.cellId === 'taxed').flatMap((r) => r.rows)).toEqual([
      { id: 1, gross: 1.25, $rowKind: '+I' },
      { id: 2, gross: 1.25, $rowKind: '+I' },
    ]);
  });
});
