import type { ProcessingTimeService } from './ProcessingTimeService.js';
import { TimerQueue, type Timer } from './TimerQueue.js';
import { MIN_WATERMARK } from './Watermark.js';

export interface KeyContext {
  getCurrentKey(): unknown;
  setCurrentKey(key: unknown): void;
}

export interface Triggerable<N> {
  onEventTime(timer: Timer<N>): void;
  onProcessingTime(timer: Timer<N>): void;
}

export interface TimerSnapshot<N> {
  eventTime: { timestamp: number; key: unknown; namespace: N }[];
  processingTime: { timestamp: number; key: unknown; namespace: N }[];
}

/**
 * Event-time and processing-time timers of one keyed operator (Flink's InternalTimerServiceImpl).
 * Timers fire with the key context set to the timer's key; event-time timers fire when the watermark passes them.
 */
export class InternalTimerService<N> {
  private readonly eventTimers: TimerQueue<N>;
  private readonly processingTimers: TimerQueue<N>;
  private scheduledAt = Number.POSITIVE_INFINITY;
  private cancelScheduled: (() => void) | undefined;
  currentWatermark = MIN_WATERMARK;

  constructor(
    private readonly keyContext: KeyContext,
    private readonly pts: ProcessingTimeService,
    private readonly target: Triggerable<N>,
    namespaceKey: (ns: N) => string,
  ) {
    this.eventTimers = new TimerQueue(namespaceKey);
    this.processingTimers = new TimerQueue(namespaceKey);
  }

  currentProcessingTime(): number {
    return this.pts.getCurrentProcessingTime();
  }

  registerEventTimeTimer(namespace: N, timestamp: number): void {
    this.eventTimers.add(timestamp, this.keyContext.getCurrentKey(), namespace);
  }

  deleteEventTimeTimer(namespace: N, timestamp: number): void {
    this.eventTimers.delete(timestamp, this.keyContext.getCurrentKey(), namespace);
  }

  registerProcessingTimeTimer(namespace: N, timestamp: number): void {
    if (this.processingTimers.add(timestamp, this.keyContext.getCurrentKey(), namespace) && timestamp < this.scheduledAt) {
      this.schedule(timestamp);
    }
  }

  deleteProcessingTimeTimer(namespace: N, timestamp: number): void {
    this.processingTimers.delete(timestamp, this.keyContext.getCurrentKey(), namespace);
  }

  numEventTimeTimers(): number {
    return this.eventTimers.size;
  }

  numProcessingTimeTimers(): number {
    return this.processingTimers.size;
  }

  /** Fires every event-time timer with timestamp <= watermark, in timestamp order. */
  advanceWatermark(watermark: number): void {
    this.currentWatermark = watermark;
    for (;;) {
      const due = this.eventTimers.pollUpTo(watermark);
      if (due === undefined) return;
      for (const t of due) {
        this.keyContext.setCurrentKey(t.key);
        this.target.onEventTime(t);
      }
    }
  }

  private schedule(timestamp: number): void {
    this.cancelScheduled?.();
    this.scheduledAt = timestamp;
    this.cancelScheduled = this.pts.registerTimer(timestamp, (time) => this.onProcessingTime(time));
  }

  /** Called by the processing-time service; fires all processing-time timers due at `time`. */
  private onProcessingTime(time: number): void {
    this.scheduledAt = Number.POSITIVE_INFINITY;
    this.cancelScheduled = undefined;
    for (;;) {
      const due = this.processingTimers.pollUpTo(time);
      if (due === undefined) break;
      for (const t of due) {
        this.keyContext.setCurrentKey(t.key);
        this.target.onProcessingTime(t);
      }
    }
    const next = this.processingTimers.peekTimestamp();
    if (next !== Number.POSITIVE_INFINITY && next < this.scheduledAt) this.schedule(next);
  }

  /** The live timers, in firing order (not copied: read them before the next timer changes). */
  timers(): { eventTime: Timer<N>[]; processingTime: Timer<N>[] } {
    return { eventTime: this.eventTimers.all(), processingTime: this.processingTimers.all() };
  }

  restore(snapshot: TimerSnapshot<N>): void {
    this.eventTimers.clear();
    this.processingTimers.clear();
    for (const t of snapshot.eventTime) this.eventTimers.add(t.timestamp, t.key, t.namespace);
    for (const t of snapshot.processingTime) this.processingTimers.add(t.timestamp, t.key, t.namespace);
    const next = this.processingTimers.peekTimestamp();
    if (next !== Number.POSITIVE_INFINITY) this.schedule(next);
  }

  shutdown(): void {
    this.cancelScheduled?.();
    this.cancelScheduled = undefined;
    this.scheduledAt = Number.POSITIVE_INFINITY;
  }
}
