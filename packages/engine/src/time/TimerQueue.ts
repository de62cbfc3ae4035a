/** A timer of a keyed operator: one per (key, namespace, timestamp), as in Flink. */
export interface Timer<N> {
  readonly timestamp: number;
  readonly key: unknown;
  readonly namespace: N;
}

/** A timer with its namespace's identity, as the queue stores it. */
class TimerEntry<N> implements Timer<N> {
  constructor(
    readonly timestamp: number,
    readonly key: unknown,
    readonly namespace: N,
    readonly nsKey: string,
  ) {}
}

/** Timers of one key at one timestamp: one timer, or several by namespace key. */
type KeyTimers<N> = TimerEntry<N> | Map<string, TimerEntry<N>>;
/** Timers of one timestamp: one timer (the common case), or several by key. */
type Bucket<N> = TimerEntry<N> | Map<unknown, KeyTimers<N>>;

/** An offset from the base timestamp that V8 stores as a small integer (Smi). */
const isNear = (k: number) => k >= -0x40000000 && k < 0x40000000 && Math.floor(k) === k;

/** Keys compare as Map keys do (SameValueZero). */
const sameKey = (a: unknown, b: unknown) => a === b || (a !== a && b !== b);

/** All timers of one timestamp, in the heap and the map at once; `timers` is undefined once they are gone. */
class TimeSlot<N> {
  timers: Bucket<N> | undefined;
  constructor(
    readonly timestamp: number,
    first: TimerEntry<N>,
  ) {
    this.timers = first;
  }
}

/**
 * Min-heap of distinct timestamps, each with its timers deduplicated by (key, namespace). A timestamp with a single
 * timer holds just that timer; maps by key (and by namespace under a key) are made only when a second timer comes.
 * The heap holds the timestamps' slots themselves, so taking the earliest one needs no map lookup.
 */
export class TimerQueue<N> {
  /** Heap order by timestamp, in two parallel arrays (timestamps as plain doubles, and their slots). */
  private readonly heapTs: number[] = [];
  private readonly heapSlots: TimeSlot<N>[] = [];
  /**
   * Slots by timestamp. Timestamps within ±2^30 of the first one are keyed by their offset from it, a small integer
   * that V8 keeps in the map's table itself; a double key is a heap number, boxed on the way in and compared through a
   * pointer (on Nexmark q4 the timestamp map was 40 % of the timers' time). Other timestamps go to `far`.
   */
  private base = Number.NaN;
  private readonly near = new Map<number, TimeSlot<N>>();
  private readonly far = new Map<number, TimeSlot<N>>();
  private count = 0;

  constructor(private readonly namespaceKey: (ns: N) => string) {}

  get size(): number {
    return this.count;
  }

  private slotAt(timestamp: number): TimeSlot<N> | undefined {
    const k = timestamp - this.base;
    return isNear(k) ? this.near.get(k) : this.far.get(timestamp);
  }

  private setSlot(timestamp: number, slot: TimeSlot<N>): void {
    if (this.base !== this.base && Number.isFinite(timestamp)) this.base = timestamp;
    const k = timestamp - this.base;
    if (isNear(k)) this.near.set(k, slot);
    else this.far.set(timestamp, slot);
  }

  private deleteSlot(timestamp: number): void {
    const k = timestamp - this.base;
    if (isNear(k)) this.near.delete(k);
    else this.far.delete(timestamp);
  }

  /** Returns true if the timer was new. */
  add(timestamp: number, key: unknown, namespace: N): boolean {
    const nsKey = this.namespaceKey(namespace);
    const slot = this.slotAt(timestamp);
    if (slot === undefined) {
      const fresh = new TimeSlot(timestamp, new TimerEntry(timestamp, key, namespace, nsKey));
      this.setSlot(timestamp, fresh);
      this.push(timestamp, fresh);
      this.count++;
      return true;
    }
    const b = slot.timers!;
    let byKey: Map<unknown, KeyTimers<N>>;
    if (b instanceof TimerEntry) {
      if (sameKey(b.key, key) && b.nsKey === nsKey) return false;
      byKey = new Map<unknown, KeyTimers<N>>([[b.key, b]]);
      slot.timers = byKey;
    } else byKey = b;
    const kt = byKey.get(key);
    const t = new TimerEntry(timestamp, key, namespace, nsKey);
    if (kt === undefined) byKey.set(key, t);
    else if (kt instanceof TimerEntry) {
      if (kt.nsKey === nsKey) return false;
      byKey.set(
        key,
        new Map([
          [kt.nsKey, kt],
          [nsKey, t],
        ]),
      );
    } else {
      if (kt.has(nsKey)) return false;
      kt.set(nsKey, t);
    }
    this.count++;
    return true;
  }

