import { BatchBuffer } from './BatchBuffer.js';
import { loopFailure } from './batchLoops.js';
import { ChannelOutput } from './ChannelOutput.js';
import { chainLoop, FILTER, MAP, type ChainLoop, type ChainPlan } from './chainLoop.js';
import type { FanOutput } from './FanOutput.js';
import type { Output } from './Output.js';
import type { StreamOperator } from './StreamOperator.js';
import { MIN_WATERMARK as MIN_TIMESTAMP } from '../time/Watermark.js';

/** Most stages in one chain: beyond it the generated loop grows and little is left to gain. */
const MAX_STAGES = 16;

interface Stage {
  op: StreamOperator;
  /** The operator's output: the chain hands a leaf's results to it, and counts an inner stage's records out on it. */
  out: FanOutput;
  parent: number;
  children: number[];
  buffer?: BatchBuffer;
}

/**
 * Operator chaining as Flink's OperatorChain: the operators an output feeds by forward channels of the same slot, each
 * with that one input, and on down while all of an operator's outputs are such channels, run as one task. For the
 * operators that describe themselves as a per-record stage (StreamOperator.loopStage: filter, map), the chain runs a
 * batch through all of them in ONE loop (chainLoop.ts) instead of one loop per operator: `filter(isBid).map(bidOf)` in
 * one pass, and a stream split by `filter`s into branches in one pass. Other operators chain by direct calls (each
 * output calls the next operator), as before. Operators never know whether they are chained.
 *
 * Metrics, failures and data taps stay as each operator alone would leave them: the loop counts the records that reach
 * each stage, a batch that fails midway is accounted by StreamOperator.batchStoppedAt, and while a data tap is open on
 * an inner stage the batch takes each operator's own loop, so that the tap sees its records.
 */
export class OperatorChain {
  private readonly stages: Stage[] = [];
  /** For each output of the fan-out, the root stage it feeds, or -1 for an output the chain does not run. */
  private readonly rootOf: Int32Array;
  private readonly plan: ChainPlan;
  private readonly fns: ((v: unknown) => unknown)[];
  private readonly counts: Int32Array;
  private readonly outValues: unknown[][];
  private readonly outTimestamps: Float64Array[];
  private readonly inner: FanOutput[];
  private readonly loop: ChainLoop;
  /** The same chain cut after the inner stages that have a data tap open, and which those were. */
  private tapped: { ops: StreamOperator[]; chain: OperatorChain } | undefined;
  /** What the assigner returned for the record runAssigning stopped at. */
  badTimestamp: unknown;
  /** The loop that also assigns timestamps (runAssigning), by the key of the assigner it was made for. */
  private assigning: { key: string; plan: ChainPlan; loop: ChainLoop } | undefined;
  private readonly key: string;

  /** `cut`: operators that end the chain here although they could go on (their own output runs the rest). */
  private constructor(
    outputs: readonly Output[],
    private readonly cut: ReadonlySet<StreamOperator> = new Set(),
  ) {
    this.rootOf = new Int32Array(outputs.length).fill(-1);
    outputs.forEach((o, i) => {
      const op = chainable(o);
      if (op !== undefined && this.stages.length < MAX_STAGES) this.rootOf[i] = this.add(op, -1);
    });
    const k = this.stages.length;
    const kinds = this.stages.map((s) => (s.op.loopStage()!.kind === 'filter' ? FILTER : MAP));
    const parents = this.stages.map((s) => s.parent);
    const leaves = this.stages.map((s) => s.children.length === 0);
    const writesTimestamps = this.stages.map((_, j) => {
      for (let a = j; a >= 0; a = parents[a]!) if (kinds[a] === FILTER) return true;
      return false;
    });
    this.plan = { kinds, parents, leaves, writesTimestamps };
    this.fns = this.stages.map((s) => s.op.loopStage()!.fn);
    this.counts = new Int32Array(2 * k);
    this.stages.forEach((s, j) => {
      if (leaves[j]) s.buffer = new BatchBuffer();
    });
    this.outValues = this.stages.map((s) => s.buffer?.values ?? []);
    this.outTimestamps = this.stages.map((s) => s.buffer?.timestamps ?? new Float64Array(0));
    this.inner = this.stages.filter((s) => s.children.length > 0).map((s) => s.out);
    this.key = this.stages.map((s) => `${s.op.ctx.nodeId}\n${String(s.op.loopStage()!.fn)}`).join('\n');
    this.loop = chainLoop(this.plan, this.key);
  }

