import { MIN_WATERMARK } from '../../time/Watermark.js';

export interface WriterProgress {
  writer: number;
  /** Highest sequence number read from this writer (-1: none). */
  seq: number;
  watermark: number;
}

/**
 * The watermark of one repartition partition, as Flink's input gate combines per-channel watermarks: the minimum over
 * the writers of the partition (every source partition of part 1), each known or not yet; a writer that sent nothing
 * (no record, no watermark) for `idlenessMs` leaves the minimum until it sends again (WatermarkStrategy.withIdleness).
 * Also remembers each writer's highest sequence number, to drop records written again after a writer's restore.
 */
export class WriterWatermarks {
  private readonly writers = new Map<number, WriterProgress & { lastActive: number; idle: boolean }>();

  constructor(
    writers: number,
    private readonly idlenessMs: number | undefined,
    private readonly now: () => number,
  ) {
    for (let w = 0; w < writers; w++) this.writers.set(w, { writer: w, seq: -1, watermark: MIN_WATERMARK, lastActive: now(), idle: false });
  }

  /** Whether a data record is new (not one a restored writer sends again); marks the writer active. */
  accept(writer: number, seq: number): boolean {
    const w = this.touch(writer);
    if (seq <= w.seq) return false;
    w.seq = seq;
    return true;
  }

  onWatermark(writer: number, watermark: number): void {
    const w = this.touch(writer);
    if (watermark > w.watermark) w.watermark = watermark;
  }

  /** The minimum over active writers; `allIdle` when every writer is idle. */
  current(): { watermark: number; allIdle: boolean } {
    const now = this.now();
    let min = Number.POSITIVE_INFINITY;
    for (const w of this.writers.values()) {
      if (this.idlenessMs !== undefined && !w.idle && now - w.lastActive >= this.idlenessMs) w.idle = true;
      if (!w.idle && w.watermark < min) min = w.watermark;
    }
    return min === Number.POSITIVE_INFINITY ? { watermark: MIN_WATERMARK, allIdle: true } : { watermark: min, allIdle: false };
  }

  snapshot(): WriterProgress[] {
    return [...this.writers.values()].map(({ writer, seq, watermark }) => ({ writer, seq, watermark }));
  }

  /** Restored progress; every writer counts as active from now (it has `idlenessMs` to show up). */
  restore(progress: WriterProgress[]): void {
    for (const p of progress) {
      const w = this.touch(p.writer);
      w.seq = Math.max(w.seq, p.seq);
      w.watermark = Math.max(w.watermark, p.watermark);
    }
  }

  private touch(writer: number): WriterProgress & { lastActive: number; idle: boolean } {
    let w = this.writers.get(writer);
    if (w === undefined) this.writers.set(writer, (w = { writer, seq: -1, watermark: MIN_WATERMARK, lastActive: 0, idle: false }));
    w.lastActive = this.now();
    w.idle = false;
    return w;
  }
}
