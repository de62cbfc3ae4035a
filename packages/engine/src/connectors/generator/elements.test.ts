import { describe, expect, it } from 'vitest';
import { serialize, deserialize } from 'node:v8';
import { StreamExecutionEnvironment } from '../../api/StreamExecutionEnvironment.js';
import { type JobSnapshot } from '../../index.js';
import { runWithSnapshot } from '../../testing/runWithSnapshot.js';
import '../index.js';

class Point {
  constructor(
    readonly x: number,
    readonly y: number,
  ) {}
  norm(): number {
    return Math.hypot(this.x, this.y);
  }
}

describe('fromCollection hands elements over without copies', () => {
  it('the same objects reach a map, class instances keep their prototype', async () => {
    const points = [new Point(3, 4), new Point(6, 8)];
    const seen: unknown[] = [];
    const env = new StreamExecutionEnvironment();
    const norms = await env
      .fromCollection(points)
      .map((p) => {
        seen.push(p);
        return p.norm();
      })
      .executeAndCollect();
    expect(norms).toEqual([5, 10]);
    expect(seen[0]).toBe(points[0]);
    expect(seen[1]).toBe(points[1]);
  });

  it('fromElements too, and the graph holds the caller array by reference', () => {
    const a = { id: 1 };
    const env = new StreamExecutionEnvironment();
    env.fromElements(a);
    const g = env.getPipeline();
    const cfg = (g.nodes[0]!.config.config as { elements: unknown[] }).elements;
    expect(cfg[0]).toBe(a);
    // The rest of the node is a copy: later API calls do not change a graph already taken.
    expect(g.nodes[0]).not.toBe(env.nodes[0]);
  });

  it('strings that look like secret placeholders are elements, not placeholders', async () => {
    const env = new StreamExecutionEnvironment();
    expect(await env.fromElements('${env:FLOWBOOK_SURELY_UNSET}').executeAndCollect()).toEqual(['${env:FLOWBOOK_SURELY_UNSET}']);
  });

  it('elements that are not an array are still rejected by the schema', () => {
    const env = new StreamExecutionEnvironment();
    env.fromSource({ connector: 'elements', config: { elements: 'nope' } }, { spec: { kind: 'noWatermarks' } } as never).print();
    expect(() => env.executeAsync('bad')).toThrow(/elements/);
  });

  it('the graph stays serializable when it crosses a thread (structured clone) or is shown as JSON', () => {
    const env = new StreamExecutionEnvironment();
    env.fromCollection([new Point(1, 2)]).print();
    const g = env.getPipeline();
    const viaThread = deserialize(serialize(g)) as typeof g;
    expect((viaThread.nodes[0]!.config.config as { elements: unknown[] }).elements).toEqual([{ x: 1, y: 2 }]);
    expect(JSON.parse(JSON.stringify(g)).nodes[0].config.config.elements).toEqual([{ x: 1, y: 2 }]);
  });
});

describe('fromCollection splits over parallel subtasks', () => {
  const N = 50_000;
  const graph = (parallelism: number) => {
    const env = new StreamExecutionEnvironment();
    env.setParallelism(parallelism);
    env
      .fromCollection(Array.from({ length: N }, (_, i) => i))
      .map((x) => x)
      .sinkTo({ connector: 'collect', config: { name: 'out' } });
    return env.getPipeline('split');
  };
  const run = (parallelism: number, options: { restoreFrom?: JobSnapshot; snapshotAfter?: number } = {}) =>
    runWithSnapshot(graph(parallelism), (v) => v as number, options);

  it('at parallelism 2 each subtask reads its range: every element exactly once', async () => {
    const { out, job } = await run(2);
    expect(job.metrics().find((m) => m.type === 'source')!.parallelism).toBe(2);
    expect(out.length).toBe(N);
    expect(new Set(out).size).toBe(N);
  });

  it.each([
    [2, 2],
    [2, 1],
    [1, 3],
  ])('restores per subtask from parallelism %i to %i: nothing lost or read twice', async (before, after) => {
    const first = await run(before, { snapshotAfter: 12_000 });
    expect(first.snapshot).toBeDefined();
    expect(first.out.length).toBeLessThan(N);
    const second = await run(after, { restoreFrom: first.snapshot! });
    const all = [...first.out, ...second.out].sort((a, b) => a - b);
    expect(all).toEqual(Array.from({ length: N }, (_, i) => i));
  });
});
