import { describe, expect, it } from 'vitest';
import { NexmarkGenerator } from '../src/index.js';
import { same } from './compare.js';
import { queries } from './queries/index.js';

// The benchmark's queries on a small input: engine, loop and RxJS must agree (npm run bench checks the same on 1 M
// events, but is not part of npm test), and the input must give each query something to compute.
const input = new NexmarkGenerator({ seed: 7, eventsPerSecond: 10_000, outOfOrdernessMs: 3000 }).takeWithTimestamps(30_000);

describe('Nexmark benchmark queries', () => {
  for (const q of queries) {
    it(`${q.name}: the engine's results equal the loop's and RxJS's`, async () => {
      const loop = q.loop(input);
      const engine = (await q.engine(input)).flat();
      const rxjs = await q.rxjs(input);
      expect(loop.length).toBeGreaterThan(0);
      expect(engine).toHaveLength(loop.length);
      expect(same(engine, loop, q.compare ?? 'multiset')).toBe(true);
      expect(same(rxjs, loop, q.compare ?? 'multiset')).toBe(true);
    });
  }
});
