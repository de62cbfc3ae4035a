import type { ProcessingTimeService } from '../src/index.js';

interface PendingTimer {
  ts: number;
  seq: number;
  cb: (ts: number) => void;
  cancelled: boolean;
}

/**
 * Processing time for q12, driven by the benchmark's source instead of the wall clock, so that processing-time windows
 * give the same results on every run and can be checked against the loop and RxJS. The source moves the clock to each
 * event's "arrival time" (the largest event time seen so far) before it emits the event. A timer set for T runs once
 * the clock has passed T, as a real timer callback runs after its millisecond: records that arrive at T still belong to
 * the window whose last millisecond is T, and every window fires exactly once.
 */
export class EventDrivenClock implements ProcessingTimeService {
  private now: number;
  private seq = 0;
  private readonly heap: PendingTimer[] = [];

  constructor(start = 0) {
    this.now = start;
  }

  getCurrentProcessingTime(): number {
    return this.now;
  }

  registerTimer(timestamp: number, callback: (timestamp: number) => void): () => void {
    const t: PendingTimer = { ts: timestamp, seq: this.seq++, cb: callback, cancelled: false };
    this.push(t);
    return () => {
      t.cancelled = true;
    };
  }

  /** Fires, in order, every timer set before `time` (also those registered while firing), then sets the clock to `time`. */
  advanceTo(time: number): void {
    if (time <= this.now) return;
    const h = this.heap;
    while (h.length > 0 && h[0]!.ts < time) {
      const t = this.pop();
      if (t.cancelled) continue;
      if (t.ts > this.now) this.now = t.ts;
      t.cb(t.ts);
    }
    this.now = time;
  }

  shutdown(): void {
    this.heap.length = 0;
  }

  private less(a: PendingTimer, b: PendingTimer): boolean {
    return a.ts < b.ts || (a.ts === b.ts && a.seq < b.seq);
  }

  private push(t: PendingTimer): void {
    const h = this.heap;
    let i = h.push(t) - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(t, h[p]!)) break;
      h[i] = h[p]!;
      i = p;
    }
    h[i] = t;
  }

  private pop(): PendingTimer {
    const h = this.heap;
    const top = h[0]!;
    const last = h.pop()!;
    if (h.length > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= h.length) break;
        const r = l + 1;
        const c = r < h.length && this.less(h[r]!, h[l]!) ? r : l;
        if (!this.less(h[c]!, last)) break;
        h[i] = h[c]!;
        i = c;
      }
      h[i] = last;
    }
    return top;
  }
}
