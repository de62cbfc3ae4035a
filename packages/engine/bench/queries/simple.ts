import { filter, from, lastValueFrom, map, toArray } from 'rxjs';
import type { Bid, NexmarkEvent } from '../../src/index.js';
import { runEngine, type Query } from '../harness.js';

// User functions are defined once, as a long-running job has them: repeated runs then measure the pipeline, not V8
// re-optimizing call sites for new closures after every forced GC.
const identity = (e: NexmarkEvent) => e;
const isBid = (e: NexmarkEvent) => e.bid !== undefined;
const toEuro = (e: NexmarkEvent): Q1 => ({ auction: e.bid!.auction, bidder: e.bid!.bidder, price: Math.floor(e.bid!.price * 0.908), t: e.t });
const isQ2Bid = (e: NexmarkEvent) => e.bid !== undefined && (e.bid as Bid).auction % 123 === 0;
const toQ2 = (e: NexmarkEvent): Q2 => ({ auction: e.bid!.auction, price: e.bid!.price });

/** q0: pass-through. */
export const q0: Query<NexmarkEvent> = {
  name: 'q0',
  windowed: false,
  compare: 'checksum',
  engine: (input) => runEngine(input, (s) => s.map(identity)),
  loop: ({ events: ev }) => {
    const out = new Array<NexmarkEvent>(ev.length);
    for (let i = 0; i < ev.length; i++) out[i] = ev[i]!;
    return out;
  },
  rxjs: ({ events: ev }) => lastValueFrom(from(ev).pipe(map(identity), toArray())),
};

type Q1 = { auction: number; bidder: number; price: number; t: number };
/** q1: currency conversion, dollars to euros. */
export const q1: Query<Q1> = {
  name: 'q1',
  windowed: false,
  compare: 'checksum',
  engine: (input) => runEngine(input, (s) => s.filter(isBid).map(toEuro)),
  loop: ({ events: ev }) => {
    const out: Q1[] = [];
    for (const e of ev) if (e.bid) out.push({ auction: e.bid.auction, bidder: e.bid.bidder, price: Math.floor(e.bid.price * 0.908), t: e.t });
    return out;
  },
  rxjs: ({ events: ev }) =>
    lastValueFrom(
      from(ev).pipe(filter(isBid), map(toEuro), toArray()),
    ),
};

type Q2 = { auction: number; price: number };
/** q2: selection, bids on auctions whose id is a multiple of 123. */
export const q2: Query<Q2> = {
  name: 'q2',
  windowed: false,
  engine: (input) => runEngine(input, (s) => s.filter(isQ2Bid).map(toQ2)),
  loop: ({ events: ev }) => {
    const out: Q2[] = [];
    for (const e of ev) if (e.bid && e.bid.auction % 123 === 0) out.push({ auction: e.bid.auction, price: e.bid.price });
    return out;
  },
  rxjs: ({ events: ev }) =>
    lastValueFrom(
      from(ev).pipe(filter(isQ2Bid), map(toQ2), toArray()),
    ),
};
