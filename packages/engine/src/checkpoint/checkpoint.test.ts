import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Job, migrateGraph, type JobSnapshot } from '../index.js';
import { CheckpointCoordinator } from './CheckpointCoordinator.js';
import { FsCheckpointStorage } from './CheckpointStorage.js';
import { openCheckpointStorage } from './openCheckpointStorage.js';

/** A running sum per key over a generated sales stream (bounded, rate-limited so checkpoints happen midway). */
const graph = (count: number) =>
  migrateGraph({
    version: 1,
    nodes: [
      { id: 'src', type: 'source', config: { connector: 'sales-generator', config: { ratePerSecond: 4000, count, seed: 7 } } },
      { id: 'parse', type: 'map', config: { fn: { code: "(l) => { const f = l.split(','); return { month: f[1], profit: Number(f[4]) }; }" } } },
      { id: 'sum', type: 'reduce', config: { fn: { code: '(a, b) => ({ month: a.month, profit: a.profit + b.profit })' } } },
      { id: 'out', type: 'sink', config: { connector: 'collect', config: { name: 'out' } } },
    ],
    edges: [
      { source: 'src', target: 'parse' },
      { source: 'parse', target: 'sum', partitioning: 'hash', keySelector: { code: '(s) => s.month' } },
      { source: 'sum', target: 'out' },
    ],
  });

async function runToEnd(count: number, restoreFrom?: JobSnapshot): Promise<Map<string, number>> {
  const last = new Map<string, number>();
  const job = new Job(graph(count), { services: { collect: (_s: string, v: unknown) => last.set((v as { month: string }).month, (v as { profit: number }).profit) }, ...(restoreFrom ? { restoreFrom } : {}) });
  await job.run();
  return last;
}

describe('checkpoints', () => {
  it('takes periodic checkpoints while the job runs, and a job restored from one ends with the same state', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'flowbook-chk-'));
    const storage = new FsCheckpointStorage(dir, 2);
    const expected = await runToEnd(2000);

    const job = new Job(graph(2000), { services: { collect: () => {} } });
    const coordinator = new CheckpointCoordinator(job, storage, { intervalMs: 50 });
    coordinator.start();
    const running = job.run();
    // Stop as if the process died halfway: cancel after a few checkpoints.
    await new Promise((r) => setTimeout(r, 250));
    job.cancel();
    await running;
    await coordinator.stop();
    const completed = coordinator.history.filter((h) => h.status === 'completed');
    expect(completed.length).toBeGreaterThanOrEqual(2);
    expect(readdirSync(dir).filter((n) => n.startsWith('chk-')).length).toBe(2); // retained
    const latest = await storage.latest();
    expect(latest?.checkpointId).toBe(completed.at(-1)!.id);
    const restoredResult = await runToEnd(2000, latest);
    // The restored run continues from the checkpointed source position and sums: final sums equal a failure-free run.
    expect(restoredResult).toEqual(expected);
  });

  it('skips a torn or corrupt checkpoint and uses the previous complete one', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'flowbook-chk-'));
    const warnings: string[] = [];
    const storage = new FsCheckpointStorage(dir, 5, (w) => warnings.push(w));
    const snap = (id: number): JobSnapshot => ({ formatVersion: 1, checkpointId: id, timestamp: id, operators: { 'x#0': { n: id } } });
    await storage.write(snap(1));
    await storage.write(snap(2));
    const c3 = await storage.write(snap(3));
    const state = readFileSync(path.join(c3.path, 'state.bin'));
    state[state.length - 2] ^= 0xff; // corrupt
    writeFileSync(path.join(c3.path, 'state.bin'), state);
    const { mkdirSync } = await import('node:fs');
    mkdirSync(path.join(dir, 'chk-4')); // torn: no manifest
    const latest = await storage.latest();
    expect(latest?.checkpointId).toBe(2);
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatch(/chk-4/);
    expect(warnings[1]).toMatch(/checksum/);
  });

  it('keeps each job of a cell (and each key-group range) in a folder of its own', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'flowbook-chk-scope-'));
    const snap = (id: number, n: string): JobSnapshot => ({ formatVersion: 2, checkpointId: id, timestamp: id, operators: { 'x#0': { n } } });
    const a = openCheckpointStorage(root, 'nb-cell', undefined, { jobName: 'orders' });
    const b = openCheckpointStorage(root, 'nb-cell', undefined, { jobName: 'pay/ments' });
    const part = openCheckpointStorage(root, 'nb-cell', undefined, { jobName: 'orders', keyGroups: { start: 0, end: 63 } });
    await a.write(snap(1, 'a'));
    await b.write(snap(1, 'b'));
    await b.write(snap(2, 'b'));
    await part.write(snap(7, 'part'));
    expect((await a.latest())?.operators).toEqual({ 'x#0': { n: 'a' } });
    expect((await b.latest())?.checkpointId).toBe(2);
    expect((await part.latest())?.operators).toEqual({ 'x#0': { n: 'part' } });
    expect(readdirSync(path.join(root, 'nb-cell')).sort()).toEqual(['job-orders', 'job-pay%2Fments']);
    expect(readdirSync(path.join(root, 'nb-cell', 'job-orders')).sort()).toEqual(['chk-1', 'kg-0-63']);
    // What a restart of the cell resumes: every job with checkpoints under the cell.
    expect(await openCheckpointStorage(root, 'nb-cell').jobNames()).toEqual(['orders', 'pay/ments']);
  });

  it('declines a checkpoint it cannot write and keeps the job running', async () => {
    const job = new Job(graph(400), { services: { collect: () => {} } });
    // A directory that cannot be created: its parent is a file.
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'flowbook-chk-')), 'a-file');
    writeFileSync(file, 'x');
    const storage = new FsCheckpointStorage(path.join(file, 'checkpoints'));
    const coordinator = new CheckpointCoordinator(job, storage, { intervalMs: 1_000_000 });
    const running = job.run();
    await new Promise((r) => setTimeout(r, 20));
    const stats = await coordinator.trigger();
    expect(stats?.status).toBe('failed');
    expect(stats?.error).toMatch(/ENOTDIR|EEXIST/);
    expect(coordinator.declined).toBe(1);
    await running;
    expect(job.status).toBe('finished');
  });
});
