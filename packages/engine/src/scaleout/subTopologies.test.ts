import { describe, expect, it } from 'vitest';
import { KafkaSource, StreamExecutionEnvironment, TumblingEventTimeWindows, WatermarkStrategy } from '../index.js';
import { withDeadLetterSink } from '../graph/deadLetterSink.js';
import { splitAtKeyBy } from './subTopologies.js';

const source = () => new KafkaSource({ brokers: ['localhost:9092'], topics: ['clicks'], groupId: 'g', valueOnly: true, idlenessMs: 5000 });

describe('splitAtKeyBy: a job as two sub-topologies around a repartition topic', () => {
  it('puts the source and what precedes the keyBy in part 1, the keyed operator and the rest in part 2', () => {
    const env = new StreamExecutionEnvironment().enableCheckpointing(1000);
    env
      .fromSource(source(), WatermarkStrategy.noWatermarks<{ user: string }>(), 'clicks')
      .map((e) => ({ user: e.user, n: 1 }))
      .keyBy((e) => e.user)
      .window(TumblingEventTimeWindows.of(1000))
      .reduce((a, b) => ({ user: a.user, n: a.n + b.n }))
      .print();
    const graph = env.getPipeline('clicks');
    const split = splitAtKeyBy(graph, 'my job')!;
    expect(split.topic).toBe(`flowbook-my_job-${split.operatorId}-repartition`);
    const p1 = split.part1(2, 6);
    expect(p1.nodes.map((n) => n.type)).toEqual(['source', 'map', 'sink']);
    const sink = p1.nodes.at(-1)!.config as { connector: string; config: Record<string, unknown> };
    expect(sink.connector).toBe('kafka-repartition');
    expect(sink.config).toMatchObject({ topic: split.topic, partitions: 6, writer: 2, kafka: { brokers: ['localhost:9092'] } });
    expect(p1.edges.every((e) => e.partitioning === 'forward')).toBe(true);
    const p2 = split.part2(6, 4);
    expect(p2.nodes.map((n) => n.type)).toEqual(['source', 'window', 'sink']);
    expect((p2.nodes[0]!.config as { config: Record<string, unknown> }).config).toMatchObject({ topic: split.topic, partitions: 6, writers: 4, idlenessMs: 5000 });
    const keyBy = p2.edges.find((e) => e.partitioning === 'hash')!;
    expect([keyBy.source, keyBy.target, keyBy.keySelector]).toEqual([p2.nodes[0]!.id, split.operatorId, graph.edges.find((e) => e.partitioning === 'hash')!.keySelector]);
  });

  it('needs no split without a keyBy, and refuses a second keyBy', () => {
    const stateless = new StreamExecutionEnvironment().enableCheckpointing(1000);
    stateless.fromSource(source(), WatermarkStrategy.noWatermarks<{ user: string }>(), 'clicks').print();
    expect(splitAtKeyBy(stateless.getPipeline('x'), 'j')).toBeUndefined();
    const twice = new StreamExecutionEnvironment().enableCheckpointing(1000);
    twice
      .fromSource(source(), WatermarkStrategy.noWatermarks<{ user: string; page: string }>(), 'clicks')
      .keyBy((e) => e.user)
      .reduce((a) => a)
      .keyBy((e) => e.page)
      .reduce((a) => a)
      .print();
    expect(() => splitAtKeyBy(twice.getPipeline('x'), 'j')).toThrow(/a second keyBy/);
  });

  it('runs a sink fed from both sides (the dead-letter sink) in both parts', () => {
    const env = new StreamExecutionEnvironment().enableCheckpointing(1000);
    env
      .fromSource(source(), WatermarkStrategy.noWatermarks<{ user: string }>(), 'clicks')
      .map((e) => ({ user: e.user, n: 1 }))
      .keyBy((e) => e.user)
      .reduce((a, b) => ({ user: a.user, n: a.n + b.n }))
      .print();
    const graph = withDeadLetterSink(env.getPipeline('clicks'));
    const split = splitAtKeyBy(graph, 'j')!;
    const p1 = split.part1(0, 4);
    const p2 = split.part2(4, 4);
    const dead = (g: typeof p1) => g.edges.filter((e) => e.target === '__dead-letters').map((e) => g.nodes.find((n) => n.id === e.source)!.type);
    expect(dead(p1)).toEqual(['source', 'map']);
    expect(dead(p2)).toEqual(['reduce']);
    for (const g of [p1, p2]) expect(g.nodes.filter((n) => n.id === '__dead-letters')).toHaveLength(1);
  });
});
