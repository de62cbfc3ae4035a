import { describe, expect, it } from 'vitest';
import { TimerQueue, type Timer } from './TimerQueue.js';

const plain = (ts: Timer<string>[] | undefined) => ts?.map((t) => `${t.timestamp}/${String(t.key)}/${t.namespace}`);

describe('TimerQueue', () => {
  it('keeps one timer per (timestamp, key, namespace) and polls timestamps in order, by key within one', () => {
    const q = new TimerQueue<string>((ns) => ns);
    expect(q.add(20, 'a', '')).toBe(true);
    expect(q.add(10, 'b', '')).toBe(true);
    expect(q.add(20, 'b', 'w1')).toBe(true);
    expect(q.add(20, 'a', 'w1')).toBe(true);
    expect(q.add(20, 'a', '')).toBe(false);
    expect(q.add(20, 'a', 'w1')).toBe(false);
    expect(q.add(10, 'b', '')).toBe(false);
    expect(q.add(Number.NaN, Number.NaN, '')).toBe(true);
    expect(q.add(Number.NaN, Number.NaN, '')).toBe(false);
    q.delete(Number.NaN, Number.NaN, '');
    expect(q.size).toBe(4);
    expect(q.peekTimestamp()).toBe(10);
    expect(plain(q.pollUpTo(9))).toBeUndefined();
    expect(plain(q.pollUpTo(10))).toEqual(['10/b/']);
    expect(plain(q.pollUpTo(100))).toEqual(['20/a/', '20/a/w1', '20/b/w1']);
    expect(q.pollUpTo(Number.POSITIVE_INFINITY)).toBeUndefined();
    expect(q.size).toBe(0);
    expect(q.peekTimestamp()).toBe(Number.POSITIVE_INFINITY);
  });

  it('deletes timers; an emptied timestamp is skipped, and the same timestamp can be used again', () => {
    const q = new TimerQueue<string>((ns) => ns);
    q.add(5, 1, '');
    q.add(7, 1, '');
    q.add(7, 2, 'x');
    q.delete(5, 1, '');
    q.delete(5, 1, ''); // twice: no effect
    q.delete(7, 3, ''); // unknown: no effect
    q.delete(7, 2, 'x');
    expect(q.size).toBe(1);
    expect(q.peekTimestamp()).toBe(7);
    q.add(5, 9, '');
    expect(plain(q.all())).toEqual(['5/9/', '7/1/']);
    expect(plain(q.pollUpTo(10))).toEqual(['5/9/']);
    q.delete(7, 1, '');
    expect(q.pollUpTo(10)).toBeUndefined();
    q.add(7, 4, '');
    expect(plain(q.pollUpTo(10))).toEqual(['7/4/']);
  });

  it('keeps timestamps near the first one and far from it (fractional, -Infinity, MAX_SAFE_INTEGER) apart, however they mix', () => {
    const q = new TimerQueue<string>((ns) => ns);
    const base = 1.7e12;
    // Near: integers within 2^30 of the first timestamp. Far: everything else, including one whose offset from the
    // first equals another's raw value.
    const stamps = [base, base + 5, base - 2 ** 30, base + 2 ** 30, base + 2 ** 31, 5, 5 + base - base + 0.5, -Infinity, Number.MAX_SAFE_INTEGER, base + 5.25];
    for (const ts of stamps) expect(q.add(ts, 'k', ''), String(ts)).toBe(true);
    for (const ts of stamps) expect(q.add(ts, 'k', ''), String(ts)).toBe(false);
    expect(q.size).toBe(stamps.length);
    q.delete(5, 'k', '');
    q.delete(base + 2 ** 30, 'k', '');
    expect(q.add(base + 5, 'k', '')).toBe(false);
    const order = [...stamps].filter((t) => t !== 5 && t !== base + 2 ** 30).sort((a, b) => a - b);
    expect(plain(q.all())).toEqual(order.map((t) => `${t}/k/`));
    const got: number[] = [];
    for (let t = q.pollUpTo(Infinity); t !== undefined; t = q.pollUpTo(Infinity)) got.push(...t.map((e) => e.timestamp));
    expect(got).toEqual(order);
    expect(q.size).toBe(0);
    q.clear();
    expect(q.add(7, 'k', '')).toBe(true);
    expect(plain(q.pollUpTo(10))).toEqual(['7/k/']);
  });

  it('agrees with a plain model under random adds, deletes and polls, in the wheel, the heap and both', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const q = new TimerQueue<string>((ns) => ns);
      const model = new Map<string, { ts: number; key: number }>();
      let x = seed;
      const rnd = (n: number) => ((x = (Math.imul(x, 1103515245) + 12345) >>> 0), x % n);
      let wm = 0;
      for (let op = 0; op < 4000; op++) {
        // Timestamps 65,536 apart fall on the same wheel entry; some are before the last poll, some fractional or far.
        const ts = 1.7e12 + wm + rnd(40) - 20 * rnd(3) + 65_536 * rnd(3) + (rnd(50) === 0 ? 2 ** 31 : 0) + (rnd(25) === 0 ? 0.5 : 0);
        const key = rnd(5);
        const r = rnd(10);
        if (r < 6) expect(q.add(ts, key, '')).toBe(!model.has(`${ts}/${key}`)), model.set(`${ts}/${key}`, { ts, key });
        else if (r < 9) q.delete(ts, key, ''), model.delete(`${ts}/${key}`);
        else {
          // Now and then time jumps further than the wheel reaches.
          wm += rnd(30) + (rnd(15) === 0 ? 70_000 : 0);
          const upTo = 1.7e12 + wm;
          const due = [...model.values()].filter((t) => t.ts <= upTo).sort((a, b) => a.ts - b.ts);
          const got: string[] = [];
          for (let t = q.pollUpTo(upTo); t !== undefined; t = q.pollUpTo(upTo)) got.push(...t.map((e) => `${e.timestamp}/${String(e.key)}`).sort());
          expect(got).toEqual(due.map((t) => `${t.ts}/${t.key}`).sort((a, b) => Number(a.split('/')[0]) - Number(b.split('/')[0]) || a.localeCompare(b)));
          for (const t of due) model.delete(`${t.ts}/${t.key}`);
        }
        expect(q.size).toBe(model.size);
      }
      expect(plain(q.all())!.sort()).toEqual([...model.values()].map((t) => `${t.ts}/${t.key}/`).sort());
    }
  });

  it('keeps timers a whole wheel apart (its first 16,384 ms, then 17.5 min) as distinct timestamps', () => {
    const q = new TimerQueue<string>((ns) => ns);
    const t0 = 1.7e12;
    // The first timer puts the wheel's cursor 4,096 ms before it; the third is then exactly the wheel's size ahead.
    const stamps = [t0, t0 - 4096, t0 + 12_288, t0 + 12_288 + 2 ** 20, t0 - 4096 + 2 ** 20, t0 + 1];
    for (const t of stamps) expect(q.add(t, 'k', '')).toBe(true);
    for (const t of stamps) expect(q.add(t, 'k', '')).toBe(false);
    const got: number[] = [];
    for (let t = q.pollUpTo(Infinity); t !== undefined; t = q.pollUpTo(Infinity)) got.push(...t.map((e) => e.timestamp));
    expect(got).toEqual([...stamps].sort((a, b) => a - b));
  });

  it('orders many timers as a sort would', () => {
    const q = new TimerQueue<string>((ns) => ns);
    const expected: string[] = [];
    let x = 12345;
    for (let i = 0; i < 2000; i++) {
      x = (x * 1103515245 + 12345) % 2147483648;
      const ts = 1.7e12 + (x % 500);
      if (q.add(ts, i % 37, '')) expected.push(`${ts}/${i % 37}`);
    }
    const got: string[] = [];
    for (let t = q.pollUpTo(Number.POSITIVE_INFINITY); t !== undefined; t = q.pollUpTo(Number.POSITIVE_INFINITY)) got.push(...t.map((e) => `${e.timestamp}/${String(e.key)}`));
    expect(got.map((s) => Number(s.split('/')[0]))).toEqual([...got.map((s) => Number(s.split('/')[0]))].sort((a, b) => a - b));
    expect([...got].sort()).toEqual([...expected].sort());
  });
});
