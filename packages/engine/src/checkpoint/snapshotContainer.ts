import { stringifyInSlices } from './chunkedJson.js';

/*
 * The binary container checkpoints are stored in: a JSON header in which every typed array is replaced by a
 * reference to a binary segment, then the segments. Columns of a million numbers are written as the bytes of their
 * typed arrays (no number formatting, no copy) and read back as views of the bytes read (no parsing).
 *
 *   "FLOWBOOK" | u32 LE container version | u32 LE header length | header (UTF-8 JSON) | pad to 8 | segments, each padded to 8
 *   header = {"segments": [[type, offset, byteLength], …], "value": …}, a typed array written as {"\u0000segment": i}
 */

const MAGIC = 'FLOWBOOK';
export const CONTAINER_VERSION = 1;
const PRELUDE = 16;
const SEGMENT_REF = '\u0000segment';

type TypedArrayConstructor = { new (buffer: ArrayBuffer, byteOffset: number, length: number): ArrayBufferView; readonly BYTES_PER_ELEMENT: number };
const TYPES: Record<string, TypedArrayConstructor> = {
  Float64Array,
  Float32Array,
  Uint8Array,
  Int8Array,
  Uint8ClampedArray,
  Uint16Array,
  Int16Array,
  Uint32Array,
  Int32Array,
  BigInt64Array,
  BigUint64Array,
};

/** A container as pieces to write in order: the segments are views of the typed arrays' own memory. */
export interface EncodedSnapshot {
  pieces: Uint8Array[];
  size: number;
}

const pad8 = (n: number) => (8 - (n % 8)) % 8;

function typeName(v: ArrayBufferView): string {
  for (const [name, ctor] of Object.entries(TYPES)) if (v instanceof (ctor as unknown as typeof Uint8Array)) return name;
  throw new Error(`a ${v.constructor.name} cannot be stored in a checkpoint`);
}

/**
 * Encodes a snapshot (a private copy: it is read over several event-loop turns). The header is serialized in time
 * slices between the job's turns; the segments are not touched.
 */
export async function encodeSnapshot(value: unknown, sliceMs = 8): Promise<EncodedSnapshot> {
  const segments: ArrayBufferView[] = [];
  const header: string[] = [];
  let batch: string[] = [];
  let batchLength = 0;
  // Parts are joined in 1 MB pieces: millions of tiny parts, or one huge join, would cost more.
  await stringifyInSlices(
    value,
    (part) => {
      batch.push(part);
      batchLength += part.length;
      if (batchLength >= 1 << 20) {
        header.push(batch.join(''));
        batch = [];
        batchLength = 0;
      }
    },
    sliceMs,
    (v) => ({ [SEGMENT_REF]: segments.push(v) - 1 }),
  );
  header.push(batch.join(''));
  return assemble(header, segments);
}

/** The same bytes as `encodeSnapshot`, in one call (tests, and small values). */
export function encodeSnapshotSync(value: unknown): EncodedSnapshot {
  const segments: ArrayBufferView[] = [];
  const json = JSON.stringify(value, function (this: Record<string, unknown>, k, v) {
    // `this[k]` is the value before toJSON (a Buffer has one).
    const raw = this[k];
    return ArrayBuffer.isView(raw) ? { [SEGMENT_REF]: segments.push(raw) - 1 } : v;
  });
  return assemble([json ?? 'null'], segments);
}

function assemble(body: string[], segments: ArrayBufferView[]): EncodedSnapshot {
  const table: [string, number, number][] = [];
  let offset = 0;
  for (const s of segments) {
    table.push([typeName(s), offset, s.byteLength]);
    offset += s.byteLength + pad8(s.byteLength);
  }
  const headerPieces = [Buffer.from(`{"segments":${JSON.stringify(table)},"value":`), ...body.map((p) => Buffer.from(p)), Buffer.from('}')];
  const headerLength = headerPieces.reduce((n, p) => n + p.length, 0);
  if (headerLength > 0xffffffff) throw new Error('checkpoint header too large');
  const prelude = Buffer.alloc(PRELUDE);
  prelude.write(MAGIC, 0, 'latin1');
  prelude.writeUInt32LE(CONTAINER_VERSION, 8);
  prelude.writeUInt32LE(headerLength, 12);
  const zeros = Buffer.alloc(8);
  const pieces: Uint8Array[] = [prelude, ...headerPieces];
  const headerPad = pad8(PRELUDE + headerLength);
  if (headerPad > 0) pieces.push(zeros.subarray(0, headerPad));
  for (const s of segments) {
    pieces.push(new Uint8Array(s.buffer, s.byteOffset, s.byteLength));
    if (pad8(s.byteLength) > 0) pieces.push(zeros.subarray(0, pad8(s.byteLength)));
  }
  return { pieces, size: PRELUDE + headerLength + headerPad + offset };
}

/** True when `bytes` start like a container. */
export function isSnapshotContainer(bytes: Uint8Array): boolean {
  return bytes.length >= PRELUDE && Buffer.from(bytes.buffer, bytes.byteOffset, 8).toString('latin1') === MAGIC;
}

/** Decodes a container; typed arrays are views of `bytes` where aligned (copies where not). */
export function decodeSnapshot(bytes: Uint8Array): unknown {
  if (!isSnapshotContainer(bytes)) throw new Error('not a Flowbook checkpoint container');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(8, true);
  if (version !== CONTAINER_VERSION) throw new Error(`checkpoint container version ${version} is not supported`);
  const headerLength = view.getUint32(12, true);
  if (PRELUDE + headerLength > bytes.length) throw new Error('checkpoint container is truncated');
  const header = JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset + PRELUDE, headerLength).toString('utf8')) as { segments: [string, number, number][]; value: unknown };
  const dataStart = PRELUDE + headerLength + pad8(PRELUDE + headerLength);
  const segments = header.segments.map(([type, offset, byteLength]) => {
    const Ctor = TYPES[type];
    if (Ctor === undefined) throw new Error(`checkpoint segment of unknown type ${type}`);
    const start = dataStart + offset;
    if (start + byteLength > bytes.length) throw new Error('checkpoint container is truncated');
    const at = bytes.byteOffset + start;
    if (at % Ctor.BYTES_PER_ELEMENT === 0) return new Ctor(bytes.buffer as ArrayBuffer, at, byteLength / Ctor.BYTES_PER_ELEMENT);
    // Unaligned (a buffer that starts mid-allocation): copied.
    const copy = new ArrayBuffer(byteLength);
    new Uint8Array(copy).set(bytes.subarray(start, start + byteLength));
    return new Ctor(copy, 0, byteLength / Ctor.BYTES_PER_ELEMENT);
  });
  return revive(header.value, segments);
}

function revive(v: unknown, segments: ArrayBufferView[]): unknown {
  if (typeof v !== 'object' || v === null) return v;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const x = v[i];
      if (typeof x === 'object' && x !== null) v[i] = revive(x, segments);
    }
    return v;
  }
  const o = v as Record<string, unknown>;
  const ref = o[SEGMENT_REF];
  if (typeof ref === 'number') return segments[ref];
  for (const k in o) {
    const x = o[k];
    if (typeof x === 'object' && x !== null) o[k] = revive(x, segments);
  }
  return o;
}
