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
  engine: (ev) =>
    runEngine(ev, (s) =>
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
  loop: (ev) => {
    const counts = new Map<number, Map<number, number>>();
    for (const e of ev) {
      const b = e.bid;
      if (!b) continue;
      const last = windowStart(e.t, HOP_SLIDE);
      for (let start = last; start > e.t - HOP_SIZE; start -= HOP_SLIDE) {
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
  rxjs: (ev) =>
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
  engine: (ev) =>
    runEngine(ev, (s) =>
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
  loop: (ev) => {
    const best = new Map<number, Bid>();
    for (const e of ev) {
      if (!e.bid) continue;
      const end = windowStart(e.t, TUMBLE) + TUMBLE;
      const cur = best.get(end);
      best.set(end, cur ? better(cur, e.bid) : e.bid);
    }
    return [...best].map(([windowEnd, b]) => ({ windowEnd, auction: b.auction, bidder: b.bidder, price: b.price }));
  },
  rxjs: (ev) =>
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
  engine: (ev) =>
    runEngine(ev, (s) =>
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
  loop: (ev) => sessions(ev),
  rxjs: (ev) =>
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

function sessions(ev: NexmarkEvent[]): Q11[] {
  const byBidder = new Map<number, number[]>();
  for (const e of ev) {
    if (!e.bid) continue;
    const l = byBidder.get(e.bid.bidder);
    if (l) l.push(e.t);
    else byBidder.set(e.bid.bidder, [e.t]);
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
  engine: (ev) =>
    runEngine(
      ev,
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
  loop: (ev) => {
    const windows = new Map<number, Map<number, number>>();
    let arrival = Number.NEGATIVE_INFINITY;
    for (const e of ev) {
      if (e.t > arrival) arrival = e.t;
      if (!e.bid) continue;
      const start = windowStart(arrival, PROC_TUMBLE);
      let m = windows.get(start);
      if (!m) windows.set(start, (m = new Map()));
      m.set(e.bid.bidder, (m.get(e.bid.bidder) ?? 0) + 1);
    }
    const out: Q12[] = [];
    for (const [start, m] of windows) for (const [bidder, count] of m) out.push({ bidder, count, start, end: start + PROC_TUMBLE });
    return out;
  },
  rxjs: (ev) =>
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
