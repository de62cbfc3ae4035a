import { describe, expect, it } from 'vitest';
import { Job, Nexmark, StreamExecutionEnvironment, TumblingEventTimeWindows, ValueStateDescriptor, WatermarkStrategy, type JobSnapshot, type KeyedProcessFunction, type NexmarkEvent, type TimeWindow } from '../index.js';
import { assignToKeyGroup, operatorIndexForKeyGroup } from '../state/keyGroups.js';

type Out = { kind: 'window' | 'count'; key: number; end?: number; bids: number; total?: number; subtask: number };


/**
 * Nexmark bids (event time, out of order) keyed by auction % 16: 1 s tumbling windows (count, sum) and a running
 * count per key in ValueState. `parallelism` sets the job's parallelism (sources and sinks stay one subtask).
 */
function pipeline(parallelism: number, ratePerSecond: number) {
  const env = new StreamExecutionEnvironment();
  env.setParallelism(parallelism);
  const bids = env
    .fromSource(
      new Nexmark({ seed: 5, count: 6000, ratePerSecond, eventsPerSecond: 4000, outOfOrdernessMs: 200 }),
      WatermarkStrategy.forBoundedOutOfOrderness<NexmarkEvent>(200).withTimestampAssigner((e) => e.t),
      'nexmark',
    )
    .filter((e) => e.bid !== undefined);
  bids
    .keyBy((e) => e.bid!.auction % 16)
    .window(TumblingEventTimeWindows.of(1000))
    .aggregate<{ bids: number; total: number }, { bids: number; total: number }, Out>(
      {
        createAccumulator: () => ({ bids: 0, total: 0 }),
        add: (e, a) => ({ bids: a.bids + 1, total: a.total + e.bid!.price }),
        getResult: (a) => a,
        merge: (a, b) => ({ bids: a.bids + b.bids, total: a.total + b.total }),
      },
      {
        process(key, ctx, [r], out) {
          out.collect({ kind: 'window', key: key as number, end: (ctx.window as TimeWindow).end, bids: r!.bids, total: r!.total, subtask: 0 });
        },
      },
    )
    .sinkTo({ connector: 'collect', config: { name: 'windows' } });
  const counter = {
    subtask: -1,
    open(ctx: { getIndexOfThisSubtask(): number; getState<S>(d: unknown): S }) {
      this.subtask = ctx.getIndexOfThisSubtask();
      this.count = ctx.getState(new ValueStateDescriptor<number>('count'));
    },
    count: undefined as unknown as { value(): number | undefined; update(v: number): void },
    processElement(_e: NexmarkEvent, ctx: { getCurrentKey(): number }, out: { collect(o: Out): void }) {
      const n = (this.count.value() ?? 0) + 1;
      this.count.update(n);
      out.collect({ kind: 'count', key: ctx.getCurrentKey(), bids: n, subtask: this.subtask });
    },
  };
  bids
    .keyBy((e) => e.bid!.auction % 16)
    .process(counter as unknown as KeyedProcessFunction<number, NexmarkEvent, Out>)
    .sinkTo({ connector: 'collect', config: { name: 'counts' } });
  return env.getPipeline('parallel');
}

async function run(parallelism: number, options: { restoreFrom?: JobSnapshot; snapshotAfterMs?: number; ratePerSecond?: number } = {}) {
  const out: Out[] = [];
  const job = new Job(pipeline(parallelism, options.ratePerSecond ?? 0), {
    services: { collect: (_s: string, v: unknown) => out.push(v as Out) },
    ...(options.restoreFrom ? { restoreFrom: options.restoreFrom } : {}),
  });
  const running = job.run();
  let snapshot: JobSnapshot | undefined;
  if (options.snapshotAfterMs !== undefined) {
    await new Promise((r) => setTimeout(r, options.snapshotAfterMs));
    snapshot = structuredClone(job.snapshot(1));
    job.cancel();
  }
  await running;
  return { out, snapshot, job };
}

const windows = (out: Out[]) =>
  out
    .filter((o) => o.kind === 'window')
    .map((o) => `${o.end}/${o.key}: ${o.bids} ${o.total}`)
    .sort();
/** The final count per key (the largest, since counts only grow). */
const finalCounts = (out: Out[]) => {
  const m = new Map<number, number>();
  for (const o of out) if (o.kind === 'count') m.set(o.key, Math.max(m.get(o.key) ?? 0, o.bids));
  return [...m].sort((a, b) => a[0] - b[0]);
};

describe('parallelism', () => {
  it('runs keyed operators as parallel subtasks that own key-group ranges, with the results of one subtask', async () => {
    const one = await run(1);
    const three = await run(3);
    expect(windows(three.out)).toEqual(windows(one.out));
    expect(windows(one.out).length).toBeGreaterThan(40);
    expect(finalCounts(three.out)).toEqual(finalCounts(one.out));
    // Every key went to the subtask that owns its key group, and all three subtasks did work.
    const seen = new Set<number>();
    for (const o of three.out) {
      if (o.kind !== 'count') continue;
      expect(o.subtask).toBe(operatorIndexForKeyGroup(128, 3, assignToKeyGroup(o.key, 128)));
      seen.add(o.subtask);
    }
    expect(seen).toEqual(new Set([0, 1, 2]));
    const counts = three.job.metrics().find((m) => m.type === 'keyedProcess')!;
    expect(counts.parallelism).toBe(3);
    expect(counts.recordsIn).toBe(one.job.metrics().find((m) => m.type === 'keyedProcess')!.recordsIn);
  });

  it('one data tap on a parallel node shows what every subtask emits', async () => {
    const out: Out[] = [];
    const job = new Job(pipeline(3, 0), { services: { collect: (_s: string, v: unknown) => out.push(v as Out) } });
    const counter = job.graph.nodes.find((n) => n.type === 'keyedProcess')!.id;
    const tap = job.tap(counter, 100_000)!;
    await job.run();
    const counts = out.filter((o) => o.kind === 'count');
    expect(tap.seq).toBe(counts.length);
    expect(new Set(tap.records().map((r) => (r.value as Out).subtask))).toEqual(new Set([0, 1, 2]));
  });

  it.each([
    [1, 3],
    [3, 2],
    [2, 5],
  ])('a savepoint taken with parallelism %i restores with parallelism %i: state moves by key group, nothing lost or doubled', async (before, after) => {
    const expected = await run(1);
    const { snapshot, out: first } = await run(before, { snapshotAfterMs: 400, ratePerSecond: 6000 });
    expect(snapshot).toBeDefined();
    if (before > 1) expect(snapshot!.parallelism).toBeDefined();
    const { out: second } = await run(after, { restoreFrom: snapshot! });
    // Windows fired before the savepoint plus those fired after it are exactly the failure-free windows.
    expect([...windows(first), ...windows(second)].sort()).toEqual(windows(expected.out));
    // Counts continue from the state each key had at the savepoint, on whichever subtask now owns it.
    expect(finalCounts(second)).toEqual(finalCounts(expected.out));
    expect(windows(first).length).toBeGreaterThan(5);
    expect(windows(second).length).toBeGreaterThan(5);
  });
});
