import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { JobClient } from '../../api/StreamExecutionEnvironment.js';
import type { JobSnapshot } from '../Job.js';
import { runProgram } from '../../testing/runProgram.js';

/**
 * Nexmark bids (rate-limited, so a savepoint lands mid-stream) keyed by auction % 16 into 1 s windows and a running
 * count per key in ValueState, written by the exactly-once file sink. The keyed operators run at parallelism `p`.
 */
const program = (p: number) => `
import { Nexmark, StreamExecutionEnvironment, TumblingEventTimeWindows, ValueStateDescriptor, WatermarkStrategy } from '@flowbook/engine';
const env = new StreamExecutionEnvironment();
env.setParallelism(${p});
const bids = env
  .fromSource(
    new Nexmark({ seed: 5, count: 6000, ratePerSecond: globalThis.rate, eventsPerSecond: 4000, outOfOrdernessMs: 200 }),
    WatermarkStrategy.forBoundedOutOfOrderness(200).withTimestampAssigner((e) => e.t),
    'nexmark',
  )
  .filter((e) => e.bid !== undefined);
const windows = bids
  .keyBy((e) => e.bid.auction % 16)
  .window(TumblingEventTimeWindows.of(1000))
  .aggregate(
    { createAccumulator: () => 0, add: (e, a) => a + e.bid.price, getResult: (a) => a, merge: (a, b) => a + b },
    { process(key, ctx, [total], out) { out.collect({ kind: 'window', key, end: ctx.window.end, total }); } },
  );
const counts = bids.keyBy((e) => e.bid.auction % 16).process({
  open(ctx) { this.count = ctx.getState(new ValueStateDescriptor('count')); },
  processElement(e, ctx, out) {
    const n = (this.count.value() ?? 0) + 1;
    this.count.update(n);
    out.collect({ kind: 'count', key: ctx.getCurrentKey(), n });
  },
});
windows.union(counts).sinkTo({ connector: 'file-sink', config: { path: globalThis.outDir } });
await env.execute('savepoints');
`;

/** Runs the program; when `savepointAfterMs` is set, takes savepoint `id` then, completes it and cancels the job. */
async function run(p: number, outDir: string, opts: { restoreFrom?: JobSnapshot; savepointAfterMs?: number; id?: number } = {}) {
  const clients: JobClient[] = [];
  const running = runProgram(program(p), {
    globals: { outDir, rate: opts.savepointAfterMs !== undefined || opts.restoreFrom !== undefined ? 4000 : 0 },
    host: {
      onExecution: (c) => clients.push(c),
      ...(opts.restoreFrom ? { jobOptions: () => ({ restoreFrom: opts.restoreFrom! }) } : {}),
    },
  });
  let savepoint: JobSnapshot | undefined;
  if (opts.savepointAfterMs !== undefined) {
    while (clients[0]?.job.status !== 'running') await new Promise((r) => setTimeout(r, 5));
    // From the first record on: peers take a while to start.
    while ((clients[0].job.metrics()[0]?.recordsOut ?? 0) === 0) await new Promise((r) => setTimeout(r, 5));
    await new Promise((r) => setTimeout(r, opts.savepointAfterMs));
    const job = clients[0].job;
    savepoint = structuredClone(await job.checkpoint(opts.id ?? 1));
    job.notifyCheckpointComplete(opts.id ?? 1);
    clients[0].cancel();
  }
  await running;
  return { savepoint, job: clients[0]!.job };
}

/** The committed output lines of a file sink directory, sorted. */
function committed(dir: string): string[] {
  const names = readdirSync(dir).filter((n) => !n.startsWith('.'));
  return names.flatMap((n) => readFileSync(path.join(dir, n), 'utf8').split('\n').filter((l) => l !== '')).sort();
}

describe('slots: aligned checkpoints', () => {
  it('savepoints taken at 1, then across 2 slots, restore 1 → 2 → 1 with the output of a run without failures, exactly once', async () => {
    const expectedDir = mkdtempSync(path.join(tmpdir(), 'slots-expected-'));
    await run(1, expectedDir);
    const expected = committed(expectedDir);
    expect(expected.filter((l) => l.includes('window')).length).toBeGreaterThan(10);

    const dir = mkdtempSync(path.join(tmpdir(), 'slots-rescale-'));
    const first = await run(1, dir, { savepointAfterMs: 300, id: 1 });
    const second = await run(2, dir, { restoreFrom: first.savepoint!, savepointAfterMs: 300, id: 2 });
    expect(second.savepoint!.parallelism).toBeDefined();
    // Keyed state of both subtasks (one per slot) is in the merged savepoint.
    expect(Object.keys(second.savepoint!.operators).filter((k) => k.includes('@1')).length).toBeGreaterThan(0);
    expect(Object.keys(second.savepoint!.operators).filter((k) => k.includes('@0')).length).toBeGreaterThan(0);
    await run(1, dir, { restoreFrom: second.savepoint! });
    expect(committed(dir)).toEqual(expected);
  }, 120_000);
});
