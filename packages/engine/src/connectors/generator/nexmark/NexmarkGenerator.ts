import type { Auction, Bid, NexmarkEvent, Person } from './model.js';

/**
 * A deterministic Nexmark generator after the reference implementation (GeneratorConfig / NexmarkUtils): events in the
 * person:auction:bid = 1:3:46 mix, ids counting from 1000, a share of "hot" auctions, bidders and sellers, prices on a
 * log scale, 10 categories; event time advances by 1000 / eventsPerSecond ms per event, optionally out of order.
 */
export interface NexmarkConfig {
  seed?: number;
  /** Event-time rate: how many events per second of event time. */
  eventsPerSecond?: number;
  /** Max lateness jitter of event times (ms); the watermark delay must be at least this. */
  outOfOrdernessMs?: number;
  baseTime?: number;
}

const PERSON_PROPORTION = 1;
const AUCTION_PROPORTION = 3;
const TOTAL_PROPORTION = 50;
const FIRST_PERSON_ID = 1000;
const FIRST_AUCTION_ID = 1000;
const FIRST_CATEGORY_ID = 10;
const HOT_AUCTION_RATIO = 2;
const HOT_BIDDER_RATIO = 4;
const HOT_SELLER_RATIO = 4;
const NUM_IN_FLIGHT_AUCTIONS = 100;
const NUM_ACTIVE_PEOPLE = 1000;
const US_STATES = ['AZ', 'CA', 'ID', 'OR', 'WA', 'WY'];
const US_CITIES = ['Phoenix', 'Los Angeles', 'San Francisco', 'Boise', 'Portland', 'Bend', 'Redmond', 'Seattle', 'Kent', 'Cheyenne'];
const FIRST_NAMES = ['Peter', 'Paul', 'Luke', 'John', 'Saul', 'Vicky', 'Kate', 'Julie', 'Sarah', 'Deiter', 'Walter'];
const LAST_NAMES = ['Shultz', 'Abrams', 'Spencer', 'White', 'Bartels', 'Walton', 'Smith', 'Jones', 'Noris'];
const CHANNELS = ['Google', 'Facebook', 'Baidu', 'Apple'];

/**
 * Nexmark's generator: each event is a function of the seed and its id (as Beam's generator seeds a Random with the
 * event id), so a source can split the ids among its subtasks, or resume at any id, without generating the others.
 */
export class NexmarkGenerator {
  private readonly seed: number;
  /** mulberry32's state, seeded anew for each event from (seed, id). */
  private state = 0;
  private readonly interEventMs: number;
  private readonly jitter: number;
  private readonly baseTime: number;
  private n = 0;

  constructor(config: NexmarkConfig = {}) {
    this.seed = (config.seed ?? 1) | 0;
    this.interEventMs = 1000 / (config.eventsPerSecond ?? 10_000);
    this.jitter = config.outOfOrdernessMs ?? 0;
    this.baseTime = config.baseTime ?? 1_700_000_000_000;
  }

  get eventsGenerated(): number {
    return this.n;
  }

