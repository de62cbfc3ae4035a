import { describe, expect, it } from 'vitest';
import '../connectors/index.js';
import { GlobalWindows } from '../windows/assigners/GlobalWindows.js';
import { StreamExecutionEnvironment } from './StreamExecutionEnvironment.js';

describe('GlobalWindows.createWithEndOfStreamTrigger()', () => {
  it('fires each key\'s global window once, at the end of the input', async () => {
    const env = new StreamExecutionEnvironment();
    const words = env.fromElements('a', 'b', 'a', 'c', 'a', 'b');
    const counts = await words
      .map((w) => ({ w, n: 1 }))
      .keyBy((x) => x.w)
      .window(GlobalWindows.createWithEndOfStreamTrigger())
      .reduce((a, b) => ({ w: a.w, n: a.n + b.n }))
      .executeAndCollect();
    expect(counts.sort((x, y) => x.w.localeCompare(y.w))).toEqual([{ w: 'a', n: 3 }, { w: 'b', n: 2 }, { w: 'c', n: 1 }]);
    // The graph records the trigger, so the pipeline runs the same from its JSON (a canvas, the REST API).
    expect(env.getPipeline().nodes.find((n) => n.type === 'window')!.config).toMatchObject({ assigner: { kind: 'global' }, trigger: { kind: 'eventTime' } });
  });

  it('stays silent with the plain GlobalWindows.create() (its trigger never fires)', async () => {
    const env = new StreamExecutionEnvironment();
    const out = await env.fromElements(1, 2, 3).keyBy((x) => x % 2).window(GlobalWindows.create()).reduce((a, b) => a + b).executeAndCollect();
    expect(out).toEqual([]);
  });
});
