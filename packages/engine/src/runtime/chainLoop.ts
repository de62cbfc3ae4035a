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
  /**
   * The loop first assigns each record's timestamp (assignTimestampsAndWatermarks chained before the stages): the
   * record is read once for its timestamp and its stages. Stages and leaves then see the assigned timestamp.
   */
  assign?: boolean;
}

/**
 * The chain's loop. On return (or when a stage throws), counts[j] is the number of records that reached non-root stage
 * j and counts[k + j] the number leaf j wrote (k = number of stages); when a stage throws, failure.at is the record and
 * failure.stage the stage.
 *
 * With plan.assign, the loop also calls `assigner(values[i], timestamps[i])` for each record before its stages, writes
 * the result to assigned[i] and returns the largest of `max` and the timestamps assigned (failure.max too, when it
 * throws). A result that is not a number stops the loop at that record (failure.at, failure.bad, failure.stage = -1;
 * failure.at = length when none); an assigner that throws leaves failure.stage = -1.
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
  assigner?: (value: unknown, timestamp: number) => unknown,
  assigned?: Float64Array,
  max?: number,
) => number | void;

export const FILTER = 0;
export const MAP = 1;

/** The loop for `plan`, generated with one call site per stage and kept by `key` with the other loop copies. */
export function chainLoop(plan: ChainPlan, key: string): ChainLoop {
  return generatedLoop(`chainLoop ${planId(plan)}\n${key}`, () => chainLoopSource(plan), chainLoopPlain);
}

function planId(plan: ChainPlan): string {
  return (plan.assign ? 'a:' : '') + plan.kinds.map((k, j) => `${k}${plan.parents[j]}${plan.leaves[j] ? 'l' : ''}${plan.writesTimestamps[j] ? 't' : ''}`).join(',');
}

const childrenOf = (plan: ChainPlan, j: number): number[] => plan.parents.flatMap((p, c) => (p === j ? [c] : []));

/** The source of the loop for `plan`: chainLoopPlain with the tree unrolled into nested code. */
export function chainLoopSource(plan: ChainPlan): string {
  const k = plan.kinds.length;
  const all = plan.kinds.map((_, j) => j);
  const counted = all.filter((j) => plan.parents[j]! >= 0);
  const leaves = all.filter((j) => plan.leaves[j]);
  const assign = plan.assign === true;
  // The record's timestamp: the one just assigned, or the batch's.
  const time = assign ? 'ts' : 'timestamps[i]';
  const stage = (j: number, input: string): string => {
    const set = `s = ${j};${plan.parents[j]! >= 0 ? ` r${j}++;` : ''}`;
    const kids = childrenOf(plan, j);
    if (plan.kinds[j] === FILTER) {
      const body = plan.leaves[j]
        ? `b${j}[n${j}] = ${input};${plan.writesTimestamps[j] ? ` t${j}[n${j}] = ${time};` : ''} n${j}++;`
        : kids.map((c) => stage(c, input)).join('\n');
      return `${set}\nif (f${j}(${input})) {\n${body}\n}`;
    }
    if (plan.leaves[j]) {
      // The result is written before n moves, so a map that throws leaves n at the records it produced.
      return `${set}\nb${j}[n${j}] = f${j}(${input});${plan.writesTimestamps[j] ? ` t${j}[n${j}] = ${time};` : ''} n${j}++;`;
    }
    return `${set}\nconst v${j} = f${j}(${input});\n${kids.map((c) => stage(c, `v${j}`)).join('\n')}`;
  };
  const store = [...counted.map((j) => `counts[${j}] = r${j};`), ...leaves.map((j) => `counts[${k + j}] = n${j};`)].join(' ');
  // Assigning: a result that is not a number (or NaN) stops the loop before the record's stages, as the operator alone would.
  const assignStep = assign
    ? `s = -1;
      const ts = assigner(v, timestamps[i]);
      if (typeof ts !== 'number' || ts !== ts) {
        failure.bad = ts; failure.at = i; failure.stage = -1; failure.max = max;
        ${store}
        return max;
      }
      assigned[i] = ts;
      if (ts > max) max = ts;`
    : '';
  return `function chainLoop(plan, fns, values, timestamps, length, outValues, outTimestamps, counts, failure, assigner, assigned, max) {
  ${all.map((j) => `const f${j} = fns[${j}];`).join(' ')}
  ${leaves.map((j) => `const b${j} = outValues[${j}], t${j} = outTimestamps[${j}]; let n${j} = 0;`).join('\n  ')}
  ${counted.map((j) => `let r${j} = 0;`).join(' ')}
  let i = 0, s = 0;
  try {
    for (; i < length; i++) {
      const v = values[i];
      ${assignStep}
      ${all.filter((j) => plan.parents[j] === -1).map((j) => stage(j, 'v')).join('\n')}
    }
  } catch (e) {
    failure.at = i;
    failure.stage = s;
    ${assign ? 'failure.max = max;' : ''}
    ${store}
    throw e;
  }
  ${store}
  ${assign ? 'failure.at = length;\n  return max;' : ''}
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
  assigner?: (value: unknown, timestamp: number) => unknown,
  assigned?: Float64Array,
  max = Number.NEGATIVE_INFINITY,
): number {
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
  let ts = 0;
  const leaf = (j: number, v: unknown): void => {
    const n = counts[k + j]!;
    outValues[j]![n] = v;
    if (plan.writesTimestamps[j]) outTimestamps[j]![n] = plan.assign ? ts : timestamps[i]!;
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
      if (plan.assign) {
        s = -1;
        const t = assigner!(v, timestamps[i]!);
        if (typeof t !== 'number' || Number.isNaN(t)) {
          failure.bad = t;
          failure.at = i;
          failure.stage = -1;
          failure.max = max;
          return max;
        }
        assigned![i] = ts = t;
        if (t > max) max = t;
      }
      for (const r of roots) visit(r, v);
    }
  } catch (e) {
    failure.at = i;
    failure.stage = s;
    if (plan.assign) failure.max = max;
    throw e;
  }
  if (plan.assign) failure.at = length;
  return max;
}
