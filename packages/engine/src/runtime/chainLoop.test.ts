import { describe, expect, it } from 'vitest';
import type { LoopFailure } from './batchLoops.js';
import { chainLoopPlain, chainLoopSource, type ChainLoop, type ChainPlan } from './chainLoop.js';
import { compile } from './loopCopies.js';

const values = Array.from({ length: 30 }, (_, i) => i);
const timestamps = Float64Array.from(values, (v) => v * 10);

function run(loop: ChainLoop, plan: ChainPlan, fns: ((v: unknown) => unknown)[]) {
  const k = plan.kinds.length;
  const outValues = plan.kinds.map((): unknown[] => []);
  const outTimestamps = plan.kinds.map(() => new Float64Array(values.length));
  const counts = new Int32Array(2 * k);
  const failure: LoopFailure = { at: -1, produced: 0, bad: undefined, stage: -1 };
  let error: unknown;
  try {
    loop(plan, fns, values, timestamps, values.length, outValues, outTimestamps, counts, failure);
  } catch (e) {
    error = e;
  }
  const leaves = plan.kinds.flatMap((_, j) => (plan.leaves[j] ? [j] : []));
  return {
    error: error === undefined ? undefined : (error as Error).message,
    at: failure.at,
    stage: failure.stage,
    reached: plan.parents.map((p, j) => (p >= 0 ? counts[j] : -1)),
    out: leaves.map((j) => ({
      values: outValues[j]!.slice(0, counts[k + j]),
      times: plan.writesTimestamps[j] ? [...outTimestamps[j]!.subarray(0, counts[k + j])] : [],
    })),
  };
}

const even = (v: unknown) => (v as number) % 2 === 0;
const triple = (v: unknown) => (v as number) * 3;
const overTen = (v: unknown) => (v as number) > 10;
const neg = (v: unknown) => -(v as number);
const throwsAt = (fn: (v: unknown) => unknown, at: unknown) => (v: unknown) => {
  if (v === at) throw new Error(`boom at ${String(v)}`);
  return fn(v);
};

// A map (×3) feeding a filter (even) and a map (negate); a filter (>10) beside it.
const tree: ChainPlan = { kinds: [1, 0, 1, 0], parents: [-1, 0, 0, -1], leaves: [false, true, true, true], writesTimestamps: [false, true, false, true] };

describe('chain loop', () => {
  it('runs a tree of filters and maps as the operators one after the other would', () => {
    const r = run(compile(chainLoopSource(tree), chainLoopPlain), tree, [triple, even, neg, overTen]);
    expect(r.error).toBeUndefined();
    const tripled = values.map((v) => v * 3);
    expect(r.out[0]).toEqual({ values: tripled.filter(even), times: values.filter((v) => even(v * 3)).map((v) => v * 10) });
    expect(r.out[1]).toEqual({ values: tripled.map(neg), times: [] });
    expect(r.out[2]).toEqual({ values: values.filter(overTen), times: values.filter(overTen).map((v) => v * 10) });
    expect(r.reached).toEqual([-1, 30, 30, -1]);
  });

  it('the generated loop and the plain one agree, whichever stage throws', () => {
    const fns = [triple, even, neg, overTen];
    const generated = compile(chainLoopSource(tree), chainLoopPlain);
    expect(generated).not.toBe(chainLoopPlain);
    expect(run(generated, tree, fns)).toEqual(run(chainLoopPlain, tree, fns));
    for (let s = 0; s < fns.length; s++) {
      // Stage 1 and 3 see values: after the map, the record 7 arrives as 21.
      const bad = fns.map((f, j) => (j === s ? throwsAt(f, s === 1 || s === 2 ? 21 : 7) : f));
      const g = run(generated, tree, bad);
      expect(g).toEqual(run(chainLoopPlain, tree, bad));
      expect(g).toMatchObject({ at: 7, stage: s });
    }
  });

  it('counts what record by record would have left when a stage throws', () => {
    // The filter on the map's values throws at record 7: the map had produced it, the negating map after it not.
    const r = run(compile(chainLoopSource(tree), chainLoopPlain), tree, [triple, throwsAt(even, 21), neg, overTen]);
    expect(r.error).toBe('boom at 21');
    expect(r.reached).toEqual([-1, 8, 7, -1]);
    expect(r.out[0]!.values).toEqual([0, 6, 12, 18]);
    expect(r.out[1]!.values).toHaveLength(7);
    expect(r.out[2]!.values).toEqual([]);
    // A leaf map that throws leaves out only the record it threw at.
    const m = run(compile(chainLoopSource(tree), chainLoopPlain), tree, [triple, even, throwsAt(neg, 21), overTen]);
    expect(m.reached).toEqual([-1, 8, 8, -1]);
    expect(m.out[1]!.values).toHaveLength(7);
  });

  it('assigns timestamps in the same pass: the stages see them, the largest comes back, a bad one stops before its stages', () => {
    const assigning: ChainPlan = { ...tree, assign: true };
    const generated = compile(chainLoopSource(assigning), chainLoopPlain);
    expect(generated).not.toBe(chainLoopPlain);
    const go = (loop: ChainLoop, assigner: (v: unknown, t: number) => unknown, fns = [triple, even, neg, overTen]) => {
      const k = tree.kinds.length;
      const outValues = tree.kinds.map((): unknown[] => []);
      const outTimestamps = tree.kinds.map(() => new Float64Array(values.length));
      const counts = new Int32Array(2 * k);
      const assigned = new Float64Array(values.length);
      const failure: LoopFailure = { at: -1, produced: 0, bad: undefined, stage: 0, max: 0 };
      let max: unknown;
      let error: string | undefined;
      try {
        max = loop(assigning, fns, values, timestamps, values.length, outValues, outTimestamps, counts, failure, assigner, assigned, -1);
      } catch (e) {
        error = (e as Error).message;
      }
      const n = failure.at;
      return { max, error, at: failure.at, stage: failure.stage, failMax: failure.max, bad: failure.bad, assigned: [...assigned.subarray(0, n)], times: [...outTimestamps[1]!.subarray(0, counts[k + 1])], n3: counts[k + 3] };
    };
    // Timestamps from the value (not the batch's): 7 - v for v < 7, then v.
    const byValue = (v: unknown) => ((v as number) < 7 ? 7 - (v as number) : (v as number));
    const ok = go(generated, byValue);
    expect(ok).toEqual(go(chainLoopPlain, byValue));
    expect(ok).toMatchObject({ max: 29, at: 30, error: undefined });
    // The filter on tripled values keeps the even ones, with the timestamp assigned to their record.
    expect(ok.times).toEqual(values.filter((v) => even(v * 3)).map(byValue));
    const bad = (v: unknown, t: number) => (v === 12 ? 'x' : t);
    const b = go(generated, bad);
    expect(b).toEqual(go(chainLoopPlain, bad));
    expect(b).toMatchObject({ max: 110, at: 12, stage: -1, bad: 'x', n3: 1 });
    const throwing = (v: unknown, t: number) => {
      if (v === 9) throw new Error('assigner boom');
      return t;
    };
    const th = go(generated, throwing);
    expect(th).toEqual(go(chainLoopPlain, throwing));
    expect(th).toMatchObject({ error: 'assigner boom', at: 9, stage: -1, failMax: 80 });
    // A stage that throws: the record's timestamp was assigned, and counts in the largest.
    const stageThrows = go(generated, (_v, t) => t, [triple, even, neg, throwsAt(overTen, 15)]);
    expect(stageThrows).toMatchObject({ error: 'boom at 15', at: 15, stage: 3, failMax: 150 });
  });
});
