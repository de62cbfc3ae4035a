import { describe, expect, it } from 'vitest';
import { assignLoop, filterLoop, flatMapLoop, mapLoop, maxTimestampBeforeNaN, type LoopFailure, type TimestampedCollector } from './batchLoops.js';
import { loopCopy } from './loopCopies.js';

const failure = (): LoopFailure => ({ at: -1, produced: -1, bad: undefined });
const values = [1, 2, 3, 4, 5, 6];
const timestamps = Float64Array.from(values, (v) => v * 10);

describe('loop copies', () => {
  it('are functions of their own per key, and the same function for the same key', () => {
    const a = loopCopy(filterLoop, 'node-a\n(v) => v > 1');
    expect(a).not.toBe(filterLoop);
    expect(loopCopy(filterLoop, 'node-a\n(v) => v > 1')).toBe(a);
    expect(loopCopy(filterLoop, 'node-b\n(v) => v > 1')).not.toBe(a);
    // The key names a loop together with the loop: another loop under the same key is another copy.
    expect(loopCopy(mapLoop, 'node-a\n(v) => v > 1')).not.toBe(a);
  });

  it('compute what the loops compute, failures included', () => {
    for (const copy of [false, true]) {
      const f = copy ? loopCopy(filterLoop, `t${Math.random()}`) : filterLoop;
      const outValues: unknown[] = [];
      const outTs = new Float64Array(6);
      expect(f((v) => (v as number) % 2 === 0, values, timestamps, 6, outValues, outTs, failure())).toBe(3);
      expect([outValues, [...outTs.subarray(0, 3)]]).toEqual([[2, 4, 6], [20, 40, 60]]);
      const ff = failure();
      const boom = (v: unknown) => {
        if (v === 5) throw new Error('boom');
        return v !== 2;
      };
      expect(() => f(boom, values, timestamps, 6, [], new Float64Array(6), ff)).toThrow('boom');
      expect(ff).toMatchObject({ at: 4, produced: 3 });

      const m = copy ? loopCopy(mapLoop, `t${Math.random()}`) : mapLoop;
      const mapped: unknown[] = [];
      m((v) => (v as number) * 2, values, 6, mapped, failure());
      expect(mapped).toEqual([2, 4, 6, 8, 10, 12]);
      const mf = failure();
      expect(() => m((v) => { if (v === 3) throw new Error('map boom'); return v; }, values, 6, [], mf)).toThrow('map boom');
      expect(mf).toMatchObject({ at: 2, produced: 2 });

      const a = copy ? loopCopy(assignLoop, `t${Math.random()}`) : assignLoop;
      const assigned = new Float64Array(6);
      const ok = failure();
      // Returns the largest timestamp assigned (or the `max` given, when larger), failure.at = length.
      expect(a((v, t) => (v as number) + t - (v === 2 ? 20 : 0), values, timestamps, 6, assigned, -Infinity, ok)).toBe(66);
      expect([...assigned]).toEqual([11, 2, 33, 44, 55, 66]);
      expect(ok.at).toBe(6);
      expect(a((v, t) => (v as number) + t, values, timestamps, 6, assigned, 100, failure())).toBe(100);
      const af = failure();
      expect(a((v) => (v === 4 ? 'x' : (v as number) * 7), values, timestamps, 6, new Float64Array(6), -Infinity, af)).toBe(21);
      expect(af).toMatchObject({ bad: 'x', at: 3 });
      const nf = failure();
      expect(a((v) => (v === 2 ? Number.NaN : 1), values, timestamps, 6, new Float64Array(6), -Infinity, nf)).toBe(1);
      expect(nf).toMatchObject({ bad: Number.NaN, at: 1 });

      const fm = copy ? loopCopy(flatMapLoop, `t${Math.random()}`) : flatMapLoop;
      const seen: [unknown, number][] = [];
      const collector: TimestampedCollector = { ts: 0, collect: (v) => seen.push([v, collector.ts]) };
      fm((v, out) => { for (let i = 0; i < (v as number) % 3; i++) out.collect(v); }, values, timestamps, 6, collector, failure());
      expect(seen).toEqual([[1, 10], [2, 20], [2, 20], [4, 40], [5, 50], [5, 50]]);
      const fmf = failure();
      expect(() => fm((v) => { if (v === 6) throw new Error('flat boom'); }, values, timestamps, 6, collector, fmf)).toThrow('flat boom');
      expect(fmf.at).toBe(5);
    }
  });
});

describe('maxTimestampBeforeNaN', () => {
  it('finds the largest timestamp and the first NaN in one pass', () => {
    const f = failure();
    expect(maxTimestampBeforeNaN(Float64Array.of(3, 9, -Infinity, 4), 4, -Infinity, f)).toBe(9);
    expect(f.at).toBe(4);
    expect(maxTimestampBeforeNaN(Float64Array.of(3, 9, 4), 2, 20, f)).toBe(20);
    expect(maxTimestampBeforeNaN(Float64Array.of(3, 9, 4), 0, -Infinity, f)).toBe(-Infinity);
    expect(f.at).toBe(0);
    // The largest before the NaN, and where the NaN is; nothing after it counts.
    expect(maxTimestampBeforeNaN(Float64Array.of(3, 1, NaN, 50, NaN), 5, -Infinity, f)).toBe(3);
    expect(f.at).toBe(2);
    expect(maxTimestampBeforeNaN(Float64Array.of(NaN, 5), 2, -Infinity, f)).toBe(-Infinity);
    expect(f.at).toBe(0);
  });

  it('agrees with a plain scan on random batches', () => {
    for (let round = 0; round < 200; round++) {
      const n = Math.floor(Math.random() * 40);
      const ts = Float64Array.from({ length: n }, () => (Math.random() < 0.03 ? NaN : Math.random() < 0.05 ? Infinity : Math.floor(Math.random() * 1000 - 500)));
      const firstNaN = ts.findIndex((t) => Number.isNaN(t));
      const upTo = firstNaN < 0 ? n : firstNaN;
      const f = failure();
      expect(maxTimestampBeforeNaN(ts, n, -Infinity, f)).toBe(Math.max(-Infinity, ...ts.subarray(0, upTo)));
      expect(f.at).toBe(upTo);
    }
  });
});
