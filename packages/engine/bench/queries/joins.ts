import { filter, from, groupBy, lastValueFrom, map, mergeMap, reduce, toArray } from 'rxjs';
import { TumblingEventTimeWindows, ValueStateDescriptor, type Auction, type KeyedCoProcessFunction, type NexmarkEvent, type Person, type ValueStateLike } from '../../src/index.js';
import { runEngine, TUMBLE, windowStart, type Query } from '../harness.js';

type Q3 = { name: string; city: string; state: string; auction: number };
const q3Person = (p: Person | undefined) => p !== undefined && (p.state === 'OR' || p.state === 'ID' || p.state === 'CA');
const q3Auction = (a: Auction | undefined) => a !== undefined && a.category === 10;

/** q3 local item suggestion: sellers in OR/ID/CA with auctions in category 10 (an incremental join on seller). */
export const q3: Query<Q3> = {
  name: 'q3',
  windowed: false,
  engine: (ev) =>
    runEngine(ev, (s) => {
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
  loop: (ev) => {
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
  rxjs: (ev) =>
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
/** q8 new users monitoring: persons who opened an auction in the same 10 s tumbling window (window join; distinct). */
export const q8: Query<Q8> = {
  name: 'q8',
  windowed: true,
  engine: async (ev) => {
    const pairs = await runEngine(ev, (s) =>
      s
        .filter((e) => e.person !== undefined)
        .map((e) => e.person!)
        .join(s.filter((e) => e.auction !== undefined).map((e) => e.auction!))
        .where((p) => p.id)
        .equalTo((a) => a.seller)
        .window(TumblingEventTimeWindows.of(TUMBLE))
        .apply((p, a) => ({ id: p.id, name: p.name, windowStart: windowStart(a.dateTime, TUMBLE) })),
    );
    return distinct(pairs);
  },
  loop: (ev) => {
    const persons = new Map<string, Person>();
    const out = new Map<string, Q8>();
    const sellers = new Set<string>();
    for (const e of ev) {
      if (e.person) persons.set(`${windowStart(e.t, TUMBLE)}/${e.person.id}`, e.person);
      else if (e.auction) sellers.add(`${windowStart(e.t, TUMBLE)}/${e.auction.seller}`);
    }
    for (const k of sellers) {
      const p = persons.get(k);
      if (p) out.set(k, { id: p.id, name: p.name, windowStart: Number(k.split('/')[0]) });
    }
    return [...out.values()];
  },
  rxjs: (ev) =>
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

function distinct(rows: Q8[]): Q8[] {
  return [...new Map(rows.map((r) => [`${r.windowStart}/${r.id}`, r])).values()];
}
