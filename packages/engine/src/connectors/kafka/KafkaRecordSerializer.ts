import { z } from 'zod';
import { resolveFn } from '../../graph/fn.js';
import type { KafkaSinkConfigParsed } from './config.js';

/** A serialized record as kafkajs sends it. */
export interface OutMessage {
  key: string | null;
  value: string | Buffer | null;
  timestamp?: string;
}

/** A record in a checkpoint: a bytes value as base64, so the state stays plain JSON. */
export const StoredMessage = z.object({
  key: z.string().nullable(),
  value: z.string().nullable(),
  /** The value is base64 of bytes (format 'bytes'). */
  base64: z.boolean().optional(),
  timestamp: z.string().optional(),
});
export type StoredMessage = z.infer<typeof StoredMessage>;

export function toStored(m: OutMessage): StoredMessage {
  const bytes = Buffer.isBuffer(m.value);
  return {
    key: m.key,
    value: m.value === null ? null : bytes ? (m.value as Buffer).toString('base64') : (m.value as string),
    ...(bytes ? { base64: true } : {}),
    ...(m.timestamp !== undefined ? { timestamp: m.timestamp } : {}),
  };
}

export function fromStored(m: StoredMessage): OutMessage {
  return {
    key: m.key,
    value: m.value !== null && m.base64 ? Buffer.from(m.value, 'base64') : m.value,
    ...(m.timestamp !== undefined ? { timestamp: m.timestamp } : {}),
  };
}

/**
 * Flink's KafkaRecordSerializationSchema for the sink's config: the key from `keyField` or `keySelector`, the value as
 * JSON, a string or bytes, and the record's event time as the Kafka timestamp. Shared by both delivery guarantees.
 */
export function recordSerializer(c: KafkaSinkConfigParsed): (value: unknown, timestamp: number) => OutMessage {
  const { keyField, keySelector } = c;
  let keyOf: (value: unknown) => unknown;
  if (keySelector !== undefined) keyOf = resolveFn<(v: unknown) => unknown>(keySelector, 'kafka sink key selector');
  else if (keyField !== undefined) keyOf = (v) => (v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[keyField] : undefined);
  else keyOf = () => null;
  return (value, timestamp) => {
    const key = toKey(keyOf(value));
    let out: string | Buffer | null;
    if (value === null || value === undefined) out = null;
    else if (c.format === 'json') {
      try {
        out = JSON.stringify(value);
      } catch (e) {
        throw new Error(`kafka sink ${c.topic}: cannot serialize a record as JSON: ${(e as Error).message}`);
      }
    } else if (c.format === 'string') out = typeof value === 'string' ? value : String(value);
    else if (value instanceof Uint8Array) out = Buffer.from(value.buffer, value.byteOffset, value.byteLength);
    else if (typeof value === 'string') out = Buffer.from(value, 'utf8');
    else throw new Error(`kafka sink ${c.topic}: format "bytes" needs Uint8Array or string records, got ${typeof value}`);
    // The record's event time becomes the Kafka timestamp; records without one get the broker's time.
    return { key, value: out, ...(Number.isFinite(timestamp) ? { timestamp: String(Math.trunc(timestamp)) } : {}) };
  };
}

function toKey(k: unknown): string | null {
  if (k === null || k === undefined) return null;
  if (typeof k === 'string') return k;
  if (typeof k === 'object') return JSON.stringify(k);
  return String(k);
}
