import { describe, expect, it } from 'vitest';
import { StreamExecutionEnvironment, TumblingEventTimeWindows, WatermarkStrategy } from '../index.js';

describe('job metrics', () => {
  it('counts every record once per operator, in and out', async () => {
    const env = StreamExecutionEnvironment.getExecutionEnvironment();
    const events = Array.from({ length: 100 }, (_, i) => ({ k: i % 4, t: i * 100 }));
    env
      .fromCollection(events)
      .assignTimestampsAndWatermarks(WatermarkStrategy.forMonotonousTimestamps<{ k: number; t: number }>().withTimestampAssigner((e) => e.t))
      .keyBy((e) => e.k)
      .window(TumblingEventTimeWindows.of(1000))
      .reduce((a, b) => ({ k: a.k, t: Math.max(a.t, b.t) }))
      .sinkTo({ connector: 'collect', config: { name: 'out' } });
    const client = env.executeAsync('metrics', { collect: () => {} });
    await client.getJobExecutionResult();
    const m = Object.fromEntries(client.job.metrics().map((o) => [o.type, o]));
    expect(m.source).toMatchObject({ recordsIn: 100, recordsOut: 100 });
    expect(m.assignTimestampsAndWatermarks).toMatchObject({ recordsIn: 100, recordsOut: 100 });
    // 10 one-second windows × 4 keys.
    expect(m.window).toMatchObject({ recordsIn: 100, recordsOut: 40 });
    expect(m.sink).toMatchObject({ recordsIn: 40 });
  });
});
