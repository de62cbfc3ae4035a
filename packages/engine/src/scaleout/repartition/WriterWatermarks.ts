import { MIN_WATERMARK } from '../../time/Watermark.js';

/** What a reader has of one writer in one repartition partition: the highest sequence number read (-1: none). */
export interface WriterSeq {
  partition: number;
  writer: number;
  seq: number;
}

export interface WriterProgress {
  /** Per repartition partition read and writer, the highest sequence number read. */
  seqs: WriterSeq[];
  /** Per writer, its watermark (null before its first: MIN_WATERMARK is not JSON). */
  watermarks: { writer: number; watermark: number | null }[];
}

/**
 * The watermark of a part 2 reader, as Flink's input gate combines per-channel watermarks: the minimum over the
 * writers (every source partition of part 1), each known or not yet; a writer that sent nothing (no record, no
 * watermark) for `idlenessMs` leaves the minimum until it sends again (WatermarkStrategy.withIdleness). Also keeps
 * each writer's highest sequence number per partition, to drop records a writer restored from a checkpoint writes again.
 */
export class WriterWatermarks {
  private readonly writers = new Map<number, { watermark: number; lastActive: number; idle: boolean }>();
  private readonly seqs = new Map<string, WriterSeq>();

  constructor(
    writers: number,
    private readonly idlenessMs: number | undefined,
    private readonly now: () => number,
  ) {
    for (let w = 0; w < writers; w++) this.writers.set(w, { watermark: MIN_WATERMARK, lastActive: now(), idle: false });
  }

  /** Whether a data record is new (not one a restored writer sends again); marks the writer active. */
  accept(partition: number, writer: number, seq: number): boolean {
    this.touch(writer);
    const key = `${partition}/${writer}`;
    const last = this.seqs.get(key);
    if (last !== undefined && seq <= last.seq) return false;
    if (last === undefined) this.seqs.set(key, { partition, writer, seq });
    else last.seq = seq;
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

  snapshot(): WriterProgress {
    return {
      seqs: [...this.seqs.values()].map((s) => ({ ...s })),
      watermarks: [...this.writers].map(([writer, w]) => ({ writer, watermark: Number.isFinite(w.watermark) ? w.watermark : null })),
    };
  }

  /** Restored progress; every writer counts as active from now (it has `idlenessMs` to show up). */
  restore(progress: WriterProgress): void {
    for (const s of progress.seqs) this.accept(s.partition, s.writer, s.seq);
    for (const w of progress.watermarks) this.onWatermark(w.writer, w.watermark ?? MIN_WATERMARK);
  }

  private touch(writer: number): { watermark: number; lastActive: number; idle: boolean } {
    let w = this.writers.get(writer);
    if (w === undefined) this.writers.set(writer, (w = { watermark: MIN_WATERMARK, lastActive: 0, idle: false }));
    w.lastActive = this.now();
    w.idle = false;
    return w;
  }
}
