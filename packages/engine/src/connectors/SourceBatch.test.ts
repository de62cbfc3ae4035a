import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { StreamExecutionEnvironment, WatermarkStrategy } from '../index.js';
import { NO_TIMESTAMP } from '../time/Watermark.js';
import { registerConnector } from './registry.js';
import { SourceBatch } from './SourceBatch.js';
import type { SourceContext } from './SourceFunction.js';

describe('SourceBatch', () => {
  it('emits a full batch before the next record, and the rest on flush', () => {
    const calls: [unknown[], number[]][] = [];
    const ctx = {
      collectBatchWithTimestamps: (values: readonly unknown[], timestamps: Float64Array | readonly number[], n = values.length) =>
        calls.push([values.slice(0, n), Array.from(timestamps).slice(0, n)]),
    } as unknown as SourceContext;
    const batch = new SourceBatch(ctx, 2);
    batch.add('a', 1);
    batch.add('b', 2);
    expect(calls).toEqual([]);
    batch.add('c');
    batch.flush();
    batch.flush();
    expect(calls).toEqual([
      [['a', 'b'], [1, 2]],
      [['c'], [NO_TIMESTAMP]],
    ]);
  });
});

registerConnector({
  name: 'source-batch-untimed',
  description: 'one batch without timestamps',
  configSchema: z.object({}),
  createSource: () => ({
    async run(ctx) {
      ctx.collectBatch(['x', 'y', 'z', 'unused'], 3);
    },
    cancel() {},
  }),
});

describe('the source context', () => {
  it('emits a batch without timestamps as collect() would, and executeAndCollect takes batches up to its limit', async () => {
    const env = new StreamExecutionEnvironment();
    const got: [unknown, number][] = [];
    env.fromSource({ connector: 'source-batch-untimed', config: {} }, WatermarkStrategy.noWatermarks<string>()).sinkTo({ connector: 'collect', config: { name: 'out' } });
    await env.executeAsync('untimed', { collect: (_s: string, v: unknown, t: number) => got.push([v, t]) }).getJobExecutionResult();
    expect(got).toEqual([
      ['x', NO_TIMESTAMP],
      ['y', NO_TIMESTAMP],
      ['z', NO_TIMESTAMP],
    ]);
    expect(await new StreamExecutionEnvironment().fromSequence(1, 10_000).map((n) => n * 2).executeAndCollect(5)).toEqual([2, 4, 6, 8, 10]);
  });
});
