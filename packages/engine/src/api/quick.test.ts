import { describe, expect, it } from 'vitest';
import { StreamExecutionEnvironment, TumblingEventTimeWindows, WatermarkStrategy, EventTimeSessionWindows } from '../index.js';

describe('quick', () => {
  it('tumbling event time sum', async () => {
    const env = StreamExecutionEnvironment.getExecutionEnvironment();
    const out = await env
      .fromElements({ k: 'a', v: 1, t: 1000 }, { k: 'a', v: 2, t: 1500 }, { k: 'b', v: 5, t: 1200 }, { k: 'a', v: 3, t: 2500 })
      .assignTimestampsAndWatermarks(WatermarkStrategy.forBoundedOutOfOrderness<{ k: string; v: number; t: number }>(0).withTimestampAssigner((e) => e.t))
      .keyBy((e) => e.k)
      .window(TumblingEventTimeWindows.of(1000))
      .reduce((a, b) => ({ ...a, v: a.v + b.v }))
      .executeAndCollect();
    expect(out).toEqual([{ k: 'a', v: 3, t: 1000 }, { k: 'b', v: 5, t: 1200 }, { k: 'a', v: 3, t: 2500 }]);
  });
  it('sessions merge', async () => {
    const env = StreamExecutionEnvironment.getExecutionEnvironment();
    const out = await env
      .fromElements({ k: 'a', t: 1000 }, { k: 'a', t: 4000 }, { k: 'a', t: 2500 }, { k: 'a', t: 10000 })
      .assignTimestampsAndWatermarks(WatermarkStrategy.forBoundedOutOfOrderness<{ k: string; t: number }>(5000).withTimestampAssigner((e) => e.t))
      .keyBy((e) => e.k)
      .window(EventTimeSessionWindows.withGap(2000))
      .process<string>({ process(key, ctx, els, out) { out.collect(`${key}:${(ctx.window as any).start}-${(ctx.window as any).end}:${els.length}`); } })
      .executeAndCollect();
    expect(out).toEqual(['a:1000-6000:3', 'a:10000-12000:1']);
  });
});