  /** Adds `op` (and the operators chained after it) in preorder; returns its index. */
  private add(op: StreamOperator, parent: number): number {
    const j = this.stages.length;
    const out = op.output as FanOutput;
    const stage: Stage = { op, out, parent, children: [] };
    this.stages.push(stage);
    const next = this.cut.has(op) ? undefined : out.chainableOutputs();
    if (next !== undefined && this.stages.length + next.length <= MAX_STAGES) {
      for (const c of next) stage.children.push(this.add(c, j));
    }
    return j;
  }

  /** The chain that runs the outputs among `outputs` that can share its loop; undefined when none can. */
  static of(outputs: readonly Output[]): OperatorChain | undefined {
    return outputs.some((o) => chainable(o) !== undefined) ? new OperatorChain(outputs) : undefined;
  }

  /**
   * Hands a batch to every output in order: the chained ones through the loop, the others as they are. If a stage
   * throws at record i, every output and stage is left as record-at-a-time processing would have left it (each
   * record goes to the outputs in order), then it rethrows.
   */
  runBatch(values: readonly unknown[], timestamps: Float64Array, length: number, outputs: readonly Output[]): void {
    for (let j = 0; j < this.inner.length; j++) {
      if (this.inner[j]!.tap !== undefined) return this.withTaps(outputs).run(values, timestamps, length, outputs);
    }
    this.run(values, timestamps, length, outputs);
  }

  /** Whether runAssigning can take the next batch: no data tap open on an inner stage (those need the cut chain). */
  canAssign(): boolean {
    for (let j = 0; j < this.inner.length; j++) if (this.inner[j]!.tap !== undefined) return false;
    return true;
  }

  /**
   * runBatch for a batch whose timestamps `assigner` gives first (Flink chains the TimestampsAndWatermarksOperator
   * with the operators after it): one loop reads each record once, for its timestamp and its stages, where the
   * assigning operator's loop and then the chain's would read every record twice. The timestamps go to `assigned` and
   * on downstream. Before anything goes on, `by.assigned` learns how many records the assigner emitted and the largest
   * timestamp among them, and where the batch stopped (-1: it did not). Every output then sees the records record by
   * record processing would have given it: all of them; those before a record whose timestamp is bad (returned: its
   * index, the value in badTimestamp; -1 when none) or whose assigner threw; or, when a stage threw, as run() leaves
   * it. An exception from the loop is rethrown after that. `assignerKey` names the assigner, for the loop's copy.
   */
  runAssigning(
    assigner: (value: unknown, timestamp: number) => unknown,
    assignerKey: string,
    values: readonly unknown[],
    timestamps: Float64Array,
    length: number,
    outputs: readonly Output[],
    assigned: Float64Array,
    by: AssigningOperator,
  ): number {
    let a = this.assigning;
    if (a === undefined || a.key !== assignerKey) {
      const plan = { ...this.plan, assign: true };
      a = this.assigning = { key: assignerKey, plan, loop: chainLoop(plan, `${assignerKey}\n${this.key}`) };
    }
    this.resetBuffers(length);
    let failed = false;
    let error: unknown;
    let max: number;
    try {
      max = a.loop(a.plan, this.fns, values, timestamps, length, this.outValues, this.outTimestamps, this.counts, loopFailure, assigner, assigned, MIN_TIMESTAMP) as number;
    } catch (e) {
      failed = true;
      error = e;
      max = loopFailure.max!;
    }
    // Read before anything goes on: downstream operators' loops report through the same loopFailure.
    const { at, stage, bad } = loopFailure;
    loopFailure.bad = undefined;
    loopFailure.stage = 0;
    // The assigner emitted the record a stage threw at, not the one it failed on itself.
    const emitted = failed && stage !== -1 ? at + 1 : at;
    by.assigned(values, assigned, emitted, max, failed || at < length ? at : -1, length);
    if (failed && stage !== -1) this.passOnFailed(outputs, values, assigned, length, at, stage!);
    else this.passOnAll(outputs, values, assigned, emitted);
    if (failed) throw error;
    this.badTimestamp = bad;
    return at < length ? at : -1;
  }

  private resetBuffers(length: number): void {
    const { stages, outValues, outTimestamps } = this;
    for (let j = 0; j < stages.length; j++) {
      const b = stages[j]!.buffer;
      if (b === undefined) continue;
      b.reset(length);
      outValues[j] = b.values;
      outTimestamps[j] = b.timestamps;
    }
  }

