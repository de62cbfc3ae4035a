import type { LoopFailure } from './batchLoops.js';
import { generatedLoop } from './loopCopies.js';

/*
 * The one batch loop of an operator chain (OperatorChain.ts): a tree of per-record stages (filters and maps) that
 * read the same batch, run for each record in one pass. Why one pass: reading a record is most of a cheap function's
 * cost (a cache miss on its object), and each further loop reads every record again; and a call site per stage lets V8
 * inline each user function.
 *
 * Stages are numbered in preorder. Roots read the batch; a filter's children see the records it keeps, a map's
 * children the values it returns. A leaf writes what it passes on to outValues[j] (and the record's timestamp to
 * outTimestamps[j], unless no filter is on its path: then its n-th result is the batch's n-th record).
 */

/** The shape of a chain's tree, as the loop needs it. */
export interface ChainPlan {
  /** Per stage, in preorder: 0 for a filter, 1 for a map. */
  kinds: readonly number[];
  /** Per stage: its parent's index, or -1 for a root. */
  parents: readonly number[];
  /** Per stage: whether it is a leaf (its results go to a buffer). */
  leaves: readonly boolean[];
  /** Per leaf: whether it writes timestamps (a filter is on its path). */
  writesTimestamps: readonly boolean[];
}

/**
 * The chain's loop. On return (or when a stage throws), counts[j] is the number of records that reached non-root stage
 * j and counts[k + j] the number leaf j wrote (k = number of stages); when a stage throws, failure.at is the record and
 * failure.stage the stage.
 */
export type ChainLoop = (
  plan: ChainPlan,
  fns: readonly ((v: unknown) => unknown)[],
  values: readonly unknown[],
  timestamps: Float64Array,
  length: number,
  outValues: readonly unknown[][],
  outTimestamps: readonly Float64Array[],
  counts: Int32Array,
  failure: LoopFailure,
) => void;

export const FILTER = 0;
export const MAP = 1;

/** The loop for `plan`, generated with one call site per stage and kept by `key` with the other loop copies. */
export function chainLoop(plan: ChainPlan, key: string): ChainLoop {
  return generatedLoop(`chainLoop ${planId(plan)}\n${key}`, () => chainLoopSource(plan), chainLoopPlain);
}

function planId(plan: ChainPlan): string {
  return plan.kinds.map((k, j) => `${k}${plan.parents[j]}${plan.leaves[j] ? 'l' : ''}${plan.writesTimestamps[j] ? 't' : ''}`).join(',');
}

const childrenOf = (plan: ChainPlan, j: number): number[] => plan.parents.flatMap((p, c) => (p === j ? [c] : []));

/** The source of the loop for `plan`: chainLoopPlain with the tree unrolled into nested code. */
export function chainLoopSource(plan: ChainPlan): string {
  const k = plan.kinds.length;
  const all = plan.kinds.map((_, j) => j);
  const counted = all.filter((j) => plan.parents[j]! >= 0);
  const leaves = all.filter((j) => plan.leaves[j]);
  const stage = (j: number, input: string): string => {
    const set = `s = ${j};${plan.parents[j]! >= 0 ? ` r${j}++;` : ''}`;
    const kids = childrenOf(plan, j);
    if (plan.kinds[j] === FILTER) {
      const body = plan.leaves[j]
        ? `b${j}[n${j}] = ${input};${plan.writesTimestamps[j] ? ` t${j}[n${j}] = timestamps[i];` : ''} n${j}++;`
        : kids.map((c) => stage(c, input)).join('\n');
      return `${set}\nif (f${j}(${input})) {\n${body}\n}`;
    }
    if (plan.leaves[j]) {
      // The result is written before n moves, so a map that throws leaves n at the records it produced.
      return `${set}\nb${j}[n${j}] = f${j}(${input});${plan.writesTimestamps[j] ? ` t${j}[n${j}] = timestamps[i];` : ''} n${j}++;`;
    }
    return `${set}\nconst v${j} = f${j}(${input});\n${kids.map((c) => stage(c, `v${j}`)).join('\n')}`;
  };
  const store = [...counted.map((j) => `counts[${j}] = r${j};`), ...leaves.map((j) => `counts[${k + j}] = n${j};`)].join(' ');
  return `function chainLoop(plan, fns, values, timestamps, length, outValues, outTimestamps, counts, failure) {
  ${all.map((j) => `const f${j} = fns[${j}];`).join(' ')}
  ${leaves.map((j) => `const b${j} = outValues[${j}], t${j} = outTimestamps[${j}]; let n${j} = 0;`).join('\n  ')}
  ${counted.map((j) => `let r${j} = 0;`).join(' ')}
  let i = 0, s = 0;
  try {
    for (; i < length; i++) {
      const v = values[i];
      ${all.filter((j) => plan.parents[j] === -1).map((j) => stage(j, 'v')).join('\n')}
    }
  } catch (e) {
    failure.at = i;
    failure.stage = s;
    ${store}
    throw e;
  }
  ${store}
}`;
}

/** The chain's loop without generated code (where code generation is refused): the same results, one call site. */
export function chainLoopPlain(
  plan: ChainPlan,
  fns: readonly ((v: unknown) => unknown)[],
  values: readonly unknown[],
  timestamps: Float64Array,
  length: number,
  outValues: readonly unknown[][],
  outTimestamps: readonly Float64Array[],
  counts: Int32Array,
  failure: LoopFailure,
): void {
  const k = plan.kinds.length;
  counts.fill(0);
  const children: number[][] = plan.kinds.map(() => []);
  const roots: number[] = [];
  for (let j = 0; j < k; j++) {
    const p = plan.parents[j]!;
    if (p < 0) roots.push(j);
    else children[p]!.push(j);
  }
  let i = 0;
  let s = 0;
  const leaf = (j: number, v: unknown): void => {
    const n = counts[k + j]!;
    outValues[j]![n] = v;
    if (plan.writesTimestamps[j]) outTimestamps[j]![n] = timestamps[i]!;
    counts[k + j] = n + 1;
  };
  const visit = (j: number, v: unknown): void => {
    s = j;
    if (plan.parents[j]! >= 0) counts[j]!++;
    if (plan.kinds[j] === FILTER) {
      if (!fns[j]!(v)) return;
      if (plan.leaves[j]) leaf(j, v);
      else for (const c of children[j]!) visit(c, v);
      return;
    }
    const w = fns[j]!(v);
    if (plan.leaves[j]) leaf(j, w);
    else for (const c of children[j]!) visit(c, w);
  };
  try {
    for (; i < length; i++) {
      const v = values[i];
      for (const r of roots) visit(r, v);
    }
  } catch (e) {
    failure.at = i;
    failure.stage = s;
    throw e;
  }
}
