import { MessageChannel, threadId } from 'node:worker_threads';
import { afterAll, describe, expect, it } from 'vitest';
import { runProgram } from '../../testing/runProgram.js';
import { PeerThreadPool } from './PeerThreadPool.js';
import { RemotePeerThreads } from './RemotePeerThreads.js';

/** A p=2 job whose map records its thread; a peer subtask throws when the global `failPeer` is set. */
const program = `
import { StreamExecutionEnvironment } from '@flowbook/engine';
import { isMainThread, threadId } from 'node:worker_threads';
const env = new StreamExecutionEnvironment();
env.setParallelism(2);
env
  .fromSequence(0, 1999)
  .map((x) => {
    if (!isMainThread && globalThis.failPeer) throw new Error('boom in the served peer');
    return threadId;
  })
  .sinkTo({ connector: 'collect', config: { name: 'out' } });
await env.execute('served');
`;

// The pool is served over a port, as a TaskManager's main thread serves the thread that runs each job's slot 0.
const pool = new PeerThreadPool();
const channel = new MessageChannel();
const stop = pool.serve(channel.port1);
const remote = new RemotePeerThreads(channel.port2);
afterAll(async () => {
  stop();
  await pool.close();
});

const run = (failPeer: boolean) =>
  runProgram(program, { host: { slots: { program: { source: program, globals: { failPeer } }, peerThreads: remote } } });
const peerThreads = (rows: unknown[] | undefined) => {
  expect(rows).toHaveLength(2000);
  return [...new Set(rows as number[])].filter((t) => t !== threadId);
};

describe('peer threads served from another thread', () => {
  it('serve a second run of the program warm; a failed job\'s thread is stopped, not reused', async () => {
    const first = peerThreads((await run(false)).results.out);
    const second = peerThreads((await run(false)).results.out);
    expect(first).toHaveLength(1);
    expect(second).toEqual(first);
    expect(pool.leased).toBe(0);

    await expect(run(true)).rejects.toThrow('boom in the served peer');
    for (let i = 0; i < 100 && pool.leased > 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(pool.leased).toBe(0);
    const after = peerThreads((await run(false)).results.out);
    expect(after).toHaveLength(1);
    expect(after).not.toEqual(first);
  }, 60_000);
});

describe('a served pool whose client thread is gone', () => {
  it('stops the threads still leased through it, and does not pool them', async () => {
    // A thread that waits for messages, as a peer does between jobs.
    const entry = `data:text/javascript,${encodeURIComponent("import { parentPort } from 'node:worker_threads'; parentPort.on('message', () => {});")}`;
    const own = new PeerThreadPool();
    const { port1, port2 } = new MessageChannel();
    const stopServing = own.serve(port1);
    const lease = new RemotePeerThreads(port2).take({ entry, execArgv: [], program: 'p' });
    // The lease's own port reaches the thread once the pool gave it out.
    await new Promise<void>((resolve) => {
      lease.control.on('message', () => {});
      const check = () => (own.leased === 1 ? resolve() : setTimeout(check, 10));
      check();
    });
    // Slot 0's thread exited without ending its lease (it was stopped, or crashed).
    stopServing();
    for (let i = 0; i < 100 && own.leased > 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(own.leased).toBe(0);
    expect(own.idleFor('p')).toBe(0);
    port2.close();
    await own.close();
  }, 30_000);
});
