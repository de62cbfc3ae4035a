import { describe, expect, it } from 'vitest';
import { stringifyInSlices } from './chunkedJson.js';

async function collect(v: unknown, sliceMs?: number): Promise<string> {
  const parts: string[] = [];
  await stringifyInSlices(v, (p) => void parts.push(p), sliceMs);
  return parts.join('');
}

describe('stringifyInSlices', () => {
  it('produces exactly what JSON.stringify produces', async () => {
    const big = Array.from({ length: 5000 }, (_, i) => ({ k: `key-${i}`, v: i % 7 === 0 ? null : i / 3, tags: i % 2 ? ['a', 'b"c'] : [], u: undefined }));
    const value = { formatVersion: 1, operators: { 'w#0': { keyGroups: { 0: big, 1: [] }, timers: big.map((b) => [b.k, 5]) }, 's#0': { next: 3 } }, nested: { deep: { arr: [1, undefined, () => 1, 'x'] } }, when: new Date(0) };
    expect(await collect(value)).toBe(JSON.stringify(value));
    expect(await collect([1, 'two', null, { a: [true] }])).toBe(JSON.stringify([1, 'two', null, { a: [true] }]));
  });

  it('lets other work run while it serializes a large value', async () => {
    const big = { rows: Array.from({ length: 300_000 }, (_, i) => ({ i, s: `row ${i}` })) };
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    await collect(big, 2);
    clearInterval(timer);
    expect(ticks).toBeGreaterThan(3);
  });

  it('hands typed arrays to `binary` and writes what it returns, wherever they are', async () => {
    const value = { a: [1, new Float64Array([1, 2]), { deep: new Uint8Array([3]) }], rows: Array.from({ length: 100 }, (_, i) => (i === 50 ? new Int32Array([i]) : { i })) };
    const seen: ArrayBufferView[] = [];
    const parts: string[] = [];
    await stringifyInSlices(value, (p) => void parts.push(p), 8, (v) => ({ ref: seen.push(v) - 1 }));
    const expected = JSON.stringify(value, function (this: Record<string, unknown>, k, v) {
      return ArrayBuffer.isView(this[k]) ? { ref: [value.a[1], (value.a[2] as { deep: unknown }).deep, value.rows[50]].indexOf(this[k] as never) } : v;
    });
    expect(parts.join('')).toBe(expected);
    expect(seen).toEqual([value.a[1], (value.a[2] as { deep: unknown }).deep, value.rows[50]]);
  });
});
