/**
 * Processing time, injectable so tests are deterministic (Flink's ProcessingTimeService).
 * Callbacks never run inside processElement: they run from the event loop (system) or from advanceTo (manual).
 */
export interface ProcessingTimeService {
  getCurrentProcessingTime(): number;
  /** Runs `callback(timestamp)` once processing time reaches `timestamp`. Returns a cancel function. */
  registerTimer(timestamp: number, callback: (timestamp: number) => void): () => void;
  shutdown(): void;
}

export class SystemProcessingTimeService implements ProcessingTimeService {
  private readonly handles = new Set<ReturnType<typeof setTimeout>>();
  private stopped = false;
  /** Guards against callbacks re-entering user code: set by the job while an element is processed. */
  constructor(private readonly onError: (e: unknown) => void = (e) => { throw e; }) {}
  getCurrentProcessingTime(): number {
    return Date.now();
  }
  registerTimer(timestamp: number, callback: (timestamp: number) => void): () => void {
    if (this.stopped) return () => {};
    const handle = setTimeout(() => {
      this.handles.delete(handle);
      if (this.stopped) return;
      try {
        callback(timestamp);
      } catch (e) {
        this.onError(e);
      }
    }, Math.max(0, timestamp - Date.now()));
    this.handles.add(handle);
    return () => {
      clearTimeout(handle);
      this.handles.delete(handle);
    };
  }
  shutdown(): void {
    this.stopped = true;
    for (const h of this.handles) clearTimeout(h);
    this.handles.clear();
  }
}

/** A clock that only moves when told to; timers fire in timestamp order during `advanceTo`. */
export class ManualProcessingTimeService implements ProcessingTimeService {
  private now: number;
  private seq = 0;
  private timers: { ts: number; seq: number; cb: (ts: number) => void; cancelled: boolean }[] = [];
  constructor(start = 0) {
    this.now = start;
  }
  getCurrentProcessingTime(): number {
    return this.now;
  }
  registerTimer(timestamp: number, callback: (timestamp: number) => void): () => void {
    const t = { ts: timestamp, seq: this.seq++, cb: callback, cancelled: false };
    this.timers.push(t);
    return () => {
      t.cancelled = true;
    };
  }
  /** Moves time forward, firing due timers in order (timers registered while firing fire too if due). */
  advanceTo(time: number): void {
    if (time < this.now) throw new Error(`processing time cannot go backwards (${this.now} → ${time})`);
    for (;;) {
      let best = -1;
      for (let i = 0; i < this.timers.length; i++) {
        const t = this.timers[i]!;
        if (t.cancelled || t.ts > time) continue;
        if (best < 0 || t.ts < this.timers[best]!.ts || (t.ts === this.timers[best]!.ts && t.seq < this.timers[best]!.seq)) best = i;
      }
      if (best < 0) break;
      const t = this.timers.splice(best, 1)[0]!;
      this.now = Math.max(this.now, t.ts);
      t.cb(t.ts);
    }
    this.timers = this.timers.filter((t) => !t.cancelled);
    this.now = time;
  }
  shutdown(): void {
    this.timers = [];
  }
}
