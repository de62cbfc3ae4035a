import type { KeySelector } from '../api/functions.js';
import type { Output } from '../runtime/Output.js';
import type { StreamOperator } from '../runtime/StreamOperator.js';
import { decodeSnapshot, encodeSnapshotSync } from '../checkpoint/snapshotContainer.js';
import { DEFAULT_MAX_PARALLELISM } from '../state/keyGroups.js';
import { ManualProcessingTimeService } from '../time/ProcessingTimeService.js';

/** What came out of the operator, in order: records (with timestamps) and watermarks. */
export type HarnessOutput = { value: unknown; timestamp: number } | { watermark: number };

export interface HarnessOptions {
  /** keyBy selector per input; omit for non-keyed operators. */
  keySelectors?: (KeySelector<unknown, unknown> | undefined)[];
  /** Input channels (watermark min is over channels). */
  channels?: number;
  maxParallelism?: number;
  /** Tells sinks that checkpoints are on (exactly-once sinks then commit at checkpoints). */
  checkpointing?: boolean;
  /** Processing time to start at. */
  startTime?: number;
}

/**
 * Drives one operator in isolation with Flink's verbs (Flink's KeyedOneInputStreamOperatorTestHarness):
 * processElement, processWatermark, setProcessingTime, snapshot, and a new harness restored from a snapshot.
 * Processing time is a manual clock, so tests are deterministic.
 */
export class OperatorTestHarness {
  readonly clock: ReturnType<typeof this.makeClock>;
  readonly output: HarnessOutput[] = [];
  readonly sideOutputs = new Map<string, { value: unknown; timestamp: number }[]>();
  private opened = false;

  constructor(
    readonly operator: StreamOperator,
    private readonly options: HarnessOptions = {},
  ) {
    this.clock = this.makeClock(options.startTime ?? 0);
  }

  private makeClock(start: number): ManualProcessingTimeService {
    return new ManualProcessingTimeService(start);
  }

  /** Sets the operator up and opens it; with `snapshot`, restores it first (as after a failure). */
  open(snapshot?: unknown): this {
    const self = this;
    const out: Output = {
      collect(value, timestamp) {
        self.output.push({ value, timestamp });
      },
      collectBatch(values, timestamps, length) {
        for (let i = 0; i < length; i++) self.output.push({ value: values[i], timestamp: timestamps[i]! });
      },
      emitWatermark(watermark) {
        self.output.push({ watermark });
      },
      collectSide(tag, value, timestamp) {
        let list = self.sideOutputs.get(tag);
        if (!list) self.sideOutputs.set(tag, (list = []));
        list.push({ value, timestamp });
      },
      emitIdle() {},
    };
    this.operator.setup(
      {
        nodeId: 'harness',
        name: 'harness',
        processingTimeService: this.clock,
        maxParallelism: this.options.maxParallelism ?? DEFAULT_MAX_PARALLELISM,
        services: {},
        keySelectors: this.options.keySelectors ?? [],
        subtaskIndex: 0,
        parallelism: 1,
        checkpointing: this.options.checkpointing ?? false,
        failJob: (e) => {
          throw e;
        },
      },
      out,
      this.options.channels ?? 1,
    );
    this.operator.open();
    if (snapshot !== undefined) this.operator.initializeState(snapshot);
    this.opened = true;
    return this;
  }

  private ensureOpen(): void {
    if (!this.opened) this.open();
  }

  processElement(value: unknown, timestamp: number, input = 0): void {
    this.ensureOpen();
    this.operator.metrics.recordsIn++;
    this.operator.processElement(value, timestamp, input);
  }

  /** A batch of records, as a job's runtime hands them to the operator (processBatch). */
  processBatch(records: { value: unknown; timestamp: number }[], input = 0): void {
    this.ensureOpen();
    this.operator.metrics.recordsIn += records.length;
    this.operator.processBatch(
      records.map((r) => r.value),
      Float64Array.from(records, (r) => r.timestamp),
      records.length,
      input,
    );
  }

  processWatermark(watermark: number, channel = 0): void {
    this.ensureOpen();
    this.operator.receiveWatermark(channel, watermark);
  }

  setIdle(channel: number, idle: boolean): void {
    this.ensureOpen();
    this.operator.receiveIdle(channel, idle);
  }

  /** Advances processing time, firing due processing-time timers. */
  setProcessingTime(time: number): void {
    this.ensureOpen();
    this.clock.advanceTo(time);
  }

  /** The operator's state as a checkpoint stores it: through the checkpoint container, so nothing is shared with live state. */
  snapshot(checkpointId = 1): unknown {
    const s = this.operator.snapshotState(checkpointId);
    if (s === undefined) return undefined;
    const { pieces, size } = encodeSnapshotSync(s);
    return decodeSnapshot(Buffer.concat(pieces, size));
  }

  /** Records only, in order. */
  extractOutputValues(): unknown[] {
    return this.output.flatMap((o) => ('value' in o ? [o.value] : []));
  }

  getSideOutput(tag: string): { value: unknown; timestamp: number }[] {
    return this.sideOutputs.get(tag) ?? [];
  }

  get numLateRecordsDropped(): number {
    return this.operator.metrics.lateRecordsDropped;
  }

  close(): void {
    this.operator.close();
  }
}
