import { BatchBuffer } from './BatchBuffer.js';
import { loopFailure } from './batchLoops.js';
import { ChannelOutput } from './ChannelOutput.js';
import { chainLoop, FILTER, MAP, type ChainLoop, type ChainPlan } from './chainLoop.js';
import type { FanOutput } from './FanOutput.js';
import type { Output } from './Output.js';
import type { StreamOperator } from './StreamOperator.js';

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
    this.loop = chainLoop(this.plan, this.stages.map((s) => `${s.op.ctx.nodeId}\n${String(s.op.loopStage()!.fn)}`).join('\n'));
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
    const { stages, outValues, outTimestamps, rootOf } = this;
    for (let j = 0; j < stages.length; j++) {
      const b = stages[j]!.buffer;
      if (b === undefined) continue;
      b.reset(length);
      outValues[j] = b.values;
      outTimestamps[j] = b.timestamps;
    }
    try {
      this.loop(this.plan, this.fns, values, timestamps, length, outValues, outTimestamps, this.counts, loopFailure);
    } catch (e) {
      const { at, stage } = loopFailure;
      loopFailure.stage = 0;
      let failingRoot = stage!;
      while (stages[failingRoot]!.parent >= 0) failingRoot = stages[failingRoot]!.parent;
      for (let i = 0; i < outputs.length; i++) {
        const root = rootOf[i]!;
        // Outputs up to the failing one saw record `at`, the ones after it did not.
        const seen = root < 0 ? (i <= rootOf.indexOf(failingRoot) ? at + 1 : at) : root <= stage! ? at + 1 : at;
        if (root >= 0) this.passOn(root, length, seen, timestamps);
        else if (seen > 0) outputs[i]!.collectBatch(values, timestamps, seen);
      }
      throw e;
    }
    for (let i = 0; i < outputs.length; i++) {
      const root = rootOf[i]!;
      if (root >= 0) this.passOn(root, length, length, timestamps);
      else outputs[i]!.collectBatch(values, timestamps, length);
    }
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

/** The operator behind `o` when it can join a chain: a per-record stage fed through this channel only. */
function chainable(o: Output): StreamOperator | undefined {
  if (!(o instanceof ChannelOutput)) return undefined;
  const op = o.target;
  return op.loopStage() !== undefined && op.numInputChannels === 1 ? op : undefined;
}
