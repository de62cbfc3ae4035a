import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { registerConnector } from '../connectors/registry.js';
import { Job, StreamExecutionEnvironment, WatermarkStrategy, type DataStream, type KeyedProcessFunction } from '../index.js';

/**
 * The batch path against record-at-a-time: the same script of records and watermarks goes through the same pipeline
 * once as batches (collectBatchWithTimestamps) and once record by record (collectWithTimestamp); results, metrics and
 * data taps must not differ.
 */
type Step = { records: [unknown, number][] } | { watermark: number };
const scripts = new Map<string, { steps: Step[]; batched: boolean }>();
registerConnector({
  name: 'batch-path-script',
  description: 'replays a test script, as batches or record by record',
  configSchema: z.object({ id: z.string() }),
  createSource: ({ id }) => ({
    async run(ctx) {
      const { steps, batched } = scripts.get(id)!;
      for (const [i, s] of steps.entries()) {
        if ('watermark' in s) ctx.emitWatermark(s.watermark);
        else if (!batched) for (const [v, t] of s.records) ctx.collectWithTimestamp(v, t);
        // Both kinds of timestamp arrays a source may pass.
        else if (i % 2 === 0) ctx.collectBatchWithTimestamps(s.records.map((r) => r[0]), Float64Array.from(s.records, (r) => r[1]));
        else ctx.collectBatchWithTimestamps(s.records.map((r) => r[0]), s.records.map((r) => r[1]));
        await ctx.yield();
      }
    },
    cancel() {},
  }),
});

type Ev = { k: number; v: number; t: number };
const events = (n: number, from = 0): [Ev, number][] => Array.from({ length: n }, (_, i) => [{ k: (from + i) % 3, v: from + i, t: (from + i) * 10 }, (from + i) * 10]);

interface RunResult {
  /** Records per sink, in arrival order, with their timestamps. */
  out: Record<string, [unknown, number][]>;
  metrics: ReturnType<Job['metrics']>;
  /** What a data tap on each node saw (without the wall-clock time). */
  taps: Record<string, unknown[]>;
  error?: string;
}

let nextScript = 0;
async function run(
  steps: Step[],
  batched: boolean,
  build: (src: DataStream<Ev>) => void,
  strategy: WatermarkStrategy<Ev> = WatermarkStrategy.noWatermarks(),
  withTaps = true,
): Promise<RunResult> {
  const id = `s${nextScript++}`;
  scripts.set(id, { steps, batched });
  const env = new StreamExecutionEnvironment();
  // Watermarks come from the script only: a periodic one (processing time) would land wherever a slow run is then.
  env.getConfig().setAutoWatermarkInterval(3_600_000);
  build(env.fromSource<Ev>({ connector: 'batch-path-script', config: { id } }, strategy, 'script'));
  const graph = env.getPipeline('batch path');
  const out: Record<string, [unknown, number][]> = {};
  const job = new Job(graph, { services: { collect: (sink: string, v: unknown, t: number) => (out[sink] ??= []).push([v, t]) } });
  // An open tap on an inner stage of a chain ends the chain there (OperatorChain): some tests run without taps.
  const taps = withTaps ? Object.fromEntries(graph.nodes.map((n) => [n.id, job.tap(n.id, 10_000)!])) : {};
  let error: string | undefined;
  await job.run().catch((e: Error) => (error = e.message));
  scripts.delete(id);
  return {
    out,
    metrics: job.metrics(),
    taps: Object.fromEntries(Object.entries(taps).map(([node, tap]) => [node, tap.records().map(({ at: _at, ...r }) => r)])),
    ...(error !== undefined ? { error } : {}),
  };
}

/** Runs both ways and expects the same outcome; returns it. */
async function same(steps: Step[], build: (src: DataStream<Ev>) => void, strategy?: WatermarkStrategy<Ev>): Promise<RunResult> {
  const one = await run(steps, false, build, strategy);
  const batched = await run(steps, true, build, strategy);
  expect(batched).toEqual(one);
  return batched;
}