  delete(timestamp: number, key: unknown, namespace: N): void {
    const slot = this.slotAt(timestamp);
    if (slot === undefined) return;
    const b = slot.timers!;
    const nsKey = this.namespaceKey(namespace);
    // An emptied timestamp leaves the map; its slot stays in the heap and is skipped when polled.
    if (b instanceof TimerEntry) {
      if (sameKey(b.key, key) && b.nsKey === nsKey) {
        slot.timers = undefined;
        this.deleteSlot(timestamp);
        this.count--;
      }
      return;
    }
    const kt = b.get(key);
    if (kt === undefined) return;
    if (kt instanceof TimerEntry) {
      if (kt.nsKey !== nsKey) return;
      b.delete(key);
    } else {
      if (!kt.delete(nsKey)) return;
      if (kt.size === 0) b.delete(key);
    }
    this.count--;
    if (b.size === 0) {
      slot.timers = undefined;
      this.deleteSlot(timestamp);
    }
  }

  /** Earliest timestamp with a live timer, or +Infinity. */
  peekTimestamp(): number {
    const slots = this.heapSlots;
    while (slots.length > 0) {
      if (slots[0]!.timers !== undefined) return this.heapTs[0]!;
      this.pop();
    }
    return Number.POSITIVE_INFINITY;
  }

  /** Removes and returns the timers of the earliest timestamp if it is <= `upTo`, in registration order (by key). */
  pollUpTo(upTo: number): Timer<N>[] | undefined {
    const ts = this.peekTimestamp();
    if (ts > upTo || ts === Number.POSITIVE_INFINITY) return undefined;
    const slot = this.heapSlots[0]!;
    const b = slot.timers!;
    slot.timers = undefined;
    this.deleteSlot(slot.timestamp);
    this.pop();
    const out: Timer<N>[] = [];
    collect(b, out);
    this.count -= out.length;
    return out;
  }

  all(): Timer<N>[] {
    const out: Timer<N>[] = [];
    for (const slot of this.near.values()) collect(slot.timers!, out);
    for (const slot of this.far.values()) collect(slot.timers!, out);
    return out.sort((a, b) => a.timestamp - b.timestamp);
  }

  clear(): void {
    this.heapTs.length = 0;
    this.heapSlots.length = 0;
    this.near.clear();
    this.far.clear();
    this.base = Number.NaN;
    this.count = 0;
  }

  private push(t: number, slot: TimeSlot<N>): void {
    const hts = this.heapTs;
    const hs = this.heapSlots;
    let i = hts.length;
    hts.push(t);
    hs.push(slot);
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (hts[p]! <= t) break;
      hts[i] = hts[p]!;
      hs[i] = hs[p]!;
      i = p;
    }
    hts[i] = t;
    hs[i] = slot;
  }

  private pop(): void {
    const hts = this.heapTs;
    const hs = this.heapSlots;
    const lastT = hts.pop()!;
    const lastS = hs.pop()!;
    const n = hts.length;
    if (n === 0) return;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && hts[r]! < hts[l]! ? r : l;
      if (hts[c]! >= lastT) break;
      hts[i] = hts[c]!;
      hs[i] = hs[c]!;
      i = c;
    }
    hts[i] = lastT;
    hs[i] = lastS;
  }
}

function collect<N>(b: Bucket<N>, out: Timer<N>[]): void {
  if (b instanceof TimerEntry) {
    out.push(b);
    return;
  }
  for (const kt of b.values()) {
    if (kt instanceof TimerEntry) out.push(kt);
    else for (const t of kt.values()) out.push(t);
  }
}
