import type { OutputTag } from '../api/OutputTag.js';
import type { KeySelector } from '../api/functions.js';
import type { ProcessingTimeService } from '../time/ProcessingTimeService.js';
import { MIN_WATERMARK } from '../time/Watermark.js';
import type { JobServices } from './JobServices.js';
import { OperatorCounters } from './metrics.js';
import { NOOP_OUTPUT, type Output } from './Output.js';

/** What an operator that applies one function per record is, for the chain's loop (see StreamOperator.loopStage). */
export interface LoopStage {
  kind: 'filter' | 'map';
  fn: (value: unknown) => unknown;
}

export interface OperatorContext {
  nodeId: string;
  name: string;
  processingTimeService: ProcessingTimeService;
  maxParallelism: number;
  services: JobServices;
  /** keyBy selector per input (undefined for non-keyed inputs). */
  keySelectors: (KeySelector<unknown, unknown> | undefined)[];
  subtaskIndex: number;
  parallelism: number;
  /** Periodic checkpoints are on: exactly-once sinks commit at checkpoints instead of flushing on their own. */
  checkpointing: boolean;
  /** Fails the job from asynchronous work (a sink's commit that was rejected). */
  failJob(error: unknown): void;
  /** The slot's exchange when the job runs in several slots: sources wait on it while downstream lacks credit. */
  exchange?: { writable(): Promise<void> | undefined };
}

/**
 * Base of every operator, with the lifecycle hooks of Flink and Arroyo: open → processElement / processWatermark →
 * snapshotState (at barriers) → finish (end of input) → close.
 * Watermarks arrive per input channel; the operator's watermark is the minimum over non-idle channels and never goes back.
 */
export abstract class StreamOperator<OUT = unknown> {
  output: Output<OUT> = NOOP_OUTPUT as Output<OUT>;
  ctx!: OperatorContext;
  readonly metrics = new OperatorCounters();
  currentWatermark = MIN_WATERMARK;
  private channelWatermarks: number[] = [];
  private channelIdle: boolean[] = [];

  setup(ctx: OperatorContext, output: Output<OUT>, numChannels: number): void {
    this.ctx = ctx;
    this.output = output;
    this.channelWatermarks = new Array(Math.max(1, numChannels)).fill(MIN_WATERMARK);
    this.channelIdle = new Array(Math.max(1, numChannels)).fill(false);
  }

  open(): void {}

  /** How many input channels feed this operator (upstream subtasks times edges). */
  get numInputChannels(): number {
    return this.channelWatermarks.length;
  }

  /** One record from input `input` (0, or 1 for the second input of connect/join). */
  abstract processElement(value: unknown, timestamp: number, input: number): void;

  /**
   * A batch of records from input `input`, in order (see Output.collectBatch; the arrays are only lent). Whoever calls
   * it has counted the batch in recordsIn. The default runs processElement per record, so every operator takes
   * batches; stateless operators override it with a tight loop that hands one batch on.
   */
  processBatch(values: readonly unknown[], timestamps: Float64Array, length: number, input: number): void {
    let i = 0;
    try {
      for (; i < length; i++) this.processElement(values[i], timestamps[i]!, input);
    } catch (e) {
      this.batchStoppedAt(i, length);
      throw e;
    }
  }

  /**
   * The one place that accounts for a batch that stopped midway: its caller counted all `length` records into
   * recordsIn, but record by record the ones after `at` (the record that failed, or the last one this operator saw)
   * would never have arrived. Every batch loop that can fail calls this (or batchFailed) before rethrowing.
   */
  batchStoppedAt(at: number, length: number): void {
    this.metrics.recordsIn -= length - at - 1;
  }

  /**
   * A batch failed at record `at`: counts only the records it reached and passes on the `produced` results of the
   * records before, as record-at-a-time processing would have, so a failure leaves the same output behind.
   * The caller then rethrows.
   */
  protected batchFailed(at: number, length: number, values: readonly unknown[], timestamps: Float64Array, produced: number): void {
    this.batchStoppedAt(at, length);
    if (produced > 0) this.output.collectBatch(values as OUT[], timestamps, produced);
  }

  /**
   * A stateless operator that only applies a function to each record (a filter keeps the records it returns true
   * for; a map passes on what it returns) may say so here: an OperatorChain then runs it inside the chain's one batch
   * loop. Undefined (the default) for every other operator.
   */
  loopStage(): LoopStage | undefined {
    return undefined;
  }

  /** Called when the combined watermark advances. Keyed operators fire timers first; then it is forwarded. */
  processWatermark(watermark: number): void {
    this.output.emitWatermark(watermark);
  }

  /** A watermark from one input channel. */
  receiveWatermark(channel: number, watermark: number): void {
    if (watermark <= this.channelWatermarks[channel]!) return;
    this.channelWatermarks[channel] = watermark;
    this.channelIdle[channel] = false;
    this.advanceCombinedWatermark();
  }

  receiveIdle(channel: number, idle: boolean): void {
    if (this.channelIdle[channel] === idle) return;
    this.channelIdle[channel] = idle;
    if (idle) this.advanceCombinedWatermark();
    else if (this.channelIdle.every((i, c) => i || c === channel)) {
      // The first input to become active again re-defines the minimum; it never moves the watermark back.
      this.advanceCombinedWatermark();
    }
    if (this.channelIdle.every((i) => i)) this.output.emitIdle(true);
    else if (!idle) this.output.emitIdle(false);
  }

  private advanceCombinedWatermark(): void {
    let min = Number.POSITIVE_INFINITY;
    let any = false;
    for (let c = 0; c < this.channelWatermarks.length; c++) {
      if (this.channelIdle[c]) continue;
      any = true;
      if (this.channelWatermarks[c]! < min) min = this.channelWatermarks[c]!;
    }
    if (!any || min <= this.currentWatermark) return;
    this.currentWatermark = min;
    this.metrics.watermark = min;
    this.processWatermark(min);
  }

  /**
   * Restores the watermark an operator had at a checkpoint, so that lateness is judged after recovery as it was
   * before (each input starts from it; the watermark still never goes back).
   */
  restoreWatermark(watermark: number): void {
    if (!(watermark > this.currentWatermark)) return;
    this.currentWatermark = watermark;
    this.metrics.watermark = watermark;
    this.channelWatermarks.fill(watermark);
  }

  /** End of all inputs: flush what is buffered. */
  finish(): void {}

  close(): void {}

  /**
   * Operator state at a checkpoint barrier (undefined when stateless): a private copy, since it is written while the
   * job goes on; JSON-serializable values, and typed arrays (stored as binary segments of the checkpoint container).
   */
  snapshotState(_checkpointId: number): unknown {
    return undefined;
  }

  initializeState(_state: unknown): void {}

  notifyCheckpointComplete(_checkpointId: number): void {}

  /** Number of state entries, for metrics. */
  stateSize(): number {
    return 0;
  }

  protected emitSide<X>(tag: OutputTag<X> | string, value: X, timestamp: number): void {
    this.output.collectSide(typeof tag === 'string' ? tag : tag.id, value, timestamp);
  }
}
