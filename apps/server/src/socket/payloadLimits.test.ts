import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addCells, connectSocket, startTestServer, waitFor } from '../testing.js';

let server: Awaited<ReturnType<typeof startTestServer>>;
const headers = { authorization: 'token test-token', 'content-type': 'application/json' };
/** JSON text of `{"a":{"a":…}}` nested `depth` deep: JSON.stringify itself would overflow on such a value. */
const deepJson = (depth: number) => '{"a":'.repeat(depth) + '{}' + '}'.repeat(depth);

beforeAll(async () => {
  server = await startTestServer();
  await addCells(server, 'generated-sales', ['small']);
});
afterAll(async () => {
  await server.close();
});

const connect = () => connectSocket(server);

/** Sends a socket.io event packet (type 2, ack id 777) written by hand (an attacker's client) and returns the ack's payload. */
function rawEmitWithAck(socket: Socket, event: string, json: string): Promise<unknown> {
  const engine = socket.io.engine;
  return new Promise((resolve) => {
    const onMessage = (data: unknown) => {
      if (typeof data === 'string' && data.startsWith('3777')) {
        engine.off('message', onMessage);
        resolve(JSON.parse(data.slice(4))[0]);
      }
    };
    engine.on('message', onMessage);
    engine.send(`2777[${JSON.stringify(event)},${json}]`);
  });
}

describe('payload limits', () => {
  it('refuses a cell.run with a graph nested 100,000 deep, and the server keeps working', async () => {
    const socket = await connect();
    const poison = `{"notebook":"generated-sales","cellId":"profit","graph":${deepJson(100_000)}}`;
    const ack = (await rawEmitWithAck(socket, 'cell.run', poison)) as { ok: boolean; error?: string };
    expect(ack.ok).toBe(false);
    expect(ack.error).toMatch(/nested deeper than/);
    expect(ack.error).not.toMatch(/call stack/);

    // The same poison over REST: a 400, not a job.
    const rest = await fetch(`${server.origin}/api/v1/jobs`, { method: 'POST', headers, body: `{"graph":${deepJson(100_000)}}` });
    expect(rest.status).toBe(400);
    expect((await rest.json()).error).toMatch(/nested deeper than/);

    // Afterwards jobs still start over REST and over the socket, and run to their end.
    const r = await fetch(`${server.origin}/api/v1/jobs`, { method: 'POST', headers, body: JSON.stringify({ notebook: 'generated-sales', cellId: 'profit' }) });
    expect(r.status).toBe(201);
    const { jobId } = await r.json();
    await fetch(`${server.origin}/api/v1/jobs/${jobId}/cancel`, { method: 'POST', headers });
    const ok = await socket.emitWithAck('cell.run', { notebook: 'generated-sales', cellId: 'small', source: "console.log('still fine');", params: {} });
    expect(ok).toEqual({ ok: true });
    const run = await waitFor(async () => server.jobs.get({ notebook: 'generated-sales', cellId: 'small' }), (j) => j?.status === 'finished');
    expect(run!.logs).toContain('still fine');
    socket.close();
  });

  it('keeps the running-jobs file writable when one entry cannot be written', async () => {
    const { RunningJobsFile } = await import('../jobs/RunningJobsFile.js');
    const file = new RunningJobsFile(server.config.stateDir + '/rj');
    const deep = JSON.parse(deepJson(100_000));
    expect(() => file.set({ notebook: 'n', cellId: 'bad', source: '', graph: deep, params: {}, jobId: 'j1', startedAt: 1 })).toThrow();
    // Before the fix the failed entry stayed in memory and every later write failed with the same error.
    expect(() => file.set({ notebook: 'n', cellId: 'good', source: 'x', params: {}, jobId: 'j2', startedAt: 2 })).not.toThrow();
    expect(file.load().map((e) => e.cellId)).toEqual(['good']);
  });

  it('ends a run, says so and saves its results even when the running-jobs file cannot be written', async () => {
    const { RunningJobsFile } = await import('../jobs/RunningJobsFile.js');
    const { JobManager } = await import('../jobs/JobManager.js');
    class BrokenFile extends RunningJobsFile {
      override delete(): void {
        throw new RangeError('Maximum call stack size exceeded');
      }
    }
    const statuses: string[] = [];
    const ended: string[] = [];
    const jobs = new JobManager((_nb, event, payload) => {
      if (event === 'cell.status') statuses.push((payload as { status: string }).status);
    }, undefined, new BrokenFile(server.config.stateDir + '/broken'), (run) => ended.push(run.ref.cellId));
    const ref = { notebook: 'n', cellId: 'c' };
    await jobs.run(ref, "console.log('done');");
    await waitFor(async () => jobs.get(ref)?.status, (s) => s === 'finished');
    expect(statuses.at(-1)).toBe('finished');
    expect(ended).toEqual(['c']);
    await jobs.shutdown();
  });
});
