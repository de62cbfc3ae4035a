import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CheckpointCoordinator } from '../checkpoint/CheckpointCoordinator.js';
import { FsCheckpointStorage } from '../checkpoint/CheckpointStorage.js';
import { executeGraph, migrateGraph, RestartStrategies, StreamExecutionEnvironment, type Job, type RestartInfo } from '../index.js';
import { effectiveRestartStrategy, RestartBackoff } from './RestartStrategy.js';

describe('RestartBackoff', () => {
  it('fixed-delay restarts N times with the delay, then gives up', () => {
    const b = new RestartBackoff(RestartStrategies.fixedDelayRestart(2, 500));
    expect(b.onFailure(0)).toEqual({ restart: true, delayMs: 500 });
    expect(b.onFailure(1)).toEqual({ restart: true, delayMs: 500 });
    expect(b.onFailure(2)).toEqual({ restart: false, delayMs: 0 });
  });

  it('failure-rate gives up only when too many failures fall within the interval', () => {
    const b = new RestartBackoff(RestartStrategies.failureRateRestart(2, 1000, 10));
    expect(b.onFailure(0).restart).toBe(true);
    expect(b.onFailure(500).restart).toBe(true);
    expect(b.onFailure(900).restart).toBe(false); // 3 failures within 1 s
    const c = new RestartBackoff(RestartStrategies.failureRateRestart(2, 1000, 10));
    c.onFailure(0);
    c.onFailure(500);
    expect(c.onFailure(1600)).toEqual({ restart: true, delayMs: 10 }); // the first two left the interval
  });

  it('exponential-delay multiplies the backoff up to the max, with jitter, and resets after a long healthy run', () => {
    const noJitter = new RestartBackoff(RestartStrategies.exponentialDelayRestart(100, 1000, 2, 10_000, 0));
    const delays = [0, 10, 20, 30, 40, 50].map((t) => noJitter.onFailure(t).delayMs);
    expect(delays).toEqual([100, 200, 400, 800, 1000, 1000]);
    expect(noJitter.onFailure(60 + 10_000).delayMs).toBe(100);
    const jittered = new RestartBackoff(RestartStrategies.exponentialDelayRestart(1000, 60_000, 1.5, 3_600_000, 0.1), () => 1);
    expect(jittered.onFailure(0).delayMs).toBe(1100);
  });

  it('defaults like Flink: exponential delay with checkpointing, no restart without', () => {
    expect(effectiveRestartStrategy(undefined, true).type).toBe('exponential-delay');
    expect(effectiveRestartStrategy(undefined, false).type).toBe('none');
    expect(effectiveRestartStrategy({ type: 'fixed-delay', attempts: 1, delayMs: 0 }, true).type).toBe('fixed-delay');
  });
});

/**
 * A failure injected once: the map throws at the first element ≥ `failAt` seen after `globalThis[key + ':armed']` is
 * set (state kept outside the job, like a flaky dependency).
 */
function flakyGraph(count: number, failAt: number, strategy = RestartStrategies.fixedDelayRestart(3, 10), key = `flaky-${Math.random()}`) {
  (globalThis as Record<string, unknown>)[key] = false;
  (globalThis as Record<string, unknown>)[key + ':armed'] ??= true;
  const env = new StreamExecutionEnvironment();
  env.setRestartStrategy(strategy).enableCheckpointing(20);
  const failCode = `(x) => { if (x >= ${failAt} && globalThis[${JSON.stringify(key + ':armed')}] && !globalThis[${JSON.stringify(key)}]) { globalThis[${JSON.stringify(key)}] = true; throw new Error('boom at ' + x); } return x; }`;
  env
    .fromCollection(Array.from({ length: count }, (_, i) => i), 'numbers')
    .map(new Function(`return ${failCode}`)() as (x: number) => number)
    .map((x: number) => ({ k: x % 4, s: x }))
    .keyBy((r: { k: number }) => r.k)
    .reduce((a: { k: number; s: number }, b: { k: number; s: number }) => ({ k: a.k, s: a.s + b.s }))
    .sinkTo({ connector: 'collect', config: { name: 'sums' } });
  return env.getPipeline('flaky');
}

