import { describe, expect, it } from 'vitest';
import { NexmarkGenerator } from './NexmarkGenerator.js';

describe('NexmarkGenerator', () => {
  it('emits persons, auctions and bids in the 1:3:46 mix, deterministically', () => {
    const events = new NexmarkGenerator({ seed: 7 }).take(50_000);
    const persons = events.filter((e) => e.person).length;
    const auctions = events.filter((e) => e.auction).length;
    const bids = events.filter((e) => e.bid).length;
    expect([persons, auctions, bids]).toEqual([1000, 3000, 46000]);
    expect(new NexmarkGenerator({ seed: 7 }).take(500)).toEqual(events.slice(0, 500));
    expect(new NexmarkGenerator({ seed: 8 }).take(500)).not.toEqual(events.slice(0, 500));
  });

  it('keeps references and values in range and time moving at the configured rate', () => {
    const events = new NexmarkGenerator({ seed: 1, eventsPerSecond: 1000 }).take(10_000);
    const personIds = new Set(events.flatMap((e) => (e.person ? [e.person.id] : [])));
    const auctionIds = new Set(events.flatMap((e) => (e.auction ? [e.auction.id] : [])));
    for (const e of events) {
      if (e.bid) {
        expect(auctionIds.has(e.bid.auction) || e.bid.auction < 1000 + 3).toBe(true);
        expect(e.bid.price).toBeGreaterThanOrEqual(100);
      }
      if (e.auction) {
        expect(e.auction.category).toBeGreaterThanOrEqual(10);
        expect(e.auction.category).toBeLessThan(20);
        expect(e.auction.expires).toBeGreaterThan(e.auction.dateTime);
      }
    }
    expect(personIds.size).toBe(200);
    expect(events.at(-1)!.t - events[0]!.t).toBe(9999);
  });

  it('jitters event time within the configured out-of-orderness', () => {
    const events = new NexmarkGenerator({ seed: 1, eventsPerSecond: 1000, outOfOrdernessMs: 4000 }).take(5000);
    let maxSeen = -Infinity;
    let outOfOrder = 0;
    for (const e of events) {
      if (e.t < maxSeen) outOfOrder++;
      expect(maxSeen - e.t).toBeLessThanOrEqual(4000);
      maxSeen = Math.max(maxSeen, e.t);
    }
    expect(outOfOrder).toBeGreaterThan(1000);
  });
});
