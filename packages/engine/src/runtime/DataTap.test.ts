import { describe, expect, it } from 'vitest';
import { Job, StreamExecutionEnvironment, TumblingEventTimeWindows, WatermarkStrategy } from '../index.js';
import { DataTap } from './DataTap.js';

describe('DataTap', () => {
  it('merges another slot\'s records in their order, numbered in its own sequence, keeping the last N', () => {
    const tap = new DataTap(3);
    tap.push('a', 1, 0);
    const other = new DataTap(3);
    other.push('x', 5, 2, 'late');
    other.push('y', 6, 2);
    tap.merge(other.records());
    expect(tap.records().map((r) => [r.seq, r.value, r.timestamp, r.tag])).toEqual([
      [0, 'a', 1, undefined],
      [1, 'x', 5, 'late'],
      [2, 'y', 6, undefined],
    ]);
    tap.merge([{ seq: 0, value: 'z', timestamp: null, watermark: null, at: 7 }]);
    expect(tap.records().map((r) => [r.seq, r.value, r.at])).toEqual([
      [1, 'x', expect.any(Number)],
      [2, 'y', expect.any(Number)],
      [3, 'z', 7],
    ]);
  });

  it('keeps the last N records in order, with sequence numbers for incremental reads', () => {
    const tap = new DataTap(3);
    for (let i = 0; i < 5; i++) tap.push(i, i * 10, Number.NEGATIVE_INFINITY);
    expect(tap.records().map((r) => [r.seq, r.value, r.timestamp, r.watermark])).toEqual([
      [2, 2, 20, null],
      [3, 3, 30, null],
      [4, 4, 40, null],
    ]);
    expect(tap.records(3).map((r) => r.value)).toEqual([4]);
    tap.push('late', 5, 1000, 'late-data');
    expect(tap.records(4)).toEqual([expect.objectContaining({ value: 'late', timestamp: 5, watermark: 1000, tag: 'late-data' })]);
  });

  it('taps a running job: an operator\'s output with event time and watermark, side outputs tagged, a sink\'s input', async () => {
    const env = new StreamExecutionEnvironment();
    env
      .fromCollection(Array.from({ length: 20 }, (_, i) => ({ k: i % 2, t: i * 100 })))
      .assignTimestampsAndWatermarks(WatermarkStrategy.forMonotonousTimestamps<{ k: number; t: number }>().withTimestampAssigner((e) => e.t))
      .keyBy((e) => e.k)
      .window(TumblingEventTimeWindows.of(1000))
      .reduce((a, b) => ({ k: a.k, t: Math.max(a.t, b.t) }))
      .sinkTo({ connector: 'collect', config: { name: 'out' } });
    const graph = env.getPipeline('tapped');
    const job = new Job(graph, { services: { collect: () => {} } });
    const windowNode = graph.nodes.find((n) => n.type === 'window')!.id;
    const sinkNode = graph.nodes.find((n) => n.type === 'sink')!.id;
    const sourceTap = job.tap(graph.nodes[0]!.id, 5)!;
    const windowTap = job.tap(windowNode, 100)!;
    const sinkTap = job.tap(sinkNode, 100)!;
    await job.run();
    expect(sourceTap.seq).toBe(20);
    expect(sourceTap.records().map((r) => (r.value as { t: number }).t)).toEqual([1500, 1600, 1700, 1800, 1900]);
    // Two keys × two windows; results carry the window's max timestamp, as in Flink.
    expect(windowTap.records().map((r) => [r.value, r.timestamp])).toEqual([
      [{ k: 0, t: 800 }, 999],
      [{ k: 1, t: 900 }, 999],
      [{ k: 0, t: 1800 }, 1999],
      [{ k: 1, t: 1900 }, 1999],
    ]);
    // They fire at the end of input (the final watermark, shown as null: it is not a time).
    expect(windowTap.records().every((r) => r.watermark === null)).toBe(true);
    expect(sinkTap.records().map((r) => r.value)).toEqual(windowTap.records().map((r) => r.value));
    expect(job.tap(windowNode, 0)).toBeUndefined();
    expect(() => job.tap('nope', 5)).toThrow('no node "nope"');
  });
});
