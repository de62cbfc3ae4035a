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

/** Milliseconds the wheel covers from its cursor: 16 s at first (an array of 64 KiB), growing up to 17.5 min (4 MiB). */
const INITIAL_WHEEL_SIZE = 1 << 14;
const MAX_WHEEL_SIZE = 1 << 20;
/** How far before the first timer an empty wheel's cursor goes (timers also come out of order). */
const WHEEL_MARGIN = 1 << 12;

/**
 * Distinct timestamps, each with its timers deduplicated by (key, namespace). A timestamp with a single timer holds
 * just that timer; maps by key (and by namespace under a key) are made only when a second timer comes.
 *
 * Timestamps live in one of two places. Whole milliseconds within reach of the wheel's cursor (at or after it) go
 * into a timing wheel: an array indexed by the timestamp itself, so adding, finding and deleting one is an array
 * access, and the earliest is found by moving the cursor forward over empty entries (the cursor only moves forward, as
 * time does). All others (fractional, far ahead, or before the cursor) go to a min-heap with maps by timestamp. With
 * many timers at distinct timestamps (Nexmark q4: one per auction, tens of seconds ahead) the heap and its maps
 * dominated the timers' cost.
 */
export class TimerQueue<N> {
  /** The wheel, made at the first timer it takes; its slots' timestamps are all in [cursor, cursor + wheel.length). */
  private wheel: (TimeSlot<N> | undefined)[] | undefined;
  private wheelMask = 0;
  private cursor = Number.NaN;
  /** Timestamps (slots) in the wheel. */
  private wheelCount = 0;
  /** Heap order by timestamp, in two parallel arrays (timestamps as plain doubles, and their slots). */
  private readonly heapTs: number[] = [];
  private readonly heapSlots: TimeSlot<N>[] = [];
  /**
   * Slots by timestamp. Timestamps within ±2^30 of the first one are keyed by their offset from it, a small integer
   * that V8 keeps in the map's table itself; a double key is a heap number, boxed on the way in and compared through a
   * pointer (on Nexmark q4 the timestamp map was a large part of the timers' time). Other timestamps go to `far`.
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
    if (this.wheelCount > 0) {
      const s = this.wheel![timestamp & this.wheelMask];
      if (s !== undefined && s.timestamp === timestamp) return s;
    }
    // No map lookup while the heap is empty (the usual case when every timer fits the wheel).
    if (this.heapTs.length === 0) return undefined;
    const k = timestamp - this.base;
    return isNear(k) ? this.near.get(k) : this.far.get(timestamp);
  }

  /**
   * Whether a new timestamp goes into the wheel: an empty wheel's cursor moves to just before it, and a wheel grows
   * (up to MAX_WHEEL_SIZE) to reach it. Timers pile up over long stretches of event time when watermarks come seldom
   * (a replay, where 100 s of events take a fifth of a second between two periodic watermarks).
   */
  private fitsWheel(timestamp: number): boolean {
    if (Math.floor(timestamp) !== timestamp || !Number.isFinite(timestamp)) return false;
    if (this.wheel === undefined) {
      this.wheel = new Array<TimeSlot<N> | undefined>(INITIAL_WHEEL_SIZE).fill(undefined);
      this.wheelMask = INITIAL_WHEEL_SIZE - 1;
    }
    const size = this.wheel.length;
    if (this.wheelCount === 0 && !(timestamp >= this.cursor && timestamp - this.cursor < size)) {
      this.cursor = timestamp - Math.min(WHEEL_MARGIN, size >> 2);
      return true;
    }
    const ahead = timestamp - this.cursor;
    if (ahead < 0 || ahead >= MAX_WHEEL_SIZE) return false;
    if (ahead >= size) this.growWheel(ahead);
    return true;
  }

  /** A wheel of the next power of two above `ahead` ms, with the slots moved over. */
  private growWheel(ahead: number): void {
    let size = this.wheel!.length;
    while (size <= ahead) size *= 2;
    const mask = size - 1;
    const grown = new Array<TimeSlot<N> | undefined>(size).fill(undefined);
    for (const slot of this.wheel!) if (slot !== undefined) grown[slot.timestamp & mask] = slot;
    this.wheel = grown;
    this.wheelMask = mask;
  }

  /** The earliest timestamp in the wheel (it has one): the cursor moves to it over empty entries. */
  private wheelFirst(): number {
    const w = this.wheel!;
    let c = this.cursor;
    const mask = this.wheelMask;
    while (w[c & mask] === undefined) c++;
    this.cursor = c;
    return c;
  }

  private takeWheelSlot(slot: TimeSlot<N>): void {
    this.wheel![slot.timestamp & this.wheelMask] = undefined;
    this.wheelCount--;
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
      if (this.fitsWheel(timestamp)) {
        this.wheel![timestamp & this.wheelMask] = fresh;
        this.wheelCount++;
      } else {
        this.setSlot(timestamp, fresh);
        this.push(timestamp, fresh);
      }
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
        this.dropSlot(slot);
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
    if (b.size === 0) this.dropSlot(slot);
  }

  /** An emptied timestamp: out of the wheel, or out of the maps (its slot stays in the heap and is skipped when polled). */
  private dropSlot(slot: TimeSlot<N>): void {
    slot.timers = undefined;
    if (this.wheelCount > 0 && this.wheel![slot.timestamp & this.wheelMask] === slot) this.takeWheelSlot(slot);
    else this.deleteSlot(slot.timestamp);
  }

  /** Earliest timestamp with a live timer, or +Infinity. */
  peekTimestamp(): number {
    const h = this.heapFirst();
    return this.wheelCount > 0 ? Math.min(this.wheelFirst(), h) : h;
  }

  /** Earliest timestamp with a live timer in the heap, or +Infinity. */
  private heapFirst(): number {
    const slots = this.heapSlots;
    while (slots.length > 0) {
      if (slots[0]!.timers !== undefined) return this.heapTs[0]!;
      this.pop();
    }
    return Number.POSITIVE_INFINITY;
  }

  /** Removes and returns the timers of the earliest timestamp if it is <= `upTo`, in registration order (by key). */
  pollUpTo(upTo: number): Timer<N>[] | undefined {
    const h = this.heapFirst();
    const w = this.wheelCount > 0 ? this.wheelFirst() : Number.POSITIVE_INFINITY;
    let slot: TimeSlot<N>;
    if (w < h) {
      if (w > upTo) return undefined;
      slot = this.wheel![w & this.wheelMask]!;
      this.takeWheelSlot(slot);
    } else {
      // An empty heap also reads +∞: tell it from a timer at +∞, which the final +∞ watermark fires (timestamp <= watermark).
      if (h > upTo || this.heapSlots.length === 0) return undefined;
      slot = this.heapSlots[0]!;
      this.deleteSlot(slot.timestamp);
      this.pop();
    }
    const b = slot.timers!;
    slot.timers = undefined;
    const out: Timer<N>[] = [];
    collect(b, out);
    this.count -= out.length;
    return out;
  }

  all(): Timer<N>[] {
    const out: Timer<N>[] = [];
    if (this.wheelCount > 0) for (const slot of this.wheel!) if (slot !== undefined) collect(slot.timers!, out);
    for (const slot of this.near.values()) collect(slot.timers!, out);
    for (const slot of this.far.values()) collect(slot.timers!, out);
    return out.sort((a, b) => a.timestamp - b.timestamp);
  }

  clear(): void {
    if (this.wheelCount > 0) this.wheel!.fill(undefined);
    this.wheelCount = 0;
    this.cursor = Number.NaN;
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
