/** One record seen by a data tap, with its event timestamp and the operator's watermark at that moment. */
export interface TappedRecord {
  /** Sequence number of the record at this tap (counts records the ring buffer has since dropped). */
  seq: number;
  value: unknown;
  /** Event timestamp, or null for records without one. */
  timestamp: number | null;
  watermark: number | null;
  /** Wall-clock time the record passed. */
  at: number;
  /** Set for side outputs (e.g. 'dead-letter', late data). */
  tag?: string;
}

/**
 * The last N records an operator emitted (Node-RED's debug node, on any node of a running job): a ring buffer filled
 * on the hot path only while a tap is open, so jobs that nobody watches pay one undefined check per record.
 */
export class DataTap {
  private readonly buffer: TappedRecord[] = [];
  private next = 0;
  seq = 0;
  constructor(readonly capacity: number) {}

  push(value: unknown, timestamp: number, watermark: number, tag?: string): void {
    this.add({
      seq: this.seq++,
      value,
      timestamp: Number.isFinite(timestamp) ? timestamp : null,
      watermark: Number.isFinite(watermark) ? watermark : null,
      at: Date.now(),
      ...(tag !== undefined ? { tag } : {}),
    });
  }

  /** Records another slot's tap on the same node saw (in its order), numbered in this tap's sequence. */
  merge(records: readonly TappedRecord[]): void {
    for (const r of records) this.add({ ...r, seq: this.seq++ });
  }

  private add(r: TappedRecord): void {
    if (this.buffer.length < this.capacity) this.buffer.push(r);
    else this.buffer[this.next] = r;
    this.next = (this.next + 1) % this.capacity;
  }

  /** Oldest first; only records after `afterSeq` when given (incremental polling). */
  records(afterSeq = -1): TappedRecord[] {
    const ordered = this.buffer.length < this.capacity ? this.buffer : [...this.buffer.slice(this.next), ...this.buffer.slice(0, this.next)];
    return afterSeq < 0 ? [...ordered] : ordered.filter((r) => r.seq > afterSeq);
  }
}
