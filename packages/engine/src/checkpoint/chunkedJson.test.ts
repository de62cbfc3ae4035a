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
});
