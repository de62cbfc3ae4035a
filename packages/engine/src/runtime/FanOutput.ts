import { ChannelOutput } from './ChannelOutput.js';
import type { DataTap } from './DataTap.js';
import { OperatorChain, type AssigningOperator } from './OperatorChain.js';
import { DEAD_LETTER_TAG, SourceOperator } from './operators/SourceOperator.js';
import type { Output } from './Output.js';
import type { StreamOperator } from './StreamOperator.js';

/** Fans one operator's output out to its edges; counts records out and dead letters; feeds an open data tap. */
export class FanOutput implements Output {
  tap: DataTap | undefined;
  /** The operators chained after this output, which take each batch in one loop (see OperatorChain). */
  private chain: OperatorChain | undefined;
  constructor(
    private readonly op: StreamOperator,
    private readonly main: Output[],
    private readonly side: Map<string, Output[]>,
  ) {}

  /** Chains the operators after this output; called by the job once every operator is set up. */
  buildChain(): void {
    this.chain = OperatorChain.of(this.main);
  }

  /**
   * The operators every record goes on to, when each main output is a channel to a per-record stage that has no
   * other input and there are no side outputs: a chain then runs them as its inner stages (else undefined).
   */
  chainableOutputs(): StreamOperator[] | undefined {
    if (this.side.size > 0 || this.main.length === 0) return undefined;
    const ops: StreamOperator[] = [];
    for (const o of this.main) {
      if (!(o instanceof ChannelOutput) || o.target.loopStage() === undefined || o.target.numInputChannels !== 1) return undefined;
      ops.push(o.target);
    }
    return ops;
  }

  collect(value: unknown, timestamp: number): void {
    this.op.metrics.recordsOut++;
    if (this.tap !== undefined) this.tap.push(value, timestamp, this.op.currentWatermark);
    const m = this.main;
    for (let i = 0; i < m.length; i++) m[i]!.collect(value, timestamp);
  }
  /**
   * One batch to every edge in turn. Edges that meet again downstream (a union, a connect) see the batch's records of
   * one edge before the other's, as channels from different tasks would in Flink; each edge keeps the order.
   */
  collectBatch(values: readonly unknown[], timestamps: Float64Array, length: number): void {
    if (length <= 0) return;
    this.op.metrics.recordsOut += length;
    const tap = this.tap;
    if (tap !== undefined) {
      // The watermark cannot move within a batch: watermarks travel between batches.
      const wm = this.op.currentWatermark;
      for (let i = 0; i < length; i++) tap.push(values[i], timestamps[i]!, wm);
    }
    const m = this.main;
    if (this.chain !== undefined) this.chain.runBatch(values, timestamps, length, m);
    else for (let i = 0; i < m.length; i++) m[i]!.collectBatch(values, timestamps, length);
  }
  /**
   * collectBatch for a batch whose timestamps `assigner` gives (see OperatorChain.runAssigning), when the chain after
   * this output can assign them in its loop: no data tap open here or inside. Returns the index of a record whose
   * timestamp is bad (-1: none), or undefined when it cannot (the operator then assigns and calls collectBatch).
   */
  collectBatchAssigning(
    assigner: (value: unknown, timestamp: number) => unknown,
    assignerKey: string,
    values: readonly unknown[],
    timestamps: Float64Array,
    length: number,
    assigned: Float64Array,
    by: AssigningOperator,
  ): number | undefined {
    const chain = this.chain;
    if (chain === undefined || this.tap !== undefined || length <= 0 || !chain.canAssign()) return undefined;
    return chain.runAssigning(assigner, assignerKey, values, timestamps, length, this.main, assigned, by);
  }
  /** What the assigner returned for the record collectBatchAssigning stopped at. */
  badTimestamp(): unknown {
    return this.chain?.badTimestamp;
  }

  emitWatermark(watermark: number): void {
    for (const o of this.main) o.emitWatermark(watermark);
    for (const outs of this.side.values()) for (const o of outs) o.emitWatermark(watermark);
  }
  emitIdle(idle: boolean): void {
    for (const o of this.main) o.emitIdle(idle);
    for (const outs of this.side.values()) for (const o of outs) o.emitIdle(idle);
  }
  collectSide(tag: string, value: unknown, timestamp: number): void {
    if (tag === DEAD_LETTER_TAG && !(this.op instanceof SourceOperator)) this.op.metrics.deadLetters++;
    if (this.tap !== undefined) this.tap.push(value, timestamp, this.op.currentWatermark, tag);
    const outs = this.side.get(tag);
    if (outs !== undefined) for (const o of outs) o.collect(value, timestamp);
  }
}
