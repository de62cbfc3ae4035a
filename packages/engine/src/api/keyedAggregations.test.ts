import { describe, expect, it } from 'vitest';
import { StreamExecutionEnvironment } from '../index.js';

type S = { k: string; v: number; id: number };
const data: S[] = [
  { k: 'a', v: 3, id: 1 },
  { k: 'b', v: 1, id: 2 },
  { k: 'a', v: 1, id: 3 },
  { k: 'a', v: 5, id: 4 },
];

describe('rolling aggregations on keyed streams', () => {
  const env = () => StreamExecutionEnvironment.getExecutionEnvironment();
  it('sum, min, max, minBy, maxBy as in Flink', async () => {
    expect((await env().fromCollection(data).keyBy((s) => s.k).sum('v').executeAndCollect()).map((s) => s.v)).toEqual([3, 1, 4, 9]);
    expect((await env().fromCollection(data).keyBy((s) => s.k).min('v').executeAndCollect()).map((s) => [s.v, s.id])).toEqual([[3, 1], [1, 2], [1, 1], [1, 1]]);
    expect((await env().fromCollection(data).keyBy((s) => s.k).max('v').executeAndCollect()).map((s) => s.v)).toEqual([3, 1, 3, 5]);
    expect((await env().fromCollection(data).keyBy((s) => s.k).minBy('v').executeAndCollect()).map((s) => s.id)).toEqual([1, 2, 3, 3]);
    expect((await env().fromCollection(data).keyBy((s) => s.k).maxBy('v').executeAndCollect()).map((s) => s.id)).toEqual([1, 2, 1, 4]);
  });
  it('aggregate with an AggregateFunction, and fromSequence', async () => {
    const avg = await env()
      .fromCollection(data)
      .keyBy((s) => s.k)
      .aggregate({ createAccumulator: () => [0, 0], add: (s: S, [n, c]: number[]) => [n + s.v, c + 1], getResult: ([n, c]: number[]) => n! / c! })
      .executeAndCollect();
    expect(avg).toEqual([3, 1, 2, 3]);
    expect(await env().fromSequence(1, 5).map((x) => x * x).executeAndCollect()).toEqual([1, 4, 9, 16, 25]);
  });
});
