import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { io } from 'socket.io-client';
import type { CellStatusMessage, ResultAppend } from '@flowbook/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addCells, connectSocket, repoRoot, useTestServer, type TestSocket } from '../testing.js';

const server = useTestServer();
let socket: TestSocket;
const statuses: CellStatusMessage[] = [];
const results: ResultAppend[] = [];
const NB = 'generated-sales';

const waitFor = async (cond: () => boolean, ms = 20_000) => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 50));
  }
};
const statusOf = (cellId: string) => statuses.filter((s) => s.cellId === cellId).at(-1)?.status;

beforeAll(async () => {
  // Code from the client runs only under a cell of the saved notebook: add the cells these tests run their code in.
  await addCells(server, NB, ['crash', 'syntax', 'loop', 'form']);
  socket = await connectSocket(server);
  socket.on('cell.status', (m) => statuses.push(m));
  socket.on('result.append', (m) => results.push(m));
  await socket.emitWithAck('notebook.join', { notebook: NB });
});
afterAll(async () => {
  socket.close();
});

describe('running cells', () => {
  it('runs the sample cell in a worker and streams window results live', async () => {
    const nb = JSON.parse(await readFile(path.join(repoRoot, 'notebooks', `${NB}.flowbook.json`), 'utf8'));
    const source = nb.cells.find((c: { id: string }) => c.id === 'profit').source;
    expect(await socket.emitWithAck('cell.run', { notebook: NB, cellId: 'profit', source })).toEqual({ ok: true });
    await waitFor(() => results.filter((r) => r.cellId === 'profit').length >= 2);
    expect(statusOf('profit')).toBe('running');
    // The job's worker has the old generation of FLOWBOOK_WORKER_MEMORY_MB and the young one of FLOWBOOK_YOUNG_GENERATION_MB.
    const limits = server.jobs.get({ notebook: NB, cellId: 'profit' })!.worker!.resourceLimits!;
    expect(limits.maxOldGenerationSizeMb).toBe(1024);
    expect(limits.maxYoungGenerationSizeMb).toBe(192);
    const rows = results.filter((r) => r.cellId === 'profit').flatMap((r) => r.rows);
    expect(rows[0]).toMatchObject({ month: expect.any(String), profit: expect.any(Number), sales: expect.any(Number), windowEnd: expect.any(Number) });
    // 2-second tumbling windows: window ends are multiples of 2000.
    expect(rows.every((r) => (r.windowEnd as number) % 2000 === 0)).toBe(true);
    expect(await socket.emitWithAck('cell.cancel', { notebook: NB, cellId: 'profit' })).toEqual({ ok: true });
    await waitFor(() => statusOf('profit') === 'cancelled');
    // The last results are saved with the notebook, to be shown when it is opened again.
    const saved = async () => (await (await fetch(`${server.origin}/api/notebooks/${NB}`, { headers: { authorization: 'token test-token' } })).json()).notebook.cells[1].outputs;
    let outputs = await saved();
    for (let i = 0; i < 50 && outputs?.status !== 'cancelled'; i++) {
      await new Promise((r) => setTimeout(r, 100));
      outputs = await saved();
    }
    expect(outputs.status).toBe('cancelled');
    expect(outputs.results.profit.rows.length).toBeGreaterThan(0);
    expect(outputs.results.profit.rows[0]).toMatchObject({ month: expect.any(String) });
  }, 40_000);

  it('reports a crashing cell with its line, and the server keeps serving', async () => {
    await socket.emitWithAck('cell.run', { notebook: NB, cellId: 'crash', source: 'const a = 1;\nconst b = 2;\nthrow new Error("boom " + (a + b));\n' });
    await waitFor(() => statusOf('crash') === 'error');
    const last = statuses.filter((s) => s.cellId === 'crash').at(-1)!;
    expect(last.error?.message).toBe('boom 3');
    expect(last.error?.line).toBe(3);
    const r = await fetch(`${server.origin}/api/notebooks`, { headers: { authorization: 'token test-token' } });
    expect(r.status).toBe(200);
  });

  it('reports a compile error with its line', async () => {
    await socket.emitWithAck('cell.run', { notebook: NB, cellId: 'syntax', source: 'const ok = 1;\nconst = 2;\n' });
    await waitFor(() => statusOf('syntax') === 'error');
    expect(statuses.filter((s) => s.cellId === 'syntax').at(-1)!.error?.line).toBe(2);
  });

  it('stops an endless loop on cancel by terminating its worker', async () => {
    await socket.emitWithAck('cell.run', { notebook: NB, cellId: 'loop', source: 'while (true) {}' });
    await waitFor(() => statusOf('loop') === 'running');
    await new Promise((r) => setTimeout(r, 300));
    await socket.emitWithAck('cell.cancel', { notebook: NB, cellId: 'loop' });
    await waitFor(() => statusOf('loop') === 'cancelled', 10_000);
    expect(server.jobs.get({ notebook: NB, cellId: 'loop' })?.worker).toBeUndefined();
  });

  it('passes dynamic form values to the cell as params', async () => {
    const logs: string[] = [];
    socket.on('cell.log', (m) => m.cellId === 'form' && logs.push(...m.lines));
    await socket.emitWithAck('cell.run', { notebook: NB, cellId: 'form', source: 'declare const params: { city: string; n: number };\nconsole.log(`${params.city}:${params.n * 2}`);', params: { city: 'Oslo', n: 21 } });
    await waitFor(() => statusOf('form') === 'finished');
    await waitFor(() => logs.includes('Oslo:42'));
  });

  it('validates socket messages', async () => {
    const ack = await socket.emitWithAck('cell.run', { notebook: '../etc', cellId: 'x', source: '' } as never);
    expect(ack.ok).toBe(false);
  });

  it('refuses sockets without the token or from another origin', async () => {
    const tryConnect = (opts: Parameters<typeof io>[1]) =>
      new Promise<string>((resolve) => {
        const s = io(server.origin, { ...opts, reconnection: false });
        s.on('connect', () => {
          s.close();
          resolve('connected');
        });
        s.on('connect_error', (e) => {
          s.close();
          resolve(e.message);
        });
      });
    expect(await tryConnect({ transports: ['websocket'] })).not.toBe('connected');
    expect(await tryConnect({ transports: ['polling'], extraHeaders: { authorization: 'token test-token', origin: 'http://evil.example' } })).not.toBe('connected');
    expect(await tryConnect({ transports: ['polling'], extraHeaders: { authorization: 'token test-token' } })).toBe('connected');
  });
});
