import { NO_TIMESTAMP } from '../../time/Watermark.js';

/**
 * What a repartition topic holds (one JSON value per Kafka record), written by part 1 of a job and read by part 2:
 * - a data record: the writer (the source partition it came from), its sequence number among that writer's records
 *   in this repartition partition, its event time and the value;
 * - a watermark record: the writer and its watermark (Flink's per-channel watermark, sent in-band after the data).
 * Sequence numbers let the reader drop what a writer restored from a checkpoint writes a second time.
 */
export type RepartitionRecord = { w: number; s: number; t: number | null; v: unknown } | { w: number; wm: number };

export const dataRecord = (writer: number, seq: number, timestamp: number, value: unknown): string =>
  JSON.stringify({ w: writer, s: seq, t: Number.isFinite(timestamp) ? timestamp : null, v: value === undefined ? null : value });

export const watermarkRecord = (writer: number, watermark: number): string => JSON.stringify({ w: writer, wm: watermark });

/** A decoded record, or undefined for something else (not written by a repartition writer). */
export function parseRepartitionRecord(raw: unknown): { writer: number; seq: number; timestamp: number; value: unknown } | { writer: number; watermark: number } | undefined {
  if (raw === null || typeof raw !== 'object') return undefined;
  const r = raw as Record<string, unknown>;
  if (typeof r.w !== 'number') return undefined;
  if (typeof r.wm === 'number') return { writer: r.w, watermark: r.wm };
  if (typeof r.s !== 'number') return undefined;
  return { writer: r.w, seq: r.s, timestamp: typeof r.t === 'number' ? r.t : NO_TIMESTAMP, value: r.v };
}
