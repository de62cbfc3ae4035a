import { filter, from, groupBy, lastValueFrom, map, mergeMap, reduce, toArray } from 'rxjs';
import {
  SlidingEventTimeWindows,
  TumblingEventTimeWindows,
  ValueStateDescriptor,
  type Auction,
  type Bid,
  type KeyedCoProcessFunction,
  type NexmarkEvent,
  type Person,
  type TimeWindow,
  type ValueStateLike,
} from '../../src/index.js';
import { runEngine, TUMBLE, windowStart, type Query } from '../harness.js';

type Q3 = { name: string; city: string; state: string; auction: number };
const q3Person = (p: Person | undefined) => p !== undefined && (p.state === 'OR' || p.state === 'ID' || p.state === 'CA');
const q3Auction = (a: Auction | undefined) => a !== undefined && a.category === 10;

/** q3 local item suggestion: sellers in OR/ID/CA with auctions in category 10 (an incremental join on seller). */
export const q3: Query<Q3> = {
  name: 'q3',
  windowed: false,
  engine: (input) =>
    runEngine(input, (s) => {
      const persons = s.filter((e) => q3Person(e.person)).map((e) => e.person!);
      const auctions = s.filter((e) => q3Auction(e.auction)).map((e) => e.auction!);
      type St = { person?: Person; pending: Auction[] };
      return persons
        .connect(auctions)
        .keyBy(
          (p) => p.id,
          (a) => a.seller,
        )
        .process<Q3>({
          // Keyed state per person id: the person, and the auctions that arrived before it.
          open(ctx) {
            (this as { st?: ValueStateLike<St> }).st = ctx.getState(new ValueStateDescriptor<St>('q3'));
          },
          processElement1(p, _ctx, out) {
            const s = (this as { st?: ValueStateLike<St> }).st!;
            const st = s.value() ?? { pending: [] };
            for (const a of st.pending) out.collect({ name: p.name, city: p.city, state: p.state, auction: a.id });
            s.update({ person: p, pending: [] });
          },
          processElement2(a, _ctx, out) {
            const s = (this as { st?: ValueStateLike<St> }).st!;
            const st = s.value() ?? { pending: [] };
            if (st.person) out.collect({ name: st.person.name, city: st.person.city, state: st.person.state, auction: a.id });
            else s.update({ pending: [...st.pending, a] });
          },
        } as KeyedCoProcessFunction<unknown, Person, Auction, Q3>);
    }),
  loop: ({ events: ev }) => {
    const people = new Map<number, Person>();
    const pending = new Map<number, Auction[]>();
    const out: Q3[] = [];
    for (const e of ev) {
      if (q3Person(e.person)) {
        const p = e.person!;
        people.set(p.id, p);
        for (const a of pending.get(p.id) ?? []) out.push({ name: p.name, city: p.city, state: p.state, auction: a.id });
        pending.delete(p.id);
      } else if (q3Auction(e.auction)) {
        const a = e.auction!;
        const p = people.get(a.seller);
        if (p) out.push({ name: p.name, city: p.city, state: p.state, auction: a.id });
        else pending.set(a.seller, [...(pending.get(a.seller) ?? []), a]);
      }
    }
    return out;
  },
  rxjs: ({ events: ev }) =>
    lastValueFrom(
      from(ev).pipe(
        filter((e) => q3Person(e.person) || q3Auction(e.auction)),
        groupBy((e) => (e.person ? e.person.id : e.auction!.seller)),
        mergeMap((g) =>
          g.pipe(
            reduce(
              (st: { p?: Person; pending: Auction[]; out: Q3[] }, e) => {
                if (e.person) {
                  st.p = e.person;
                  for (const a of st.pending) st.out.push({ name: e.person.name, city: e.person.city, state: e.person.state, auction: a.id });
                  st.pending = [];
                } else if (st.p) st.out.push({ name: st.p.name, city: st.p.city, state: st.p.state, auction: e.auction!.id });
                else st.pending.push(e.auction!);
                return st;
              },
              { pending: [], out: [] },
            ),
            mergeMap((st) => from(st.out)),
          ),
        ),
        toArray(),
      ),
    ),
};

type Q8 = { id: number; name: string; windowStart: number };
/**
 * q8 new users monitoring: persons who opened an auction in the same 10 s tumbling window. Nexmark groups each side
 * by window first (a person once, however many auctions): a window coGroup on person id = seller does both in one step.
 */