  /** Every output gets the batch's first `seen` records (those that went through the loop). */
  private passOnAll(outputs: readonly Output[], values: readonly unknown[], timestamps: Float64Array, seen: number): void {
    for (let i = 0; i < outputs.length; i++) {
      const root = this.rootOf[i]!;
      if (root >= 0) this.passOn(root, seen, seen, timestamps);
      else if (seen > 0) outputs[i]!.collectBatch(values, timestamps, seen);
    }
  }

  /** After stage `stage` threw at record `at`: each output as record by record would leave it. */
  private passOnFailed(outputs: readonly Output[], values: readonly unknown[], timestamps: Float64Array, length: number, at: number, stage: number): void {
    const { stages, rootOf } = this;
    let failingRoot = stage;
    while (stages[failingRoot]!.parent >= 0) failingRoot = stages[failingRoot]!.parent;
    for (let i = 0; i < outputs.length; i++) {
      const root = rootOf[i]!;
      // Outputs up to the failing one saw record `at`, the ones after it did not.
      const seen = root < 0 ? (i <= rootOf.indexOf(failingRoot) ? at + 1 : at) : root <= stage ? at + 1 : at;
      if (root >= 0) this.passOn(root, length, seen, timestamps);
      else if (seen > 0) outputs[i]!.collectBatch(values, timestamps, seen);
    }
  }

  /**
   * While data taps are open on inner stages, the chain ends at those stages: their results then go through their
   * output, where the tap sees them, and on into the chain that output runs.
   */
  private withTaps(outputs: readonly Output[]): OperatorChain {
    const ops = this.stages.filter((s) => s.children.length > 0 && s.out.tap !== undefined).map((s) => s.op);
    const t = this.tapped;
    if (t !== undefined && t.ops.length === ops.length && t.ops.every((o, i) => o === ops[i])) return t.chain;
    const chain = new OperatorChain(outputs, new Set(ops));
    this.tapped = { ops, chain };
    return chain;
  }

  private run(values: readonly unknown[], timestamps: Float64Array, length: number, outputs: readonly Output[]): void {
    this.resetBuffers(length);
    try {
      this.loop(this.plan, this.fns, values, timestamps, length, this.outValues, this.outTimestamps, this.counts, loopFailure);
    } catch (e) {
      const { at, stage } = loopFailure;
      loopFailure.stage = 0;
      this.passOnFailed(outputs, values, timestamps, length, at, stage!);
      throw e;
    }
    this.passOnAll(outputs, values, timestamps, length);
  }

  /**
   * Counts stage j's records (`offered` by its input, `reached` of them before the batch stopped) and hands on what
   * it produced: a leaf's buffer to its output, an inner stage's records to its children.
   */
  private passOn(j: number, offered: number, reached: number, timestamps: Float64Array): void {
    const s = this.stages[j]!;
    const k = this.stages.length;
    s.op.metrics.recordsIn += offered;
    if (reached < offered) s.op.batchStoppedAt(reached - 1, offered);
    if (s.children.length === 0) {
      const n = this.counts[k + j]!;
      const b = s.buffer!;
      if (n > 0) s.out.collectBatch(b.values, this.plan.writesTimestamps[j] ? b.timestamps : timestamps, n);
      return;
    }
    // Every record an inner stage passes on reaches its first child first.
    const passed = this.counts[s.children[0]!]!;
    s.op.metrics.recordsOut += passed;
    for (const c of s.children) this.passOn(c, passed, this.counts[c]!, timestamps);
  }
}

/** The operator that assigns a batch's timestamps in a chain's loop (runAssigning), told what it emitted. */
export interface AssigningOperator {
  /** Records [0, emitted) went on with timestamps assigned[i], the largest `max`; the batch stopped at `stoppedAt` (-1: it did not). */
  assigned(values: readonly unknown[], assigned: Float64Array, emitted: number, max: number, stoppedAt: number, length: number): void;
}

/** The operator behind `o` when it can join a chain: a per-record stage fed through this channel only. */
function chainable(o: Output): StreamOperator | undefined {
  if (!(o instanceof ChannelOutput)) return undefined;
  const op = o.target;
  return op.loopStage() !== undefined && op.numInputChannels === 1 ? op : undefined;
}
