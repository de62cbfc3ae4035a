import { describe, expect, it } from 'vitest';
import { assignLoop, filterLoop, filterMapLoop, flatMapLoop, mapLoop, siblingFilterSource, siblingFiltersPlain, type LoopFailure } from './batchLoops.js';
import { compile, generatedLoop, loopCopiesForTests, loopCopy } from './loopCopies.js';

const failure = (): LoopFailure => ({ at: -1, produced: -1, bad: undefined, stage: 0 });

describe('loop copies', () => {
  it('compile every loop an operator copies, and every generated sibling-filter loop', () => {
    for (const loop of [mapLoop, filterLoop, filterMapLoop, assignLoop, flatMapLoop] as ((...a: never[]) => unknown)[]) {
      const copy = compile(loop.toString(), loop);
      expect(copy, loop.name).not.toBe(loop);
      expect(copy.name).toBe(loop.name);
    }
    for (let k = 1; k <= 8; k++) expect(compile(siblingFilterSource(k), siblingFiltersPlain)).not.toBe(siblingFiltersPlain);
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
    generatedLoop('siblingFilterLoop 2\nx', () => siblingFilterSource(2), siblingFiltersPlain);
    expect(loopCopiesForTests.size()).toBe(2);
  });

  it('the plain sibling-filter loop keeps what the generated one keeps, failures included', () => {
    const values = Array.from({ length: 20 }, (_, i) => i);
    const ts = Float64Array.from(values, (v) => v * 10);
    const fns = [(v: unknown) => (v as number) % 2 === 0, (v: unknown) => (v as number) > 5, (v: unknown) => (v as number) % 3 === 0];
    const generated = compile(siblingFilterSource(3), siblingFiltersPlain);
    const run = (loop: typeof siblingFiltersPlain, fs: typeof fns) => {
      const outV = fs.map(() => [] as unknown[]);
      const outT = fs.map(() => new Float64Array(values.length));
      const counts = new Int32Array(fs.length + 1);
      const f = failure();
      let threw = false;
      try {
        loop(fs, values, ts, values.length, outV, outT, counts, f);
      } catch {
        threw = true;
      }
      return { threw, at: threw ? f.at : -1, counts: [...counts], kept: outV.map((o, j) => o.slice(0, counts[j])), times: outT.map((o, j) => [...o.slice(0, counts[j])]) };
    };
    expect(run(siblingFiltersPlain, fns)).toEqual(run(generated, fns));
    const boom = [fns[0]!, (v: unknown) => { if (v === 7) throw new Error('boom'); return true; }, fns[2]!];
    const plain = run(siblingFiltersPlain, boom);
    expect(plain).toEqual(run(generated, boom));
    expect(plain).toMatchObject({ threw: true, at: 7 });
    expect(plain.counts[3]).toBe(1);
  });
});