/**
 * Runs both ways a pipeline that fails in node `failing`: the error, the sinks' records and the failing node's metrics
 * and tap are the same. (Upstream of it, the nodes have handled the whole batch by then, and count it.)
 */
async function sameFailure(steps: Step[], failing: string, build: (src: DataStream<Ev>) => void, strategy?: WatermarkStrategy<Ev>): Promise<RunResult> {
  const one = await run(steps, false, build, strategy);
  const batched = await run(steps, true, build, strategy);
  const at = (r: RunResult) => r.metrics.findIndex((o) => o.type === failing);
  expect(at(batched)).toBeGreaterThanOrEqual(0);
  expect(batched.error).toBe(one.error);
  expect(batched.out).toEqual(one.out);
  expect(batched.metrics.slice(at(batched))).toEqual(one.metrics.slice(at(one)));
  const tapsFrom = (r: RunResult) => Object.entries(r.taps).slice(at(r));
  expect(tapsFrom(batched)).toEqual(tapsFrom(one));
  return batched;
}

const collect = <T>(s: DataStream<T>, name: string) => s.sinkTo({ connector: 'collect', config: { name } });

describe('batch path', () => {
  it('map, filter and flatMap give the same records, per-node metrics and data taps as record by record', async () => {
    const r = await same(
      [{ records: events(3000) }, { records: events(5, 3000) }, { records: events(2500, 3005) }],
      (src) => {
        const kept = src.filter((e) => e.v % 7 !== 0).map((e) => ({ ...e, v: e.v * 2 }));
        // Up to three records out per record in: more than a batch holds, so the operator hands on full batches midway.
        collect(kept.flatMap<Ev>((e, out) => { for (let i = 0; i < e.k; i++) out.collect({ ...e, v: e.v + i }); }), 'flat');
        // A second edge from the same operator (fan-out): each edge keeps the order.
        collect(kept.map((e) => e.v), 'values');
      },
      WatermarkStrategy.forBoundedOutOfOrderness<Ev>(5).withTimestampAssigner((e) => e.t + 1),
    );
    const kept = events(5505).filter(([e]) => e.v % 7 !== 0);
    expect(r.out.values!.map(([v]) => v)).toEqual(kept.map(([e]) => e.v * 2));
    expect(r.out.flat).toHaveLength(kept.reduce((n, [e]) => n + e.k, 0));
    expect(r.out.flat!.every(([e, t]) => t === (e as Ev).t + 1)).toBe(true);
    const m = Object.fromEntries(r.metrics.map((o) => [o.type === 'sink' ? o.name : o.type, o]));
    expect(m.source).toMatchObject({ recordsIn: 5505, recordsOut: 5505 });
    expect(m.filter).toMatchObject({ recordsIn: 5505, recordsOut: kept.length });
    expect(m.flatMap).toMatchObject({ recordsIn: kept.length, recordsOut: r.out.flat!.length });
    expect(Object.values(r.taps).every((records) => records.length > 0)).toBe(true);
  });

  it('watermarks stay between the batches: an operator sees every record before a watermark that follows them', async () => {
    const seen: KeyedProcessFunction<number, Ev, string> = {
      processElement(e, ctx, out) {
        out.collect(`${e.v}@${ctx.timerService().currentWatermark()}`);
        ctx.timerService().registerEventTimeTimer(e.t);
      },
      onTimer(ts, _ctx, out) {
        out.collect(`timer ${ts}`);
      },
    };
    const r = await same(
      [{ records: events(3) }, { watermark: 15 }, { records: events(2, 3) }, { watermark: 40 }, { records: events(1, 5) }],
      (src) => collect(src.map((e) => e).keyBy(() => 0).process(seen), 'out'),
    );
    expect(r.out.out!.map(([v]) => v)).toEqual([
      '0@-Infinity',
      '1@-Infinity',
      '2@-Infinity',
      'timer 0',
      'timer 10',
      '3@15',
      '4@15',
      'timer 20',
      'timer 30',
      'timer 40',
      '5@40',
      // The end-of-input watermark fires what is left.
      'timer 50',
    ]);
  });

  it('a user function that throws midway leaves the same output, error and metrics of its node as record by record', async () => {
    const r = await sameFailure([{ records: events(10) }], 'map', (src) =>
      collect(
        src.map((e) => {
          if (e.v === 6) throw new Error('boom at 6');
          return e.v;
        }),
        'out',
      ),
    );
    expect(r.error).toBe('boom at 6');
    expect(r.out.out!.map(([v]) => v)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(r.metrics.find((o) => o.type === 'map')).toMatchObject({ recordsIn: 7, recordsOut: 6 });

    const f = await sameFailure([{ records: events(10) }], 'filter', (src) =>
      collect(
        src.filter((e) => {
          if (e.v === 8) throw new Error('filter boom');
          return e.v % 2 === 0;
        }),
        'out',
      ),
    );
    expect(f.error).toBe('filter boom');
    expect(f.out.out!.map(([e]) => (e as Ev).v)).toEqual([0, 2, 4, 6]);

    const fm = await sameFailure([{ records: events(10) }], 'flatMap', (src) =>
      collect(
        src.flatMap<number>((e, out) => {
          if (e.v === 5) throw new Error('flatMap boom');
          out.collect(e.v);
          out.collect(-e.v);
        }),
        'out',
      ),
    );
    expect(fm.error).toBe('flatMap boom');
    expect(fm.out.out!.map(([v]) => v)).toEqual([0, -0, 1, -1, 2, -2, 3, -3, 4, -4]);
    expect(fm.metrics.find((o) => o.type === 'flatMap')).toMatchObject({ recordsIn: 6, recordsOut: 10 });
  });

  it('a bad timestamp midway fails as record by record, after the records before it', async () => {
    const r = await sameFailure(
      [{ records: events(10) }],
      'assignTimestampsAndWatermarks',
      (src) => collect(src.assignTimestampsAndWatermarks(WatermarkStrategy.forMonotonousTimestamps<Ev>().withTimestampAssigner((e) => (e.v === 4 ? (undefined as unknown as number) : e.t))), 'out'),
    );
    expect(r.error).toMatch(/timestamp assigner returned undefined for \{"k":1,"v":4,"t":40\}/);
    expect(r.out.out!.map(([e]) => (e as Ev).v)).toEqual([0, 1, 2, 3]);
  });

  it('a NaN timestamp from the source fails as record by record, after the records before it', async () => {
    const records = events(10).map(([e, t]): [Ev, number] => [e, e.v === 6 ? Number.NaN : t]);
    // The source node (its watermark assigner is chained into it) counts the whole batch in, as upstream nodes do.
    const r = await sameFailure([{ records }], 'map', (src) => collect(src.map((e) => e.v), 'out'), WatermarkStrategy.forBoundedOutOfOrderness<Ev>(0));
    expect(r.error).toMatch(/timestamp/);
    expect(r.out.out!.map(([v]) => v)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(r.metrics.find((o) => o.type === 'source')).toMatchObject({ recordsOut: 6 });
  });

  // Operators that read the same stream take each batch in one shared pass (OperatorChain).
  const split = (throwAt?: number) => (src: DataStream<Ev>) => {
    collect(src.filter((e) => e.k === 0), 'zeros');
    collect(src.map((e) => e.v * 10), 'tens');
    collect(
      src.filter((e) => {
        if (e.v === throwAt) throw new Error(`split boom at ${throwAt}`);
        return e.k === 1;
      }),
      'ones',
    );
    collect(src.filter((e) => e.v % 5 === 0).map((e) => -e.v), 'fives');
  };

  it('filters that read the same stream give the same records, metrics and taps as record by record', async () => {
    const r = await same([{ records: events(3000) }, { records: events(7, 3000) }, { records: events(2500, 3007) }], split());
    const all = events(5507).map(([e]) => e);
    expect(r.out.zeros!.map(([e]) => (e as Ev).v)).toEqual(all.filter((e) => e.k === 0).map((e) => e.v));
    expect(r.out.ones!.map(([e, t]) => [(e as Ev).v, t])).toEqual(all.filter((e) => e.k === 1).map((e) => [e.v, e.v * 10]));
    expect(r.out.fives!.map(([v]) => v)).toEqual(all.filter((e) => e.v % 5 === 0).map((e) => -e.v));
    expect(r.out.tens).toHaveLength(5507);
    const filters = r.metrics.filter((o) => o.type === 'filter');
    expect(filters.map((o) => [o.recordsIn, o.recordsOut])).toEqual([
      [5507, r.out.zeros!.length],
      [5507, r.out.ones!.length],
      [5507, r.out.fives!.length],
    ]);
  });

  it('when one of them throws, every branch is left as record by record left it', async () => {
    // Record 4 reaches the zeros filter and the map (before the failing filter) but not the fives filter (after it).
    const r = await sameFailure([{ records: events(10) }], 'filter', split(4));
    expect(r.error).toBe('split boom at 4');
    expect(r.out.tens!.map(([v]) => v)).toEqual([0, 10, 20, 30, 40]);
    expect(r.out.ones!.map(([e]) => (e as Ev).v)).toEqual([1]);
    expect(r.out.fives!.map(([v]) => v)).toEqual([-0]);
    expect(r.metrics.filter((o) => o.type === 'filter').map((o) => o.recordsIn)).toEqual([5, 5, 4]);
    // The first record fails: nothing passes anywhere after the failing filter.
    const first = await sameFailure([{ records: events(10) }], 'filter', split(0));
    expect(first.out.fives).toBeUndefined();
    expect(first.out.zeros!.map(([e]) => (e as Ev).v)).toEqual([0]);
  });

  it('a filter and the map after it (one loop) give the same records and metrics as record by record, failures too', async () => {
    const both = async (steps: Step[], build: (src: DataStream<Ev>) => void) => {
      const one = await run(steps, false, build, undefined, false);
      const batched = await run(steps, true, build, undefined, false);
      // The source counts a failing batch whole (it handed the whole batch on); every node after it as record by record.
      expect({ ...batched, metrics: batched.metrics.slice(1) }).toEqual({ ...one, metrics: one.metrics.slice(1) });
      return batched;
    };
    const pipeline = (failFilterAt?: number, failMapAt?: number) => (src: DataStream<Ev>) =>
      collect(
        src
          .filter((e) => {
            if (e.v === failFilterAt) throw new Error(`filter boom at ${e.v}`);
            return e.k !== 1;
          })
          .map((e) => {
            if (e.v === failMapAt) throw new Error(`map boom at ${e.v}`);
            return e.v * 2;
          }),
        'out',
      );
    const ok = await both([{ records: events(3000) }, { records: events(2500, 3000) }], pipeline());
    const kept = events(5500).filter(([e]) => e.k !== 1);
    expect(ok.out.out).toEqual(kept.map(([e, t]) => [e.v * 2, t]));
    const byType = (r: RunResult) => Object.fromEntries(r.metrics.map((o) => [o.type, [o.recordsIn, o.recordsOut]]));
    expect(byType(ok)).toMatchObject({ filter: [5500, kept.length], map: [kept.length, kept.length] });

    // The filter throws at record 7: records 0..6 went through; the filter counts 8 in.
    const f = await both([{ records: events(20) }], pipeline(7));
    expect(f.error).toBe('filter boom at 7');
    expect(f.out.out!.map(([v]) => v)).toEqual([0, 4, 6, 10, 12]);
    expect(byType(f)).toMatchObject({ filter: [8, 5], map: [5, 5] });
    // The map throws at record 6 (it passed the filter): the filter counts it in and out, the map in but not out.
    const m = await both([{ records: events(20) }], pipeline(undefined, 6));
    expect(m.error).toBe('map boom at 6');
    expect(m.out.out!.map(([v]) => v)).toEqual([0, 4, 6, 10]);
    expect(byType(m)).toMatchObject({ filter: [7, 5], map: [5, 4] });
  });

  it('generators that may emit from onEvent (idleness) take the batch record by record', async () => {
    await same([{ records: events(50) }, { records: events(50, 50) }], (src) => collect(src.map((e) => e.v), 'out'), WatermarkStrategy.forBoundedOutOfOrderness<Ev>(0).withIdleness(60_000));
  });

  it('a timestamp assigner chained with the filters and maps after it (one loop) leaves what record by record leaves', async () => {
    const both = async (steps: Step[], build: (src: DataStream<Ev>) => void) => {
      const one = await run(steps, false, build, undefined, false);
      const batched = await run(steps, true, build, undefined, false);
      expect({ ...batched, metrics: batched.metrics.slice(1) }).toEqual({ ...one, metrics: one.metrics.slice(1) });
      return batched;
    };
    // Timestamps from the record (not the source's); a split after them, one branch a filter and a map.
    const pipeline = (opts: { badAt?: number; assignerThrowsAt?: number; filterThrowsAt?: number } = {}) => (src: DataStream<Ev>) => {
      const s = src.assignTimestampsAndWatermarks(
        WatermarkStrategy.forBoundedOutOfOrderness<Ev>(5).withTimestampAssigner((e) => {
          if (e.v === opts.assignerThrowsAt) throw new Error(`assigner boom at ${e.v}`);
          return e.v === opts.badAt ? (undefined as unknown as number) : e.t + 1;
        }),
      );
      collect(
        s
          .filter((e) => {
            if (e.v === opts.filterThrowsAt) throw new Error(`filter boom at ${e.v}`);
            return e.k !== 1;
          })
          .map((e) => e.v * 2),
        'out',
      );
      collect(s.map((e) => -e.v), 'neg');
    };
    const ok = await both([{ records: events(3000) }, { records: events(2500, 3000) }], pipeline());
    expect(ok.out.neg).toEqual(events(5500).map(([e, t]) => [-e.v, t + 1]));
    expect(ok.out.out).toEqual(events(5500).filter(([e]) => e.k !== 1).map(([e, t]) => [e.v * 2, t + 1]));
    const byType = (r: RunResult) => Object.fromEntries(r.metrics.map((o) => [o.type, [o.recordsIn, o.recordsOut]]));
    expect(byType(ok)).toMatchObject({ assignTimestampsAndWatermarks: [5500, 5500] });

    const bad = await both([{ records: events(20) }], pipeline({ badAt: 4 }));
    expect(bad.error).toMatch(/timestamp assigner returned undefined for \{"k":1,"v":4,"t":40\}/);
    expect(bad.out.neg!.map(([v]) => v)).toEqual([-0, -1, -2, -3]);
    expect(byType(bad)).toMatchObject({ assignTimestampsAndWatermarks: [5, 4] });

    const thrown = await both([{ records: events(20) }], pipeline({ assignerThrowsAt: 6 }));
    expect(thrown.error).toBe('assigner boom at 6');
    expect(thrown.out.neg).toHaveLength(6);
    expect(byType(thrown)).toMatchObject({ assignTimestampsAndWatermarks: [7, 6] });

    // The filter throws at record 7: the assigner emitted it, the filter's branch stopped, the map after it not reached.
    const f = await both([{ records: events(20) }], pipeline({ filterThrowsAt: 7 }));
    expect(f.error).toBe('filter boom at 7');
    expect(f.out.out!.map(([v]) => v)).toEqual([0, 4, 6, 10, 12]);
    expect(f.out.neg).toHaveLength(7);
    expect(byType(f)).toMatchObject({ assignTimestampsAndWatermarks: [8, 8] });
  });
});
