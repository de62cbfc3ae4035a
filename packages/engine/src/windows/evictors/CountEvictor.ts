import type { Evictor, EvictorSpec, TimestampedValue } from './Evictor.js';

/** Keeps at most `maxCount` elements, evicting the oldest (Flink's CountEvictor), before or after the window function. */
export class CountEvictor implements Evictor {
  private constructor(
    readonly maxCount: number,
    readonly doEvictAfter: boolean,
  ) {
    if (!(maxCount >= 0)) throw new Error('CountEvictor needs maxCount >= 0');
  }
  static of(maxCount: number, doEvictAfter = false): CountEvictor {
    return new CountEvictor(maxCount, doEvictAfter);
  }
  private evict(elements: TimestampedValue[], size: number): void {
    if (size <= this.maxCount) return;
    elements.splice(0, size - this.maxCount);
  }
  evictBefore(elements: TimestampedValue[], size: number): void {
    if (!this.doEvictAfter) this.evict(elements, size);
  }
  evictAfter(elements: TimestampedValue[], size: number): void {
    if (this.doEvictAfter) this.evict(elements, size);
  }
  toSpec(): EvictorSpec {
    return { kind: 'count', maxCount: this.maxCount, doEvictAfter: this.doEvictAfter };
  }
}
