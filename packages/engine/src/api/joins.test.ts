import { describe, expect, it } from 'vitest';
import {
  StreamExecutionEnvironment,
  TumblingEventTimeWindows,
  ValueStateDescriptor,
  WatermarkStrategy,
  type KeyedCoProcessFunction,
  type ValueStateLike,
} from '../index.js';

const ts = <T extends { t: number }>() => WatermarkStrategy.forMonotonousTimestamps<T>().withTimestampAssigner((e) => e.t);

async function collect<T>(env: StreamExecutionEnvironment, stream: { sinkTo(s: { connector: string; config: unknown }): unknown }): Promise<T[]> {
  stream.sinkTo({ connector: 'collect', config: { name: 'out' } });
  const out: T[] = [];
  await env.executeAsync('t', { collect: (_s: string, v: unknown) => out.push(v as T) }).getJobExecutionResult();
  return out;
}

describe('connect, window join and interval join', () => {
  it('connects two keyed streams with shared keyed state (a control stream filtering words)', async () => {
    const env = StreamExecutionEnvironment.getExecutionEnvironment();
    const control = env.fromElements('drop', 'skip');
    const words = env.fromElements('keep', 'drop', 'skip', 'keep', 'other');
    type F = KeyedCoProcessFunction<string, string, string, string> & { blocked?: ValueStateLike<boolean> };
    const fn: F = {
      open(ctx) {
        this.blocked = ctx.getState(new ValueStateDescriptor<boolean>('blocked'));
      },
      processElement1(word) {
        this.blocked!.update(true);
        void word;
      },
      processElement2(word, _ctx, out) {
        if (!this.blocked!.value()) out.collect(word);
      },
    };
    // Control elements come first (the first source is read first); both inputs keyed by the word.
    const out = await collect<string>(env, control.connect(words).keyBy((w) => w, (w) => w).process(fn));
    expect(out.sort()).toEqual(['keep', 'keep', 'other']);
  });

  it('joins pairs of the same key in the same tumbling window', async () => {
    const env = StreamExecutionEnvironment.getExecutionEnvironment();
    type Order = { id: string; t: number; amount: number };
    type Ship = { id: string; t: number; carrier: string };
    const orders = env
      .fromCollection<Order>([
        { id: 'o1', t: 100, amount: 5 },
        { id: 'o2', t: 900, amount: 7 },
        { id: 'o1', t: 1200, amount: 9 },
      ])
      .assignTimestampsAndWatermarks(ts<Order>());
    const ships = env
      .fromCollection<Ship>([
        { id: 'o1', t: 500, carrier: 'dhl' },
        { id: 'o2', t: 1500, carrier: 'ups' },
        { id: 'o1', t: 1800, carrier: 'fedex' },
      ])
      .assignTimestampsAndWatermarks(ts<Ship>());
    const out = await collect<string>(
      env,
      orders
        .join(ships)
        .where((o) => o.id)
        .equalTo((s) => s.id)
        .window(TumblingEventTimeWindows.of(1000))
        .apply((o, s) => `${o.id}:${o.amount}:${s.carrier}`),
    );
    // o2 (t=900) and its shipment (t=1500) fall in different windows: no pair, as in Flink.
    expect(out.sort()).toEqual(['o1:5:dhl', 'o1:9:fedex']);
  });

  it('joins within a time interval with Flink’s bounds and result timestamps', async () => {
    const env = StreamExecutionEnvironment.getExecutionEnvironment();
    type E = { k: string; t: number };
    const left = env.fromCollection<E>([{ k: 'a', t: 1000 }, { k: 'a', t: 5000 }, { k: 'b', t: 1000 }]).assignTimestampsAndWatermarks(ts<E>());
    const right = env
      .fromCollection<E>([{ k: 'a', t: 0 }, { k: 'a', t: 1500 }, { k: 'a', t: 3000 }, { k: 'a', t: 3001 }, { k: 'b', t: 999 }])
      .assignTimestampsAndWatermarks(ts<E>());
    const out = await collect<string>(
      env,
      left
        .keyBy((e) => e.k)
        .intervalJoin(right.keyBy((e) => e.k))
        .between(-1000, 2000)
        .process<string>({
          processElement(l, r, ctx, o) {
            o.collect(`${l.k}:${l.t}-${r.t}@${ctx.timestamp()}`);
          },
        }),
    );
    // For left t: right t ∈ [t − 1000, t + 2000], inclusive; the result timestamp is max(left, right).
    expect(out.sort()).toEqual(['a:1000-0@1000', 'a:1000-1500@1500', 'a:1000-3000@3000', 'b:1000-999@1000'].sort());
  });

  it('honours exclusive interval bounds', async () => {
    const env = StreamExecutionEnvironment.getExecutionEnvironment();
    type E = { k: string; t: number };
    const left = env.fromCollection<E>([{ k: 'a', t: 1000 }]).assignTimestampsAndWatermarks(ts<E>());
    const right = env.fromCollection<E>([{ k: 'a', t: 0 }, { k: 'a', t: 500 }, { k: 'a', t: 3000 }]).assignTimestampsAndWatermarks(ts<E>());
    const out = await collect<string>(
      env,
      left
        .keyBy((e) => e.k)
        .intervalJoin(right.keyBy((e) => e.k))
        .between(-1000, 2000)
        .lowerBoundExclusive()
        .upperBoundExclusive()
        .process<string>({ processElement: (l, r, _c, o) => o.collect(`${l.t}-${r.t}`) }),
    );
    expect(out).toEqual(['1000-500']);
  });

  it('unions streams and takes the minimum watermark', async () => {
    const env = StreamExecutionEnvironment.getExecutionEnvironment();
    type E = { k: string; t: number };
    const a = env.fromCollection<E>([{ k: 'x', t: 100 }, { k: 'x', t: 1100 }]).assignTimestampsAndWatermarks(ts<E>());
    const b = env.fromCollection<E>([{ k: 'x', t: 200 }]).assignTimestampsAndWatermarks(ts<E>());
    const out = await a
      .union(b)
      .keyBy((e) => e.k)
      .window(TumblingEventTimeWindows.of(1000))
      .reduce((p, q) => ({ k: p.k, t: p.t + q.t }))
      .executeAndCollect();
    expect(out).toEqual([{ k: 'x', t: 300 }, { k: 'x', t: 1100 }]);
  });
});
