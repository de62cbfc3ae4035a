import { describe, expect, it } from 'vitest';
import { StreamExecutionEnvironment, TumblingEventTimeWindows, WatermarkStrategy } from '../index.js';

type Order = { id: string; t: number; amount: number };
type Ship = { id: string; t: number; carrier: string };

const ts = <T extends { t: number }>() => WatermarkStrategy.forBoundedOutOfOrderness<T>(500).withTimestampAssigner((e) => e.t);

async function collect<T>(env: StreamExecutionEnvironment, stream: { sinkTo(s: { connector: string; config: unknown }): unknown }): Promise<T[]> {
  stream.sinkTo({ connector: 'collect', config: { name: 'out' } });
  const out: T[] = [];
  await env.executeAsync('t', { collect: (_s: string, v: unknown) => out.push(v as T) }).getJobExecutionResult();
  return out;
}

describe('window coGroup', () => {
  it('calls the function once per key and window with each side’s elements, an empty array for a missing side', async () => {
    const env = StreamExecutionEnvironment.getExecutionEnvironment();
    const orders = env
      .fromCollection<Order>([
        { id: 'o1', t: 300, amount: 5 },
        { id: 'o1', t: 100, amount: 7 }, // out of time order: the function still sees arrival order
        { id: 'o2', t: 400, amount: 1 },
        { id: 'o1', t: 1200, amount: 9 },
      ])
      .assignTimestampsAndWatermarks(ts<Order>());
    const ships = env
      .fromCollection<Ship>([
        { id: 'o1', t: 500, carrier: 'dhl' },
        { id: 'o3', t: 600, carrier: 'ups' },
        { id: 'o1', t: 200, carrier: 'gls' },
        { id: 'o1', t: 1800, carrier: 'fedex' },
      ])
      .assignTimestampsAndWatermarks(ts<Ship>());
    const out = await collect<string>(
      env,
      orders
        .coGroup(ships)
        .where((o) => o.id)
        .equalTo((s) => s.id)
        .window(TumblingEventTimeWindows.of(1000))
        .apply<string>((os, ss, o) => {
          const id = os[0]?.id ?? ss[0]!.id;
          o.collect(`${id} [${os.map((x) => x.amount).join(',')}] [${ss.map((x) => x.carrier).join(',')}]`);
        })
        // The result's timestamp is the window's maxTimestamp (end − 1).
        .process<string>({ processElement: (v, ctx, o) => o.collect(`${v} @${ctx.timestamp()}`) }),
    );
    expect(out.sort()).toEqual([
      'o1 [5,7] [dhl,gls] @999',
      'o1 [9] [fedex] @1999',
      'o2 [1] [] @999', // left only: a join would emit nothing for o2
      'o3 [] [ups] @999', // right only
    ]);
  });

  it('builds a windowCoGroup node keyed on each side, with trigger and allowed lateness in its config', () => {
    const env = StreamExecutionEnvironment.getExecutionEnvironment();
    const a = env.fromElements({ id: 'x', t: 1 });
    const b = env.fromElements({ key: 'x', t: 2 });
    a.coGroup(b)
      .where((o) => o.id)
      .equalTo((s) => s.key)
      .window(TumblingEventTimeWindows.of(1000))
      .allowedLateness(250)
      .apply((xs, ys, out) => out.collect(xs.length + ys.length), 'counts')
      .print();
    const g = env.getPipeline();
    const node = g.nodes.find((n) => n.type === 'windowCoGroup')!;
    expect(node.name).toBe('counts');
    expect(node.config).toMatchObject({ assigner: { kind: 'tumbling', time: 'event', size: 1000, offset: 0 }, allowedLateness: 250 });
    const ins = g.edges.filter((e) => e.target === node.id).sort((x, y) => x.targetInput - y.targetInput);
    expect(ins.map((e) => [e.targetInput, e.partitioning, e.keySelector?.code])).toEqual([
      [0, 'hash', '(o) => o.id'],
      [1, 'hash', '(s) => s.key'],
    ]);
  });
});
