import { describe, expect, it } from 'vitest';
import { StreamExecutionEnvironment } from '../../../api/StreamExecutionEnvironment.js';
import { Nexmark, WatermarkStrategy, type JobSnapshot, type NexmarkEvent } from '../../../index.js';
import { runWithSnapshot } from '../../../testing/runWithSnapshot.js';
import { NexmarkGenerator } from './NexmarkGenerator.js';
import '../../index.js';

const N = 30_000;
/** Every event as text: the generator makes each event from its id, so the set of texts names the ids read. */
const key = (e: NexmarkEvent) => JSON.stringify(e);
const expected = new NexmarkGenerator({ seed: 9, eventsPerSecond: 10_000 }).take(N).map(key).sort();

function graph(parallelism: number) {
  const env = new StreamExecutionEnvironment();
  env.setParallelism(parallelism);
  env
    .fromSource(new Nexmark({ seed: 9, count: N, ratePerSecond: 0, eventsPerSecond: 10_000 }), WatermarkStrategy.forMonotonousTimestamps<NexmarkEvent>().withTimestampAssigner((e) => e.t), 'nexmark')
    .map((e) => e)
    .sinkTo({ connector: 'collect', config: { name: 'out' } });
  return env.getPipeline('nexmark splits');
}

const run = (parallelism: number, options: { restoreFrom?: JobSnapshot; snapshotAfter?: number } = {}) =>
  runWithSnapshot(graph(parallelism), (v) => key(v as NexmarkEvent), options);

describe('the Nexmark source splits its event ids among subtasks', () => {
  it('generates each event from its id: seeking to an id gives the event a full run gives there', () => {
    const gen = new NexmarkGenerator({ seed: 9, eventsPerSecond: 10_000 });
    gen.seek(12_345);
    expect(key(gen.next())).toBe(key(new NexmarkGenerator({ seed: 9, eventsPerSecond: 10_000 }).take(12_346)[12_345]!));
  });

  it('at parallelism 2 each subtask reads its lane: every event exactly once', async () => {
    const { out, job } = await run(2);
    expect(job.metrics().find((m) => m.type === 'source')!.parallelism).toBe(2);
    expect(out.sort()).toEqual(expected);
  });

  it.each([
    [2, 2],
    [2, 1],
    [1, 3],
    [3, 2],
  ])('restores from parallelism %i to %i: nothing lost or read twice', async (before, after) => {
    const first = await run(before, { snapshotAfter: 9_000 });
    expect(first.snapshot).toBeDefined();
    expect(first.out.length).toBeLessThan(N);
    const second = await run(after, { restoreFrom: first.snapshot! });
    expect([...first.out, ...second.out].sort()).toEqual(expected);
  });

  it('restores a snapshot of the single-subtask format ({ emitted })', async () => {
    const first = await run(1, { snapshotAfter: 9_000 });
    const state = Object.entries(first.snapshot!.operators).find(([k]) => k.startsWith('source'))!;
    const emitted = first.out.length;
    const old: JobSnapshot = { ...first.snapshot!, operators: { ...first.snapshot!.operators, [state[0]]: { emitted } } };
    const second = await run(1, { restoreFrom: old });
    expect([...first.out, ...second.out].sort()).toEqual(expected);
  });
});
