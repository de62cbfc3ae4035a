import { MIN_WATERMARK } from '../../time/Watermark.js';

interface PartitionClock {
  maxTimestamp: number;
  /** Processing time of the partition's last record (or of its assignment). */
  lastActive: number;
  idle: boolean;
}

/**
 * Per-partition watermarks, as Flink's KafkaSource generates them: each partition tracks its own maximum timestamp,
 * and the source's watermark is the minimum over the partitions, so that one partition running ahead of the others
 * does not make their records late. A partition idle for `idlenessMs` leaves the minimum until it has records again.
 */
export class PartitionWatermarks {
  private readonly partitions = new Map<string, PartitionClock>();

  constructor(
    private readonly maxOutOfOrdernessMs: number,
    private readonly idlenessMs: number | undefined,
    private readonly now: () => number,
  ) {}

  /** Sets the partitions this source reads; new ones start without timestamp (holding the minimum back). */
  assign(keys: Iterable<string>): void {
    const wanted = new Set(keys);
    for (const k of this.partitions.keys()) if (!wanted.has(k)) this.partitions.delete(k);
    for (const k of wanted) if (!this.partitions.has(k)) this.partitions.set(k, { maxTimestamp: MIN_WATERMARK, lastActive: this.now(), idle: false });
  }

  /** A partition found after the start (partition discovery); it starts without timestamp, as in assign(). */
  add(key: string): void {
    if (!this.partitions.has(key)) this.partitions.set(key, { maxTimestamp: MIN_WATERMARK, lastActive: this.now(), idle: false });
  }

  /** A partition that has ended (bounded mode) no longer holds the watermark back. */
  remove(key: string): void {
    this.partitions.delete(key);
  }

  /** A partition's highest timestamp so far; undefined before its first record. */
  maxTimestampOf(key: string): number | undefined {
    const t = this.partitions.get(key)?.maxTimestamp;
    return t === undefined || t === MIN_WATERMARK ? undefined : t;
  }

  onRecord(key: string, timestamp: number): void {
    const p = this.partitions.get(key);
    if (p === undefined) return;
    if (timestamp > p.maxTimestamp) p.maxTimestamp = timestamp;
    p.lastActive = this.now();
    p.idle = false;
  }

  /**
   * The watermark now: min over active partitions of (max timestamp − maxOutOfOrdernessMs − 1), MIN_WATERMARK while
   * an active partition has no timestamp yet; `allIdle` when every partition is idle (and there is at least one).
   */
  current(): { watermark: number; allIdle: boolean } {
    const now = this.now();
    let min = Number.POSITIVE_INFINITY;
    let active = 0;
    for (const p of this.partitions.values()) {
      if (this.idlenessMs !== undefined && !p.idle && now - p.lastActive >= this.idlenessMs) p.idle = true;
      if (p.idle) continue;
      active++;
      if (p.maxTimestamp < min) min = p.maxTimestamp;
    }
    if (active === 0) return { watermark: MIN_WATERMARK, allIdle: this.partitions.size > 0 };
    return { watermark: min === MIN_WATERMARK ? MIN_WATERMARK : min - this.maxOutOfOrdernessMs - 1, allIdle: false };
  }
}