describe('JobExecution', () => {
  it('restarts a failed job from the latest completed checkpoint: final sums equal a failure-free run', async () => {
    const count = 400_000;
    // Armed once a checkpoint has completed, so the restart has one to restore.
    const key = 'flaky-restore';
    (globalThis as Record<string, unknown>)[key + ':armed'] = false;
    const graph = flakyGraph(count, 100_000, RestartStrategies.fixedDelayRestart(3, 10), key);
    const storage = new FsCheckpointStorage(mkdtempSync(path.join(tmpdir(), 'flowbook-restart-')), 2);
    const last = new Map<number, number>();
    const restarts: RestartInfo[] = [];
    const coordinators: CheckpointCoordinator[] = [];
    const nextId = () => Math.max(0, ...coordinators.flatMap((c) => c.history.map((h) => h.id))) + 1;
    const client = executeGraph(graph, 'flaky', {
      services: { collect: (_s: string, v: unknown) => last.set((v as { k: number }).k, (v as { s: number }).s) },
      // As the server's worker does: a coordinator per attempt; the elements source yields between batches, where checkpoints are taken.
      onJobSubmitted: (job: Job) => {
        coordinators.forEach((c) => c.stop());
        const c = new CheckpointCoordinator(job, storage, { intervalMs: 1 }, nextId());
        const trigger = c.trigger.bind(c);
        c.trigger = async () => {
          const stats = await trigger();
          if (stats?.status === 'completed') (globalThis as Record<string, unknown>)[key + ':armed'] = true;
          return stats;
        };
        coordinators.push(c);
        c.start();
      },
      onRestart: (info) => restarts.push(info),
      latestCheckpoint: () => storage.latest(),
    });
    const result = await client.getJobExecutionResult();
    expect(result.status).toBe('finished');
    expect(restarts).toHaveLength(1);
    expect((restarts[0]!.error as Error).message).toMatch(/^boom at \d+$/);
    expect(client.execution.restarts).toBe(1);
    expect(client.execution.failures[0]!.message).toBe((restarts[0]!.error as Error).message);
    // Keyed running sums: restored state + replay from the checkpointed position = the sums of a run without failure.
    const expected = new Map<number, number>();
    for (let i = 0; i < count; i++) expected.set(i % 4, (expected.get(i % 4) ?? 0) + i);
    coordinators.forEach((c) => c.stop());
    // The last emitted value per key is the key's final running sum.
    expect(last).toEqual(expected);
    expect(restarts[0]!.restoreCheckpointId).toBeGreaterThan(0);
  });

  it('gives up after the strategy\'s attempts and rejects with the last error', async () => {
    const env = new StreamExecutionEnvironment();
    env.setRestartStrategy(RestartStrategies.fixedDelayRestart(2, 1));
    env.fromElements(1, 2, 3).map((x: number) => {
      if (x === 2) throw new Error('always fails');
      return x;
    }).sinkTo({ connector: 'collect', config: { name: 'x' } });
    const attempts: number[] = [];
    const client = executeGraph(env.getPipeline('failing'), 'failing', { services: { collect: () => {} }, onJobSubmitted: (_j, _n, a) => attempts.push(a) });
    await expect(client.getJobExecutionResult()).rejects.toThrow('always fails');
    expect(attempts).toEqual([0, 1, 2]);
    expect(client.execution.failures).toHaveLength(3);
  });

  it('cancel during a restart delay ends the job as cancelled without another attempt', async () => {
    const env = new StreamExecutionEnvironment();
    env.setRestartStrategy(RestartStrategies.fixedDelayRestart(5, 10_000));
    env.fromElements(1).map(() => {
      throw new Error('fails');
    }).sinkTo({ connector: 'collect', config: { name: 'x' } });
    const attempts: number[] = [];
    const client = executeGraph(env.getPipeline('c'), 'c', { services: { collect: () => {} }, onJobSubmitted: (_j, _n, a) => attempts.push(a), onRestart: () => setTimeout(() => client.cancel(), 10) });
    await expect(client.getJobExecutionResult()).resolves.toMatchObject({ status: 'cancelled' });
    expect(attempts).toEqual([0]);
  });

  it('keeps the restart strategy in the graph JSON', () => {
    const g = flakyGraph(10, 5, RestartStrategies.exponentialDelayRestart(200));
    const again = migrateGraph(JSON.parse(JSON.stringify(g)));
    expect(again.config.restartStrategy).toMatchObject({ type: 'exponential-delay', initialBackoffMs: 200 });
  });
});
