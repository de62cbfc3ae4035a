import { count, filter, from, groupBy, lastValueFrom, map, mergeMap, reduce, scan, toArray } from 'rxjs';
import {
  EventTimeSessionWindows,
  SlidingEventTimeWindows,
  TumblingEventTimeWindows,
  TumblingProcessingTimeWindows,
  type Bid,
  type Collector,
  type NexmarkEvent,
  type ProcessWindowContext,
  type TimeWindow,
  type Window,
} from '../../src/index.js';
import { runEngine, TUMBLE, windowStart, type Query } from '../harness.js';

// Hot user functions are defined once (see simple.ts).
const isBid = (e: NexmarkEvent) => e.bid !== undefined;
const auctionOf = (e: NexmarkEvent) => e.bid!.auction;
const bidderOf = (e: NexmarkEvent) => e.bid!.bidder;
const bidOf = (e: NexmarkEvent) => e.bid!;
const COUNT = { createAccumulator: () => 0, add: (_e: unknown, n: number) => n + 1, getResult: (n: number) => n, merge: (a: number, b: number) => a + b };

const HOP_SIZE = 10_000;
const HOP_SLIDE = 2_000;
const SESSION_GAP = 10_000;

type Q5 = { windowEnd: number; auction: number; count: number };
/** q5 hot items: per 10 s window sliding by 2 s, the auctions with the most bids. */
export const q5: Query<Q5> = {
  name: 'q5',
  windowed: true,
  engine: (input) =>
    runEngine(input, (s) =>
      s
        .filter(isBid)
        .keyBy(auctionOf)
        .window(SlidingEventTimeWindows.of(HOP_SIZE, HOP_SLIDE))
        .aggregate<number, number, { windowEnd: number; auction: number; count: number }>(
          COUNT,
          {
            process(auction, ctx, [count], out) {
              out.collect({ windowEnd: (ctx.window as TimeWindow).end, auction: auction as number, count: count! });
            },
          },
        )
        .windowAll(TumblingEventTimeWindows.of(HOP_SLIDE))
        .process<Q5>({
          process(_ctx: ProcessWindowContext<Window>, rows: Q5[], out: Collector<Q5>) {
            let max = 0;
            for (const r of rows) if (r.count > max) max = r.count;
            for (const r of rows) if (r.count === max) out.collect(r);
          },
        }),
    ),
  loop: ({ events: ev, timestamps: ts }) => {
    const counts = new Map<number, Map<number, number>>();
    for (let i = 0; i < ev.length; i++) {
      const b = ev[i]!.bid;
      if (!b) continue;
      const t = ts[i]!;
      const last = windowStart(t, HOP_SLIDE);
      for (let start = last; start > t - HOP_SIZE; start -= HOP_SLIDE) {
        const end = start + HOP_SIZE;
        let m = counts.get(end);
        if (!m) counts.set(end, (m = new Map()));
        m.set(b.auction, (m.get(b.auction) ?? 0) + 1);
      }
    }
    const out: Q5[] = [];
    for (const [windowEnd, m] of counts) {
      let max = 0;
      for (const c of m.values()) if (c > max) max = c;
      for (const [auction, count] of m) if (count === max) out.push({ windowEnd, auction, count });
    }
    return out;
  },
  rxjs: ({ events: ev }) =>
    lastValueFrom(
      from(ev).pipe(
        filter(isBid),
        mergeMap((e) => {
          const ends: { end: number; auction: number }[] = [];
          for (let start = windowStart(e.t, HOP_SLIDE); start > e.t - HOP_SIZE; start -= HOP_SLIDE) ends.push({ end: start + HOP_SIZE, auction: e.bid!.auction });
          return from(ends);
        }),
        groupBy((x) => x.end),
        mergeMap((byWindow) =>
          byWindow.pipe(
            reduce((m, x) => m.set(x.auction, (m.get(x.auction) ?? 0) + 1), new Map<number, number>()),
            mergeMap((m) => {
              let max = 0;
              for (const c of m.values()) if (c > max) max = c;
              return from([...m].filter(([, c]) => c === max).map(([auction, count]) => ({ windowEnd: byWindow.key, auction, count })));
            }),
          ),
        ),
        toArray(),
      ),
    ),
};

type Q7 = { windowEnd: number; auction: number; bidder: number; price: number };
const better = (a: Bid, b: Bid) => (b.price > a.price || (b.price === a.price && (b.auction < a.auction || (b.auction === a.auction && b.bidder < a.bidder))) ? b : a);
/** q7 highest bid: the highest bid of each 10 s tumbling window. */
export const q7: Query<Q7> = {
  name: 'q7',
  windowed: true,
  engine: (input) =>
    runEngine(input, (s) =>
      s
        .filter(isBid)
        .map(bidOf)
        .windowAll(TumblingEventTimeWindows.of(TUMBLE))
        .reduce<Q7>(better, {
          process(ctx: ProcessWindowContext<Window>, [b]: Bid[], out: Collector<Q7>) {
            out.collect({ windowEnd: (ctx.window as TimeWindow).end, auction: b!.auction, bidder: b!.bidder, price: b!.price });
          },
        }),
    ),
  loop: ({ events: ev, timestamps: ts }) => {
    const best = new Map<number, Bid>();
    for (let i = 0; i < ev.length; i++) {
      const b = ev[i]!.bid;
      if (!b) continue;
      const end = windowStart(ts[i]!, TUMBLE) + TUMBLE;
      const cur = best.get(end);
      best.set(end, cur ? better(cur, b) : b);
    }
    return [...best].map(([windowEnd, b]) => ({ windowEnd, auction: b.auction, bidder: b.bidder, price: b.price }));
  },
  rxjs: ({ events: ev }) =>
    lastValueFrom(
      from(ev).pipe(
        filter(isBid),
        groupBy((e) => windowStart(e.t, TUMBLE) + TUMBLE),
        mergeMap((g) => g.pipe(reduce((acc: Bid | undefined, e) => (acc ? better(acc, e.bid!) : e.bid!), undefined), map((b) => ({ windowEnd: g.key, auction: b!.auction, bidder: b!.bidder, price: b!.price })))),
        toArray(),
      ),
    ),
};

