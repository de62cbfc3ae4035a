import { describe, expect, it } from 'vitest';
import { runProgram } from './testProgram.js';

/** A keyed event-time window job whose map records the thread it ran in. */
const keyedWindow = (p: number) => `
import { StreamExecutionEnvironment, TumblingEventTimeWindows, WatermarkStrategy } from '@flowbook/engine';
import { threadId } from 'node:worker_threads';
const env = new StreamExecutionEnvironment();
env.setParallelism(${p});
const data = Array.from({ length: 20000 }, (_, i) => ({ k: i % 37, v: i, t: i * 10 }));
const mapped = env
  .fromCollection(data)
  .assignTimestampsAndWatermarks(WatermarkStrategy.forMonotonousTimestamps().withTimestampAssigner((e) => e.t))
  .rebalance()
  .map((e) => ({ ...e, thread: threadId }));
mapped.map((e) => e.thread).sinkTo({ connector: 'collect', config: { name: 'threads' } });
mapped
  .keyBy((e) => e.k)
  .window(TumblingEventTimeWindows.of(1000))
  .reduce((a, b) => ({ ...a, v: a.v + b.v }))
  .map((e) => ({ k: e.k, v: e.v }))
  .sinkTo({ connector: 'collect', config: { name: 'out' } });
await env.execute('keyed');
`;

const sorted = (rows: unknown[]) => rows.map((r) => JSON.stringify(r)).sort();

describe('slots', () => {
  it('a p=2 keyed window job gives the results of p=1, its map running in two threads', async () => {
    const one = await runProgram(keyedWindow(1));
    const two = await runProgram(keyedWindow(2));
    expect(two.results.out!.length).toBe(one.results.out!.length);
    expect(sorted(two.results.out!)).toEqual(sorted(one.results.out!));
    expect(new Set(one.results.threads).size).toBe(1);
    expect(new Set(two.results.threads).size).toBe(2);
  }, 60_000);
});
