import type { Evictor, EvictorSpec, TimestampedValue } from './Evictor.js';

/**
 * Keeps the elements within `windowSize` ms of the newest element's timestamp (Flink's TimeEvictor): evicts those with
 * timestamp <= max − windowSize. Does nothing when elements carry no timestamps.
 */
export class TimeEvictor implements Evictor {
  private constructor(
    readonly windowSize: number,
    readonly doEvictAfter: boolean,
  ) {}
  static of(windowSize: number, doEvictAfter = false): TimeEvictor {
    return new TimeEvictor(windowSize, doEvictAfter);
  }
  private evict(elements: TimestampedValue[]): void {
    if (elements.length === 0 || !Number.isFinite(elements[0]!.timestamp)) return;
    let max = Number.NEGATIVE_INFINITY;
    for (const e of elements) if (e.timestamp > max) max = e.timestamp;
    const cutoff = max - this.windowSize;
    let w = 0;
    for (const e of elements) if (e.timestamp > cutoff) elements[w++] = e;
    elements.length = w;
  }
  evictBefore(elements: TimestampedValue[]): void {
    if (!this.doEvictAfter) this.evict(elements);
  }
  evictAfter(elements: TimestampedValue[]): void {
    if (this.doEvictAfter) this.evict(elements);
  }
  toSpec(): EvictorSpec {
    return { kind: 'time', windowSize: this.windowSize, doEvictAfter: this.doEvictAfter };
  }
}