export const q8: Query<Q8> = {
  name: 'q8',
  windowed: true,
  engine: (input) =>
    runEngine(input, (s) =>
      s
        .filter((e) => e.person !== undefined)
        .map((e) => e.person!)
        .coGroup(s.filter((e) => e.auction !== undefined).map((e) => e.auction!))
        .where((p) => p.id)
        .equalTo((a) => a.seller)
        .window(TumblingEventTimeWindows.of(TUMBLE))
        .apply<Q8>((persons, auctions, out) => {
          if (persons.length > 0 && auctions.length > 0) out.collect({ id: persons[0]!.id, name: persons[0]!.name, windowStart: windowStart(auctions[0]!.dateTime, TUMBLE) });
        }),
    ),
  loop: ({ events: ev, timestamps: ts }) => {
    const persons = new Map<string, Person>();
    const out = new Map<string, Q8>();
    const sellers = new Set<string>();
    for (let i = 0; i < ev.length; i++) {
      const e = ev[i]!;
      if (e.person) persons.set(`${windowStart(ts[i]!, TUMBLE)}/${e.person.id}`, e.person);
      else if (e.auction) sellers.add(`${windowStart(ts[i]!, TUMBLE)}/${e.auction.seller}`);
    }
    for (const k of sellers) {
      const p = persons.get(k);
      if (p) out.set(k, { id: p.id, name: p.name, windowStart: Number(k.split('/')[0]) });
    }
    return [...out.values()];
  },
  rxjs: ({ events: ev }) =>
    lastValueFrom(
      from(ev).pipe(
        filter((e) => e.person !== undefined || e.auction !== undefined),
        groupBy((e) => `${windowStart(e.t, TUMBLE)}/${e.person ? e.person.id : e.auction!.seller}`),
        mergeMap((g) =>
          g.pipe(
            reduce((st: { p?: Person; sold: boolean }, e) => (e.person ? { ...st, p: e.person } : { ...st, sold: true }), { sold: false }),
            filter((st) => st.p !== undefined && st.sold),
            map((st) => ({ id: st.p!.id, name: st.p!.name, windowStart: Number(g.key.split('/')[0]) })),
          ),
        ),
        toArray(),
      ),
    ),
};


// ---- q4: average closing price per category ----

/** Nexmark's q4 window of winning bids (Beam's NexmarkConfiguration: windowSizeSec 10, windowPeriodSec 5). */
const Q4_SIZE = 10_000;
const Q4_PERIOD = 5_000;
/** The longest an auction runs in the generator (expires = dateTime + 10..30 s). */
const MAX_AUCTION_MS = 30_000;
/** A bid can win an auction (Beam's WinningBids): at or above the reserve, made while the auction was open. */
const q4Valid = (a: Auction, b: Bid) => b.price >= a.reserve && b.dateTime >= a.dateTime && b.dateTime <= a.expires;
type Q4 = { category: number; windowEnd: number; avgPrice: number };
type Q4Winner = { auction: number; category: number; price: number };
type Q4State = { auction?: Auction; best: number; pending?: Bid[] };

/**
 * q4 average closing price per category, as Nexmark defines it (Beam's Query4): the winning bid of each auction (the
 * highest valid bid, known when the auction expires), then the mean winning price per category over sliding windows
 * of 10 s every 5 s. The engine joins auctions and bids on the auction id in a KeyedCoProcessFunction with an
 * event-time timer at the auction's expiry; no event is later than the watermark delay, so no valid bid arrives after
 * its auction closed and the loop and RxJS can compute the winners from the whole input.
 */