type Q11 = { bidder: number; count: number; start: number; end: number };
/** q11 user sessions: bids per bidder session (gap 10 s). */
export const q11: Query<Q11> = {
  name: 'q11',
  windowed: true,
  engine: (input) =>
    runEngine(input, (s) =>
      s
        .filter(isBid)
        .keyBy(bidderOf)
        .window(EventTimeSessionWindows.withGap(SESSION_GAP))
        .aggregate<number, number, Q11>(
          COUNT,
          {
            process(bidder, ctx, [count], out) {
              const w = ctx.window as TimeWindow;
              out.collect({ bidder: bidder as number, count: count!, start: w.start, end: w.end });
            },
          },
        ),
    ),
  loop: ({ events: ev, timestamps: ts }) => sessions(ev, ts),
  rxjs: ({ events: ev }) =>
    lastValueFrom(
      from(ev).pipe(
        filter(isBid),
        groupBy((e) => e.bid!.bidder),
        mergeMap((g) => g.pipe(toArray(), mergeMap((list) => from(sessionsOf(g.key, list.map((e) => e.t)))))),
        toArray(),
      ),
    ),
};

function sessionsOf(bidder: number, times: number[]): Q11[] {
  times.sort((a, b) => a - b);
  const out: Q11[] = [];
  let start = times[0]!;
  let end = start + SESSION_GAP;
  let count = 0;
  for (const t of times) {
    if (t > end) {
      out.push({ bidder, count, start, end });
      start = t;
      count = 0;
    }
    end = Math.max(end, t + SESSION_GAP);
    count++;
  }
  out.push({ bidder, count, start, end });
  return out;
}

function sessions(ev: NexmarkEvent[], ts: Float64Array): Q11[] {
  const byBidder = new Map<number, number[]>();
  for (let i = 0; i < ev.length; i++) {
    const b = ev[i]!.bid;
    if (!b) continue;
    const l = byBidder.get(b.bidder);
    if (l) l.push(ts[i]!);
    else byBidder.set(b.bidder, [ts[i]!]);
  }
  const out: Q11[] = [];
  for (const [bidder, times] of byBidder) out.push(...sessionsOf(bidder, times));
  return out;
}

const PROC_TUMBLE = 10_000;
type Q12 = { bidder: number; count: number; start: number; end: number };
/**
 * q12 processing-time windows: bids per bidder in 10 s tumbling windows of processing time. Processing time is the
 * EventDrivenClock (bench/clock.ts): each event arrives at the largest event time seen so far, and a window fires once
 * that clock has passed its last millisecond; so the loop and RxJS can compute the same windows from the events.
 */
export const q12: Query<Q12> = {
  name: 'q12',
  windowed: true,
  engine: (input) =>
    runEngine(
      input,
      (s) =>
        s
          .filter(isBid)
          .keyBy(bidderOf)
          .window(TumblingProcessingTimeWindows.of(PROC_TUMBLE))
          .aggregate<number, number, Q12>(
            COUNT,
            {
              process(bidder, ctx, [n], out) {
                const w = ctx.window as TimeWindow;
                out.collect({ bidder: bidder as number, count: n!, start: w.start, end: w.end });
              },
            },
          ),
      { eventDrivenProcessingTime: { flushMs: PROC_TUMBLE + 1 } },
    ),
  loop: ({ events: ev, timestamps: ts }) => {
    const windows = new Map<number, Map<number, number>>();
    let arrival = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < ev.length; i++) {
      if (ts[i]! > arrival) arrival = ts[i]!;
      const b = ev[i]!.bid;
      if (!b) continue;
      const start = windowStart(arrival, PROC_TUMBLE);
      let m = windows.get(start);
      if (!m) windows.set(start, (m = new Map()));
      m.set(b.bidder, (m.get(b.bidder) ?? 0) + 1);
    }
    const out: Q12[] = [];
    for (const [start, m] of windows) for (const [bidder, count] of m) out.push({ bidder, count, start, end: start + PROC_TUMBLE });
    return out;
  },
  rxjs: ({ events: ev }) =>
    lastValueFrom(
      from(ev).pipe(
        scan((acc: { arrival: number; e: NexmarkEvent }, e) => ({ arrival: Math.max(acc.arrival, e.t), e }), { arrival: Number.NEGATIVE_INFINITY, e: ev[0]! }),
        filter((x) => x.e.bid !== undefined),
        groupBy((x) => `${windowStart(x.arrival, PROC_TUMBLE)}/${x.e.bid!.bidder}`),
        mergeMap((g) =>
          g.pipe(
            count(),
            map((n) => {
              const [start, bidder] = g.key.split('/').map(Number) as [number, number];
              return { bidder, count: n, start, end: start + PROC_TUMBLE };
            }),
          ),
        ),
        toArray(),
      ),
    ),
};
