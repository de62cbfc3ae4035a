import { describe, expect, it } from 'vitest';
import {
  OutputTag,
  StateTtlConfig,
  StreamExecutionEnvironment,
  ValueStateDescriptor,
  WatermarkStrategy,
  type KeyedProcessFunction,
  type ValueStateLike,
} from '../../index.js';
import { OperatorTestHarness } from '../../testing/OperatorTestHarness.js';
import { KeyedProcessOperator } from './KeyedProcessOperator.js';

interface Ev {
  k: string;
  t: number;
}

const events = (list: [string, number][]) => list.map(([k, t]) => ({ k, t }));
const withTime = WatermarkStrategy.forMonotonousTimestamps<Ev>().withTimestampAssigner((e) => e.t);

describe('KeyedProcessFunction', () => {
  it('keeps keyed state and fires event-time timers with the key set (Flink’s CountWithTimeout example)', async () => {
    const env = StreamExecutionEnvironment.getExecutionEnvironment();
    const out = await env
      .fromCollection(events([['a', 1000], ['b', 1200], ['a', 1500], ['a', 5000]]))
      .assignTimestampsAndWatermarks(withTime)
      .keyBy((e) => e.k)
      .process<[string, number, number]>({
        state: undefined as unknown as ValueStateLike<{ count: number; last: number }>,
        open(ctx) {
          this.state = ctx.getState(new ValueStateDescriptor<{ count: number; last: number }>('count'));
        },
        processElement(e, ctx, _out) {
          const cur = this.state.value() ?? { count: 0, last: 0 };
          this.state.update({ count: cur.count + 1, last: ctx.timestamp()! });
          ctx.timerService().registerEventTimeTimer(ctx.timestamp()! + 1000);
        },
        onTimer(ts, ctx, out) {
          const cur = this.state.value()!;
          if (ts === cur.last + 1000) out.collect([ctx.getCurrentKey() as string, cur.count, ts]);
        },
      } as KeyedProcessFunction<string, Ev, [string, number, number]> & { state: ValueStateLike<{ count: number; last: number }> })
      .executeAndCollect();
    // Watermarks are periodic (every 200 ms of processing time): this bounded input is read before the first one, so
    // all timers fire at the final watermark, in timestamp order — a's timer at 2500 is stale by then (as in Flink).
    expect(out).toEqual([
      ['b', 1, 2200],
      ['a', 3, 6000],
    ]);
  });

  it('sends records to side outputs with ctx.output', async () => {
    const env = StreamExecutionEnvironment.getExecutionEnvironment();
    const negatives = new OutputTag<number>('negatives');
    const main = env.fromElements(3, -1, 4, -5, 9).process<number>({
      processElement(v, ctx, out) {
        if (v < 0) ctx.output(negatives, v);
        else out.collect(v * 10);
      },
    });
    const side = main.getSideOutput(negatives);
    const collected: Record<string, unknown[]> = { main: [], side: [] };
    main.sinkTo({ connector: 'collect', config: { name: 'main' } });
    side.sinkTo({ connector: 'collect', config: { name: 'side' } });
    await env.executeAsync('side outputs', { collect: (sink: string, v: unknown) => collected[sink]!.push(v) }).getJobExecutionResult();
    expect(collected).toEqual({ main: [30, 40, 90], side: [-1, -5] });
  });

  it('refuses timers on a non-keyed stream with a clear error', async () => {
    const env = StreamExecutionEnvironment.getExecutionEnvironment();
    const run = env
      .fromElements(1)
      .process({
        processElement(_v, ctx) {
          ctx.timerService().registerEventTimeTimer(10);
        },
      })
      .executeAndCollect();
    await expect(run).rejects.toThrow(/timers need a keyed stream/);
  });

  it('fires processing-time timers once per key and timestamp, deletes on demand, and survives a snapshot', () => {
    const fn: KeyedProcessFunction<string, string, string> = {
      processElement(v, ctx) {
        ctx.timerService().registerProcessingTimeTimer(1000);
        ctx.timerService().registerProcessingTimeTimer(1000);
        if (v === 'cancel') ctx.timerService().deleteProcessingTimeTimer(1000);
      },
      onTimer(ts, ctx, out) {
        out.collect(`${ctx.getCurrentKey()}@${ts}:${ctx.timeDomain()}`);
      },
    };
    const sel = [(v: unknown) => (v === 'cancel' ? 'b' : String(v))];
    const h = new OperatorTestHarness(new KeyedProcessOperator(fn), { keySelectors: sel }).open();
    h.processElement('a', 10);
    h.processElement('a', 20);
    h.processElement('b', 30);
    h.processElement('cancel', 40);
    const snap = h.snapshot();
    const restored = new OperatorTestHarness(new KeyedProcessOperator(fn), { keySelectors: sel, startTime: 500 }).open(snap);
    restored.setProcessingTime(1000);
    expect(restored.extractOutputValues()).toEqual(['a@1000:PROCESSING_TIME']);
  });

  it('expires state with TTL in processing time (NeverReturnExpired, OnReadAndWrite)', () => {
    const seen: (number | undefined)[] = [];
    const fn: KeyedProcessFunction<string, string, never> & { s?: ValueStateLike<number> } = {
      open(ctx) {
        this.s = ctx.getState(new ValueStateDescriptor<number>('n').enableTimeToLive(StateTtlConfig.newBuilder(1000).updateTtlOnReadAndWrite().neverReturnExpired().build()));
      },
      processElement(v) {
        if (v === 'set') this.s!.update(1);
        else seen.push(this.s!.value());
      },
    };
    const h = new OperatorTestHarness(new KeyedProcessOperator(fn), { keySelectors: [() => 'k'] }).open();
    h.processElement('set', 0);
    h.setProcessingTime(900);
    h.processElement('read', 0); // read refreshes the TTL (OnReadAndWrite)
    h.setProcessingTime(1800);
    h.processElement('read', 0);
    h.setProcessingTime(2801);
    h.processElement('read', 0);
    expect(seen).toEqual([1, 1, undefined]);
  });
});
