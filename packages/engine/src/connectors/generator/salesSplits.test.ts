import { describe, expect, it } from 'vitest';
import { StreamExecutionEnvironment } from '../../api/StreamExecutionEnvironment.js';
import { SalesGenerator, WatermarkStrategy, type JobSnapshot } from '../../index.js';
import { runWithSnapshot } from '../../testing/runWithSnapshot.js';
import { mulberry32 } from './random.js';
import { salesLine, salesLineAt } from './sales.js';
import '../index.js';

const N = 20_000;
/** The lines one generator drawing in sequence makes (the source's output before it split). */
const sequential = (() => {
  const rand = mulberry32(7);
  return Array.from({ length: N }, () => salesLine(rand));
})();

function graph(parallelism: number) {
  const env = new StreamExecutionEnvironment();
  env.setParallelism(parallelism);
  env
    .fromSource(new SalesGenerator({ seed: 7, count: N, ratePerSecond: 0 }), WatermarkStrategy.noWatermarks<string>(), 'sales')
    .map((l) => l)
    .sinkTo({ connector: 'collect', config: { name: 'out' } });
  return env.getPipeline('sales splits');
}

const run = (parallelism: number, options: { restoreFrom?: JobSnapshot; snapshotAfter?: number } = {}) =>
  runWithSnapshot(graph(parallelism), (v) => v as string, options);

describe('the sales generator splits its lines among subtasks', () => {
  it('line i depends only on the seed and i: the lines of a generator drawing in sequence', () => {
    expect(Array.from({ length: N }, (_, i) => salesLineAt(7, i))).toEqual(sequential);
    expect(salesLineAt(7, 3_000_000_000)).toMatch(/^\d\d-\d\d-2018,[A-Z][a-z]+,Category\d,\w+,\d+$/);
  });

  it('at parallelism 1 emits the lines in order; at 2 each subtask its lane, every line once', async () => {
    expect((await run(1)).out).toEqual(sequential);
    const { out, job } = await run(2);
    expect(job.metrics().find((m) => m.type === 'source')!.parallelism).toBe(2);
    expect(out.sort()).toEqual([...sequential].sort());
  });

  it.each([
    [2, 1],
    [1, 3],
  ])('restores from parallelism %i to %i: nothing lost or read twice', async (before, after) => {
    const first = await run(before, { snapshotAfter: 6_000 });
    expect(first.out.length).toBeLessThan(N);
    const second = await run(after, { restoreFrom: first.snapshot! });
    expect([...first.out, ...second.out].sort()).toEqual([...sequential].sort());
  });

  it('restores a snapshot of the single-subtask format ({ emitted })', async () => {
    const first = await run(1, { snapshotAfter: 6_000 });
    const state = Object.entries(first.snapshot!.operators).find(([k]) => k.startsWith('source'))!;
    const old: JobSnapshot = { ...first.snapshot!, operators: { ...first.snapshot!.operators, [state[0]]: { emitted: first.out.length } } };
    const second = await run(1, { restoreFrom: old });
    expect([...first.out, ...second.out]).toEqual(sequential);
  });
});