  /** The next number of this event's random sequence, in [0, 1) (mulberry32). */
  private rand(): number {
    const a = (this.state = (this.state + 0x6d2b79f5) | 0);
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  private int(n: number): number {
    return Math.floor(this.rand() * n);
  }

  private lastBase0PersonId(eventId: number): number {
    const epoch = Math.floor(eventId / TOTAL_PROPORTION);
    let offset = eventId % TOTAL_PROPORTION;
    if (offset >= PERSON_PROPORTION) offset = PERSON_PROPORTION - 1;
    return epoch * PERSON_PROPORTION + offset;
  }

  private lastBase0AuctionId(eventId: number): number {
    const epoch = Math.floor(eventId / TOTAL_PROPORTION);
    let offset = eventId % TOTAL_PROPORTION;
    if (offset < PERSON_PROPORTION) {
      // Before the first auction of this epoch: the last auction of the previous one.
      return epoch * AUCTION_PROPORTION - 1;
    }
    offset -= PERSON_PROPORTION;
    if (offset >= AUCTION_PROPORTION) offset = AUCTION_PROPORTION - 1;
    return epoch * AUCTION_PROPORTION + offset;
  }

  private nextBase0PersonId(eventId: number): number {
    const numPeople = this.lastBase0PersonId(eventId) + 1;
    const activePeople = Math.min(numPeople, NUM_ACTIVE_PEOPLE);
    return numPeople - activePeople + this.int(activePeople + 1);
  }

  private nextBase0AuctionId(eventId: number): number {
    const minAuction = Math.max(this.lastBase0AuctionId(eventId) - NUM_IN_FLIGHT_AUCTIONS, 0);
    const maxAuction = this.lastBase0AuctionId(eventId);
    return minAuction + this.int(maxAuction - minAuction + 1);
  }

  /** Prices on a log scale from $1 to ~$10^6, in cents, as Nexmark's nextPrice. */
  private price(): number {
    return Math.round(Math.pow(10, this.rand() * 6) * 100);
  }

  private time(eventId: number): number {
    const t = this.baseTime + Math.floor(eventId * this.interEventMs);
    return this.jitter > 0 ? t - this.int(this.jitter) : t;
  }

  /** Continues at event `id` (the next call of next() returns it). */
  seek(id: number): void {
    this.n = id;
  }

  next(): NexmarkEvent {
    return this.at(this.n++);
  }

  /** The event with this id (ids count from 0). */
  at(id: number): NexmarkEvent {
    // A seed per event: mix (seed, id) so that neighbouring ids start far apart in mulberry32's sequence.
    let h = Math.imul(this.seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(id | 0, 0xc2b2ae35) ^ Math.imul(Math.floor(id / 4294967296), 0x27d4eb2f);
    h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
    this.state = h ^ (h >>> 13);
    const t = this.time(id);
    const rem = id % TOTAL_PROPORTION;
    if (rem < PERSON_PROPORTION) {
      const pid = this.lastBase0PersonId(id) + FIRST_PERSON_ID;
      const person: Person = {
        id: pid,
        name: `${FIRST_NAMES[this.int(FIRST_NAMES.length)]} ${LAST_NAMES[this.int(LAST_NAMES.length)]}`,
        emailAddress: `p${pid}@example.com`,
        creditCard: String(1000_0000_0000_0000 + this.int(9000_0000_0000_0000)),
        city: US_CITIES[this.int(US_CITIES.length)]!,
        state: US_STATES[this.int(US_STATES.length)]!,
        dateTime: t,
      };
      return { person, t };
    }
    if (rem < PERSON_PROPORTION + AUCTION_PROPORTION) {
      let seller = this.int(HOT_SELLER_RATIO) > 0 ? Math.floor(this.lastBase0PersonId(id) / HOT_SELLER_RATIO) * HOT_SELLER_RATIO : this.nextBase0PersonId(id);
      seller += FIRST_PERSON_ID;
      const initialBid = this.price();
      const auction: Auction = {
        id: this.lastBase0AuctionId(id) + FIRST_AUCTION_ID,
        itemName: `item-${id}`,
        initialBid,
        reserve: initialBid + this.price(),
        dateTime: t,
        expires: t + 10_000 + this.int(20_000),
        seller,
        category: FIRST_CATEGORY_ID + this.int(10),
      };
      return { auction, t };
    }
    const auction = (this.int(HOT_AUCTION_RATIO) > 0 ? Math.floor(this.lastBase0AuctionId(id) / HOT_AUCTION_RATIO) * HOT_AUCTION_RATIO : this.nextBase0AuctionId(id)) + FIRST_AUCTION_ID;
    const bidder = (this.int(HOT_BIDDER_RATIO) > 0 ? Math.floor(this.lastBase0PersonId(id) / HOT_BIDDER_RATIO) * HOT_BIDDER_RATIO + 1 : this.nextBase0PersonId(id)) + FIRST_PERSON_ID;
    const bid: Bid = { auction, bidder, price: this.price(), channel: CHANNELS[this.int(CHANNELS.length)]!, dateTime: t };
    return { bid, t };
  }

  /** Pre-generates `count` events (for benchmarks that must not measure the generator). */
  take(count: number): NexmarkEvent[] {
    const out = new Array<NexmarkEvent>(count);
    for (let i = 0; i < count; i++) out[i] = this.next();
    return out;
  }

  /**
   * Pre-generates `count` events and their event times as a column of their own, as Beam's Nexmark generator yields
   * timestamped values and a Kafka record carries its timestamp beside the payload.
   */
  takeWithTimestamps(count: number): { events: NexmarkEvent[]; timestamps: Float64Array } {
    const events = new Array<NexmarkEvent>(count);
    const timestamps = new Float64Array(count);
    for (let i = 0; i < count; i++) {
      const e = this.next();
      events[i] = e;
      timestamps[i] = e.t;
    }
    return { events, timestamps };
  }
}
