/** A timer of a keyed operator: one per (key, namespace, timestamp), as in Flink. */
export interface Timer<N> {
  readonly timestamp: number;
  readonly key: unknown;
  readonly namespace: N;
}

/** Min-heap of distinct timestamps, each with its timers deduplicated by (key, namespace). */
export class TimerQueue<N> {
  private readonly heap: number[] = [];
  private readonly byTime = new Map<number, Map<string, Timer<N>>>();
  private count = 0;

  constructor(private readonly namespaceKey: (ns: N) => string) {}

  get size(): number {
    return this.count;
  }

  private id(key: unknown, ns: N): string {
    return (typeof key === 'number' ? 'n' : 's') + String(key) + '\u0000' + this.namespaceKey(ns);
  }

  /** Returns true if the timer was new. */
  add(timestamp: number, key: unknown, namespace: N): boolean {
    let at = this.byTime.get(timestamp);
    if (at === undefined) {
      at = new Map();
      this.byTime.set(timestamp, at);
      this.push(timestamp);
    }
    const id = this.id(key, namespace);
    if (at.has(id)) return false;
    at.set(id, { timestamp, key, namespace });
    this.count++;
    return true;
  }

  delete(timestamp: number, key: unknown, namespace: N): void {
    const at = this.byTime.get(timestamp);
    if (at !== undefined && at.delete(this.id(key, namespace))) this.count--;
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
    this.count -= at.size;
    return [...at.values()];
  }

  all(): Timer<N>[] {
    const out: Timer<N>[] = [];
    for (const at of this.byTime.values()) for (const t of at.values()) out.push(t);
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
