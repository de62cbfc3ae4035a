import { describe, expect, it } from 'vitest';
import { assignLoop, filterLoop, flatMapLoop, mapLoop, type LoopFailure } from './batchLoops.js';
import { chainLoopPlain, chainLoopSource, type ChainPlan } from './chainLoop.js';
import { compile, generatedLoop, loopCopiesForTests, loopCopy } from './loopCopies.js';

const failure = (): LoopFailure => ({ at: -1, produced: -1, bad: undefined, stage: 0 });

/** Chain shapes: one filter; filter → map; three sibling filters; a map feeding a filter and a map; a deep mix. */
const plans: ChainPlan[] = [
  { kinds: [0], parents: [-1], leaves: [true], writesTimestamps: [true] },
  { kinds: [0, 1], parents: [-1, 0], leaves: [false, true], writesTimestamps: [true, true] },
  { kinds: [0, 0, 0], parents: [-1, -1, -1], leaves: [true, true, true], writesTimestamps: [true, true, true] },
  { kinds: [1, 0, 1], parents: [-1, 0, 0], leaves: [false, true, true], writesTimestamps: [false, true, false] },
  { kinds: [0, 1, 0, 1, 1], parents: [-1, 0, 1, 2, -1], leaves: [false, false, false, true, true], writesTimestamps: [true, true, true, true, false] },
];

describe('loop copies', () => {
  it('compile every loop an operator copies, and every generated chain loop', () => {
    for (const loop of [mapLoop, filterLoop, assignLoop, flatMapLoop] as ((...a: never[]) => unknown)[]) {
      const copy = compile(loop.toString(), loop);
      expect(copy, loop.name).not.toBe(loop);
      expect(copy.name).toBe(loop.name);
    }
    for (const plan of plans) expect(compile(chainLoopSource(plan), chainLoopPlain)).not.toBe(chainLoopPlain);
  });

  it('fall back to the plain loop when the source does not stand alone (as under coverage instrumentation)', () => {
    // What an instrumenter does: counters in the module's scope, which a copy compiled from the source cannot see.
    const cov = { f: 0, s: 0 };
    function instrumentedMap(fn: (v: unknown) => unknown, values: readonly unknown[], length: number, out: unknown[], failure: LoopFailure): void {
      cov.f++;
      mapLoop(fn, values, length, out, failure);
    }
    expect(compile(instrumentedMap.toString(), instrumentedMap)).toBe(instrumentedMap);
    expect(loopCopy(instrumentedMap, `t${Math.random()}`)).toBe(instrumentedMap);
    expect(compile('function broken(a, length) { return a +; }', mapLoop)).toBe(mapLoop);
  });

  it('keep one cache for loop copies and generated loops', () => {
    loopCopiesForTests.clear();
    loopCopy(mapLoop, 'n1\nf');
    loopCopy(mapLoop, 'n1\nf');
    generatedLoop('chainLoop\nx', () => chainLoopSource(plans[0]!), chainLoopPlain);
    expect(loopCopiesForTests.size()).toBe(2);
  });
});
