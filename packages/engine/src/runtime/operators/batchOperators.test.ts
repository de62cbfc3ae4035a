import { describe, expect, it } from 'vitest';
import type { Collector, KeyedProcessContext } from '../../api/functions.js';
import { ValueStateDescriptor, type ValueStateLike } from '../../state/StateDescriptor.js';
import type { SinkFunction } from '../../connectors/SourceFunction.js';
import { OperatorTestHarness } from '../../testing/OperatorTestHarness.js';
import { TimestampsAndWatermarksOperator } from '../../time/TimestampsAndWatermarksOperator.js';
import { WatermarkStrategy } from '../../time/WatermarkStrategy.js';
import { DataTap } from '../DataTap.js';
import type { StreamOperator } from '../StreamOperator.js';
import { FilterOperator } from './FilterOperator.js';
import { FlatMapOperator } from './FlatMapOperator.js';
import { CoProcessOperator } from './CoProcessOperator.js';
import { KeyedProcessOperator } from './KeyedProcessOperator.js';
import { KeyedReduceOperator } from './KeyedReduceOperator.js';
import { MapOperator } from './MapOperator.js';
import { SinkOperator } from './SinkOperator.js';

const records = (n: number) => Array.from({ length: n }, (_, i) => ({ value: i, timestamp: 1000 + i }));

/** The same records through a fresh operator, once as one batch and once one by one: output and metrics must match. */
function batchEqualsRecords(make: () => StreamOperator, n: number, options: ConstructorParameters<typeof OperatorTestHarness>[1] = {}, inputIndex = 0) {
  const input = records(n);
  const one = new OperatorTestHarness(make(), options);
  for (const r of input) one.processElement(r.value, r.timestamp, inputIndex);
  const batched = new OperatorTestHarness(make(), options);
  batched.processBatch(input, inputIndex);
  expect(batched.output).toEqual(one.output);
  expect(batched.operator.metrics).toEqual(one.operator.metrics);
  return batched;
}

describe('operators on batches', () => {
  it('map, filter and flatMap: one batch gives what record by record gives', () => {
    expect(batchEqualsRecords(() => new MapOperator((v) => (v as number) * 2), 3000).output).toHaveLength(3000);
    expect(batchEqualsRecords(() => new FilterOperator((v) => (v as number) % 3 === 0), 3000).output).toHaveLength(1000);
    // Four records out per record in overflows the batch buffer: it is handed on whenever it is full, in order.
    const fm = batchEqualsRecords(() => new FlatMapOperator((v, out) => [0, 1, 2, 3].forEach((i) => out.collect(`${v}.${i}`))), 3000);
    expect(fm.output.slice(0, 5)).toEqual([
      { value: '0.0', timestamp: 1000 },
      { value: '0.1', timestamp: 1000 },
      { value: '0.2', timestamp: 1000 },
      { value: '0.3', timestamp: 1000 },
      { value: '1.0', timestamp: 1001 },
    ]);
    // Operators without a batch loop of their own take batches record by record.
    batchEqualsRecords(() => new KeyedReduceOperator((a, b) => (a as number) + (b as number)), 100, { keySelectors: [(v) => (v as number) % 4] });
  });

  it('keyed process and co-process functions: a batch gives what record by record gives, timestamps and state included', () => {
    const counting = () => ({
      open(ctx: { getState: (d: ValueStateDescriptor<number>) => ValueStateLike<number> }) {
        (this as unknown as { n: ValueStateLike<number> }).n = ctx.getState(new ValueStateDescriptor<number>('n'));
      },
      processElement(v: unknown, ctx: KeyedProcessContext<unknown>, out: Collector<unknown>) {
        const n = (this as unknown as { n: ValueStateLike<number> }).n;
        n.update((n.value() ?? 0) + 1);
        ctx.timerService().registerEventTimeTimer(ctx.timestamp()! + 10);
        out.collect(`${String(v)} #${n.value()} @${ctx.timestamp()} key ${String(ctx.getCurrentKey())}`);
      },
    });
    const keyed = batchEqualsRecords(() => new KeyedProcessOperator(counting() as never), 500, { keySelectors: [(v) => (v as number) % 7] });
    expect(keyed.output[8]).toEqual({ value: '8 #2 @1008 key 1', timestamp: 1008 });
    expect((keyed.operator as KeyedProcessOperator).timerService.numEventTimeTimers()).toBe(500);
    const co = (input: number) =>
      batchEqualsRecords(
        () => {
          const f = counting();
          return new CoProcessOperator({ open: (c: never) => f.open(c), processElement1: (v, c, o) => f.processElement.call(f, `a${String(v)}`, c, o), processElement2: (v, c, o) => f.processElement.call(f, `b${String(v)}`, c, o) } as never, true);
        },
        300,
        { keySelectors: [(v) => (v as number) % 5, (v) => (v as number) % 5] },
        input,
      );
    expect(co(0).output[5]!.value).toBe('a5 #2 @1005 key 0');
    expect(co(1).output[5]!.value).toBe('b5 #2 @1005 key 0');
  });

  it('a flatMap collector kept and called outside a batch still emits', () => {
    let kept: Collector<unknown> | undefined;
    const h = new OperatorTestHarness(new FlatMapOperator((v, out) => ((kept = out), out.collect(v))));
    h.processBatch(records(2));
    kept!.collect('later');
    expect(h.extractOutputValues()).toEqual([0, 1, 'later']);
  });

  it('the watermark assigner passes a batch on at once, and its next watermark follows every record of it', () => {
    const op = new TimestampsAndWatermarksOperator(WatermarkStrategy.forBoundedOutOfOrderness<unknown>(10).withTimestampAssigner((v) => (v as number) * 100), 0);
    const h = new OperatorTestHarness(op).open();
    h.processBatch(records(3));
    op.emitPeriodicWatermark();
    h.processBatch([{ value: 5, timestamp: 0 }]);
    op.emitPeriodicWatermark();
    expect(h.output).toEqual([
      { value: 0, timestamp: 0 },
      { value: 1, timestamp: 100 },
      { value: 2, timestamp: 200 },
      { watermark: 189 },
      { value: 5, timestamp: 500 },
      { watermark: 489 },
    ]);
    expect(op.metrics.recordsIn).toBe(4);
  });

  it('a sink takes one call per batch when it has invokeBatch, one per record otherwise; a tap on it sees each record', () => {
    const calls: string[] = [];
    const batchSink: SinkFunction = {
      invoke: (v) => calls.push(`invoke ${v}`),
      invokeBatch: (values, timestamps, n) => calls.push(`batch ${values.slice(0, n).join(',')} @${timestamps[0]}`),
    };
    const s = new SinkOperator(batchSink);
    const tap = (s.tap = new DataTap(10));
    new OperatorTestHarness(s).processBatch(records(3));
    expect(calls).toEqual(['batch 0,1,2 @1000']);
    expect(tap.records().map((r) => [r.value, r.timestamp])).toEqual([
      [0, 1000],
      [1, 1001],
      [2, 1002],
    ]);
    calls.length = 0;
    new OperatorTestHarness(new SinkOperator({ invoke: (v, t) => calls.push(`invoke ${v} @${t}`) })).processBatch(records(2));
    expect(calls).toEqual(['invoke 0 @1000', 'invoke 1 @1001']);
  });
});
