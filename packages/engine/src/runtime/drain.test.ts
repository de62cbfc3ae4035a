import { describe, expect, it } from 'vitest';
import { Job, Nexmark, StreamExecutionEnvironment, TumblingEventTimeWindows, WatermarkStrategy, type NexmarkEvent, type TimeWindow } from '../index.js';

type Out = { end: number; key: number; bids: number };

/** Nexmark bids per auction % 4 in 1 s event-time windows, read at `ratePerSecond` so a stop lands midway. */
function pipeline(ratePerSecond: number) {
  const env = new StreamExecutionEnvironment();
  env
    .fromSource(new Nexmark({ seed: 3, count: 4000, ratePerSecond, eventsPerSecond: 2000, outOfOrdernessMs: 100 }), WatermarkStrategy.forBoundedOutOfOrderness<NexmarkEvent>(100).withTimestampAssigner((e) => e.t), 'nexmark')
    .filter((e) => e.bid !== undefined)
    .keyBy((e) => e.bid!.auction % 4)
    .window(TumblingEventTimeWindows.of(1000))
    .aggregate(
      { createAccumulator: () => 0, add: (_e: NexmarkEvent, n: number) => n + 1, getResult: (n: number) => n, merge: (a: number, b: number) => a + b },
      { process: (key, ctx, [n], out) => out.collect({ end: (ctx.window as TimeWindow).end, key: key as number, bids: n! }) },
    )
    .sinkTo({ connector: 'collect', config: { name: 'out' } });
  return env.getPipeline();
}

describe('stop with savepoint and drain', () => {
  it('fires every open window, takes the savepoint after that, and finishes; resuming reads on from where the source stopped', async () => {
    const out: Out[] = [];
    const job = new Job(pipeline(4000), { services: { collect: (_s: string, v: unknown) => out.push(v as Out) } });
    const running = job.run();
    await new Promise((r) => setTimeout(r, 300));
    const firedBefore = out.length;
    const snapshot = structuredClone(await job.drainWithSavepoint(7));
    expect(await running).toBe('finished');
    // The final watermark fired the windows that were still open (one per key at least).
    expect(out.length).toBeGreaterThanOrEqual(firedBefore + 4);
    const lastEnd = Math.max(...out.map((o) => o.end));
    expect(snapshot.checkpointId).toBe(7);
    // Windows were purged when they fired: the savepoint holds no window contents.
    const win = Object.entries(snapshot.operators).find(([k]) => k.startsWith('window'))![1] as { keyed: { tables: { size: number }[] } };
    expect(win.keyed.tables.reduce((n, t) => n + t.size, 0)).toBe(0);

    // Resumed, the source goes on after the last record it had read: bids counted before and after add up to all of them.
    const rest: Out[] = [];
    await new Job(pipeline(0), { services: { collect: (_s: string, v: unknown) => rest.push(v as Out) }, restoreFrom: snapshot }).run();
    const all: Out[] = [];
    await new Job(pipeline(0), { services: { collect: (_s: string, v: unknown) => all.push(v as Out) } }).run();
    const total = (xs: Out[]) => xs.reduce((n, o) => n + o.bids, 0);
    expect(total(out) + total(rest)).toBe(total(all));
    expect(rest.every((o) => o.end >= lastEnd)).toBe(true);
  });
});
