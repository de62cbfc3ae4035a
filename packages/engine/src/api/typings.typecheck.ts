// Typed examples as a Flink user writes them: typings.test.ts type-checks this file (strict, noImplicitAny).
import { expectTypeOf } from 'vitest';
import { StreamExecutionEnvironment } from './StreamExecutionEnvironment.js';
import type { DataStream } from './DataStream.js';
import type { AggregateFunction, Collector } from './functions.js';
import { TumblingEventTimeWindows } from '../windows/assigners/TumblingWindows.js';
import type { TimeWindow } from '../windows/Window.js';

interface Bid {
  kind: 'bid';
  auction: number;
  price: number;
}
interface Person {
  kind: 'person';
  name: string;
}
type Event = Bid | Person;

const env = StreamExecutionEnvironment.getExecutionEnvironment();
const events: DataStream<Event> = env.fromElements<Event>({ kind: 'bid', auction: 1, price: 10 }, { kind: 'person', name: 'a' });

// A type-guard filter narrows the stream.
const bids = events.filter((e): e is Bid => e.kind === 'bid');
expectTypeOf(bids).toEqualTypeOf<DataStream<Bid>>();
// A plain predicate keeps the type.
expectTypeOf(events.filter((e) => JSON.stringify(e).length > 2)).toEqualTypeOf<DataStream<Event>>();

const count: AggregateFunction<Bid, number, number> = {
  createAccumulator: () => 0,
  add: (_b, acc) => acc + 1,
  getResult: (acc) => acc,
  merge: (a, b) => a + b,
};

// aggregate(agg, windowFunction): the output is the window function's, its parameters typed from the stream.
const perAuction = bids
  .keyBy((b) => b.auction)
  .window(TumblingEventTimeWindows.of(10_000))
  .aggregate(count, {
    process(key, ctx, [n], out: Collector<{ auction: number; bids: number; end: number }>) {
      expectTypeOf(key).toEqualTypeOf<number>();
      expectTypeOf(ctx.window).toEqualTypeOf<TimeWindow>();
      expectTypeOf(n).toEqualTypeOf<number>();
      out.collect({ auction: key, bids: n ?? 0, end: ctx.window.end });
    },
  });
expectTypeOf(perAuction).toEqualTypeOf<DataStream<{ auction: number; bids: number; end: number }>>();

// windowAll(...).aggregate(agg, { process(ctx, [top], out) }): no implicit any, output inferred.
const hottest = perAuction
  .windowAll(TumblingEventTimeWindows.of(10_000))
  .aggregate(
    {
      createAccumulator: () => ({ auction: -1, bids: 0, end: 0 }),
      add: (v, acc) => (v.bids > acc.bids ? v : acc),
      getResult: (acc) => acc,
    },
    {
      process(ctx, [top], out: Collector<string>) {
        expectTypeOf(ctx.window).toEqualTypeOf<TimeWindow>();
        expectTypeOf(top).toEqualTypeOf<{ auction: number; bids: number; end: number }>();
        if (top) out.collect(`${top.auction} at ${ctx.window.end}`);
      },
    },
  );
expectTypeOf(hottest).toEqualTypeOf<DataStream<string>>();

// A typed window function object infers the output without annotations in the call.
const label = (w: TimeWindow, n: number) => `${w.start}: ${n}`;
const labelled = bids
  .keyBy((b) => b.auction)
  .window(TumblingEventTimeWindows.of(1000))
  .aggregate(count, { process: (_k: number, ctx: { window: TimeWindow }, [n]: number[], out: Collector<string>) => out.collect(label(ctx.window, n ?? 0)) });
expectTypeOf(labelled).toEqualTypeOf<DataStream<string>>();

// reduce + windowAll process, and process on windowAll.
const maxPrice = bids.windowAll(TumblingEventTimeWindows.of(1000)).process({
  process(ctx, elements, out: Collector<number>) {
    expectTypeOf(elements).toEqualTypeOf<Bid[]>();
    out.collect(Math.max(...elements.map((b) => b.price), ctx.window.end));
  },
});
expectTypeOf(maxPrice).toEqualTypeOf<DataStream<number>>();
