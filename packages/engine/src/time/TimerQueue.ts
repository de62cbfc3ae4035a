/** A timer of a keyed operator: one per (key, namespace, timestamp), as in Flink. */
export interface Timer<N> {
  readonly timestamp: number;
  readonly key: unknown;
  readonly namespace: N;
}

/** Min-heap of distinct timestamps, each with its timers deduplicated by (key, namespace). */
export class TimerQueue<N> {
  private readonly heap: number[] = [];
  /** timestamp → key → namespace key → timer: nested maps, so no id string is built per registration. */
  private readonly byTime = new Map<number, Map<unknown, Map<string, Timer<N>>>>();
  private count = 0;

  constructor(private readonly namespaceKey: (ns: N) => string) {}

  get size(): number {
    return this.count;
  }

  /** Returns true if the timer was new. */
  add(timestamp: number, key: unknown, namespace: N): boolean {
    let at = this.byTime.get(timestamp);
    if (at === undefined) {
      at = new Map();
      this.byTime.set(timestamp, at);
      this.push(timestamp);
    }
    let forKey = at.get(key);
    if (forKey === undefined) at.set(key, (forKey = new Map()));
    const ns = this.namespaceKey(namespace);
    if (forKey.has(ns)) return false;
    forKey.set(ns, { timestamp, key, namespace });
    this.count++;
    return true;
  }

  delete(timestamp: number, key: unknown, namespace: N): void {
    const forKey = this.byTime.get(timestamp)?.get(key);
    if (forKey !== undefined && forKey.delete(this.namespaceKey(namespace))) {
      this.count--;
      if (forKey.size === 0) this.byTime.get(timestamp)!.delete(key);
    }
    // Empty timestamps stay in the heap and are skipped when polled.
  }

  /** Earliest timestamp with a live timer, or +Infinity. */
  peekTimestamp(): number {
    while (this.heap.length > 0) {
      const ts = this.heap[0]!;
      const at = this.byTime.get(ts);
      if (at !== undefined && at.size > 0) return ts;
      this.byTime.delete(ts);
      this.pop();
    }
    return Number.POSITIVE_INFINITY;
  }

  /** Removes and returns the timers of the earliest timestamp if it is <= `upTo`, in registration order. */
  pollUpTo(upTo: number): Timer<N>[] | undefined {
    const ts = this.peekTimestamp();
    if (ts > upTo || ts === Number.POSITIVE_INFINITY) return undefined;
    const at = this.byTime.get(ts)!;
    this.byTime.delete(ts);
    this.pop();
    const out: Timer<N>[] = [];
    for (const forKey of at.values()) for (const t of forKey.values()) out.push(t);
    this.count -= out.length;
    return out;
  }

  all(): Timer<N>[] {
    const out: Timer<N>[] = [];
    for (const at of this.byTime.values()) for (const forKey of at.values()) for (const t of forKey.values()) out.push(t);
    return out.sort((a, b) => a.timestamp - b.timestamp);
  }

  clear(): void {
    this.heap.length = 0;
    this.byTime.clear();
    this.count = 0;
  }

  private push(v: number): void {
    const h = this.heap;
    h.push(v);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (h[p]! <= v) break;
      h[i] = h[p]!;
      i = p;
    }
    h[i] = v;
  }

  private pop(): void {
    const h = this.heap;
    const last = h.pop()!;
    if (h.length === 0) return;
    let i = 0;
    const n = h.length;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && h[r]! < h[l]! ? r : l;
      if (h[c]! >= last) break;
      h[i] = h[c]!;
      i = c;
    }
    h[i] = last;
  }
}