export const q4: Query<Q4> = {
  name: 'q4',
  windowed: true,
  engine: (input) =>
    runEngine(input, (s) => {
      const auctions = s.filter((e) => e.auction !== undefined).map((e) => e.auction!);
      const bids = s.filter((e) => e.bid !== undefined).map((e) => e.bid!);
      return auctions
        .connect(bids)
        .keyBy(
          (a) => a.id,
          (b) => b.auction,
        )
        .process<Q4Winner>({
          open(ctx) {
            (this as { st?: ValueStateLike<Q4State> }).st = ctx.getState(new ValueStateDescriptor<Q4State>('q4'));
          },
          processElement1(a, ctx) {
            const s = (this as { st?: ValueStateLike<Q4State> }).st!;
            let best = -1;
            for (const b of s.value()?.pending ?? []) if (q4Valid(a, b) && b.price > best) best = b.price;
            s.update({ auction: a, best });
            ctx.timerService().registerEventTimeTimer(a.expires);
          },
          processElement2(b, ctx) {
            const s = (this as { st?: ValueStateLike<Q4State> }).st!;
            const st = s.value();
            if (st?.auction !== undefined) {
              if (b.price > st.best && q4Valid(st.auction, b)) st.best = b.price;
              return;
            }
            // The auction has not arrived (or has closed): keep the bid until no auction that it could win can come.
            if (st === undefined) s.update({ best: -1, pending: [b] });
            else st.pending!.push(b);
            ctx.timerService().registerEventTimeTimer(b.dateTime + MAX_AUCTION_MS);
          },
          onTimer(ts, _ctx, out) {
            const s = (this as { st?: ValueStateLike<Q4State> }).st!;
            const st = s.value();
            if (st?.auction === undefined) return s.clear();
            if (ts !== st.auction.expires) return;
            if (st.best >= 0) out.collect({ auction: st.auction.id, category: st.auction.category, price: st.best });
            s.clear();
          },
        } as KeyedCoProcessFunction<unknown, Auction, Bid, Q4Winner>)
        .keyBy((w) => w.category)
        .window(SlidingEventTimeWindows.of(Q4_SIZE, Q4_PERIOD))
        .aggregate<{ sum: number; n: number }, { sum: number; n: number }, Q4>(
          {
            createAccumulator: () => ({ sum: 0, n: 0 }),
            add: (w, acc) => ({ sum: acc.sum + (w as unknown as Q4Winner).price, n: acc.n + 1 }),
            getResult: (acc) => acc,
            merge: (a, b) => ({ sum: a.sum + b.sum, n: a.n + b.n }),
          },
          {
            process(category, ctx, [acc], out) {
              out.collect({ category: category as number, windowEnd: (ctx.window as TimeWindow).end, avgPrice: Math.round(acc!.sum / acc!.n) });
            },
          },
        );
    }),
  loop: ({ events: ev }) => {
    const auctions = new Map<number, Auction>();
    const best = new Map<number, number>();
    const pending = new Map<number, Bid[]>();
    const win = (a: Auction, b: Bid) => {
      if (q4Valid(a, b) && b.price > (best.get(a.id) ?? -1)) best.set(a.id, b.price);
    };
    for (const e of ev) {
      if (e.auction) {
        auctions.set(e.auction.id, e.auction);
        for (const b of pending.get(e.auction.id) ?? []) win(e.auction, b);
        pending.delete(e.auction.id);
      } else if (e.bid) {
        const a = auctions.get(e.bid.auction);
        if (a) win(a, e.bid);
        else pending.set(e.bid.auction, [...(pending.get(e.bid.auction) ?? []), e.bid]);
      }
    }
    const sums = new Map<string, { category: number; windowEnd: number; sum: number; n: number }>();
    for (const [id, price] of best) {
      const a = auctions.get(id)!;
      for (let start = windowStart(a.expires, Q4_PERIOD); start > a.expires - Q4_SIZE; start -= Q4_PERIOD) {
        const k = `${a.category}/${start + Q4_SIZE}`;
        const s = sums.get(k) ?? sums.set(k, { category: a.category, windowEnd: start + Q4_SIZE, sum: 0, n: 0 }).get(k)!;
        s.sum += price;
        s.n++;
      }
    }
    return [...sums.values()].map((s) => ({ category: s.category, windowEnd: s.windowEnd, avgPrice: Math.round(s.sum / s.n) }));
  },
  rxjs: ({ events: ev }) =>
    lastValueFrom(
      from(ev).pipe(
        filter((e) => e.auction !== undefined || e.bid !== undefined),
        groupBy((e) => (e.auction ? e.auction.id : e.bid!.auction)),
        mergeMap((g) =>
          g.pipe(
            reduce((st: { a?: Auction; bids: Bid[] }, e) => (e.auction ? { ...st, a: e.auction } : (st.bids.push(e.bid!), st)), { bids: [] }),
            mergeMap((st) => {
              const a = st.a;
              if (!a) return [];
              let price = -1;
              for (const b of st.bids) if (q4Valid(a, b) && b.price > price) price = b.price;
              if (price < 0) return [];
              const rows: { category: number; windowEnd: number; price: number }[] = [];
              for (let start = windowStart(a.expires, Q4_PERIOD); start > a.expires - Q4_SIZE; start -= Q4_PERIOD) rows.push({ category: a.category, windowEnd: start + Q4_SIZE, price });
              return from(rows);
            }),
          ),
        ),
        groupBy((r) => `${r.category}/${r.windowEnd}`),
        mergeMap((g) =>
          g.pipe(
            reduce((acc: { category: number; windowEnd: number; sum: number; n: number } | undefined, r) => (acc ? { ...acc, sum: acc.sum + r.price, n: acc.n + 1 } : { category: r.category, windowEnd: r.windowEnd, sum: r.price, n: 1 }), undefined),
            map((acc) => ({ category: acc!.category, windowEnd: acc!.windowEnd, avgPrice: Math.round(acc!.sum / acc!.n) })),
          ),
        ),
        toArray(),
      ),
    ),
};
