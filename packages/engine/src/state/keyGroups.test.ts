import { describe, expect, it } from 'vitest';
import { assignToKeyGroup, DEFAULT_MAX_PARALLELISM, keyGroupRange, murmurHash, normalizeKey, operatorIndexForKeyGroup } from './keyGroups.js';

describe('key groups', () => {
  it('assignToKeyGroup is stable and within [0, maxParallelism)', () => {
    const keys: unknown[] = ['a', 'b', 'user-42', 0, 1, -7, 3.5, true, 'ünïcode'];
    for (const k of keys) {
      const g = assignToKeyGroup(k);
      expect(g).toBe(assignToKeyGroup(k));
      expect(g).toBeGreaterThanOrEqual(0);
      expect(g).toBeLessThan(DEFAULT_MAX_PARALLELISM);
      expect(assignToKeyGroup(k, 7)).toBeLessThan(7);
    }
  });

  it('the hash is a fixed function of the text (the same across processes and restarts)', () => {
    // Values pinned once: changing the hash would move restored state to the wrong key groups.
    expect(['a', 'key', ''].map(murmurHash)).toEqual([298494453, 1674663547, 3954623016]);
    expect(['a', 'key', 'user-42'].map((k) => assignToKeyGroup(k))).toEqual([117, 123, 93]);
    expect(assignToKeyGroup(5)).toBe(assignToKeyGroup('5')); // numbers hash by their string form
  });

  it('spreads keys over all groups', () => {
    const seen = new Set<number>();
    for (let i = 0; i < 5000; i++) seen.add(assignToKeyGroup(`k${i}`));
    expect(seen.size).toBe(DEFAULT_MAX_PARALLELISM);
  });

  it('keyGroupRange covers 0..maxParallelism-1 exactly once for any parallelism', () => {
    for (const maxP of [1, 7, 128, 1000]) {
      for (let p = 1; p <= Math.min(maxP, 9); p++) {
        const owned: number[] = [];
        for (let i = 0; i < p; i++) {
          const { start, end } = keyGroupRange(maxP, p, i);
          for (let g = start; g <= end; g++) {
            owned.push(g);
            expect(operatorIndexForKeyGroup(maxP, p, g)).toBe(i);
          }
        }
        expect(owned).toEqual(Array.from({ length: maxP }, (_, g) => g));
      }
    }
  });

  it('normalizeKey keeps primitives and JSON-encodes composite keys', () => {
    expect(normalizeKey('x')).toBe('x');
    expect(normalizeKey(3)).toBe(3);
    expect(normalizeKey(['a', 1])).toBe('["a",1]');
    expect(() => normalizeKey(undefined)).toThrow(/undefined/);
  });
});
