import { describe, expect, it } from 'vitest';
import { decodeSnapshot, encodeSnapshot, encodeSnapshotSync, isSnapshotContainer } from './snapshotContainer.js';

const bytesOf = ({ pieces, size }: { pieces: Uint8Array[]; size: number }) => Buffer.concat(pieces, size);

const sample = () => ({
  formatVersion: 2,
  operators: {
    'w#0': {
      keyed: { tables: [{ name: 'n', size: 3, keys: new Float64Array([1, -0, Number.NaN]), namespaces: { dict: ['', 'a|b'], index: new Uint8Array([0, 1, 1]) }, values: { plain: [{ x: [1, 2] }, 'é', null] } }] },
      timers: { eventTime: { timestamps: new Float64Array(0), index: new Uint32Array([7, 2 ** 32 - 1]) } },
      odd: [new Int16Array([-3]), new Uint16Array([65535]), new Int32Array([-1]), new Float32Array([0.5]), new Int8Array([-1]), new Uint8ClampedArray([255]), new BigInt64Array([-5n]), new BigUint64Array([5n])],
    },
    'src#0': { next: 4096, undefinedMember: undefined, big: Array.from({ length: 5000 }, (_, i) => ({ i, s: `row ${i}` })) },
  },
  raw: Buffer.from('bytes'),
});

describe('checkpoint container', () => {
  it('round-trips typed arrays anywhere in the value as binary segments, everything else as JSON', async () => {
    const value = sample();
    const decoded = decodeSnapshot(bytesOf(await encodeSnapshot(value))) as ReturnType<typeof sample>;
    const { undefinedMember: _, ...source } = value.operators['src#0'];
    // A Buffer comes back as the Uint8Array it is; undefined members are dropped, as JSON drops them.
    expect(decoded).toStrictEqual({ formatVersion: 2, operators: { 'w#0': value.operators['w#0'], 'src#0': source }, raw: new Uint8Array(value.raw) });
    expect(Object.is(decoded.operators['w#0'].keyed.tables[0]!.keys[1], -0)).toBe(true);
    expect(decoded.operators['w#0'].keyed.tables[0]!.keys).toBeInstanceOf(Float64Array);
    expect(decoded.operators['w#0'].odd[6]).toEqual(new BigInt64Array([-5n]));
  });

  it('writes the same bytes in time slices as in one call, and the segments are the typed arrays’ own memory', async () => {
    const value = sample();
    const sliced = await encodeSnapshot(value, 0);
    expect(bytesOf(sliced).equals(bytesOf(encodeSnapshotSync(value)))).toBe(true);
    const keys = value.operators['w#0'].keyed.tables[0]!.keys;
    expect(sliced.pieces.some((p) => p.buffer === keys.buffer && p.byteOffset === keys.byteOffset && p.byteLength === keys.byteLength)).toBe(true);
    expect(sliced.size % 8).toBe(0);
  });

  it('reads segments as views of the bytes when aligned, and copies them when not', () => {
    const column = new Float64Array([1.5, 2.5, 3.5]);
    const bytes = bytesOf(encodeSnapshotSync({ column }));
    const aligned = new Uint8Array(new ArrayBuffer(bytes.length + 8), 8);
    aligned.set(bytes);
    const a = decodeSnapshot(aligned) as { column: Float64Array };
    expect(a.column).toEqual(column);
    expect(a.column.buffer).toBe(aligned.buffer);
    const unaligned = new Uint8Array(new ArrayBuffer(bytes.length + 3), 3);
    unaligned.set(bytes);
    const u = decodeSnapshot(unaligned) as { column: Float64Array };
    expect(u.column).toEqual(column);
    expect(u.column.buffer).not.toBe(unaligned.buffer);
  });

  it('rejects what is not a container, and a truncated one', () => {
    expect(isSnapshotContainer(Buffer.from('{"formatVersion":1}'))).toBe(false);
    expect(() => decodeSnapshot(Buffer.from('{"formatVersion":1}'))).toThrow(/not a Flowbook checkpoint container/);
    const bytes = bytesOf(encodeSnapshotSync({ column: new Float64Array(100) }));
    expect(() => decodeSnapshot(bytes.subarray(0, bytes.length - 16))).toThrow(/truncated/);
    expect(() => encodeSnapshotSync({ v: new DataView(new ArrayBuffer(4)) })).toThrow(/DataView cannot be stored/);
  });
});
