import type { KeySelector } from '../api/functions.js';
import { assignToKeyGroup, normalizeKey, operatorIndexForKeyGroup } from '../state/keyGroups.js';
import { BatchBuffer } from './BatchBuffer.js';
import type { Output } from './Output.js';

/**
 * Outputs of one upstream subtask on an edge to a parallel operator (Flink's StreamPartitioner family). Watermarks and
 * idleness go to every subtask, since each takes the minimum over all its input channels.
 */
abstract class PartitionerOutput implements Output {
  constructor(protected readonly targets: Output[]) {}
  abstract collect(value: unknown, timestamp: number): void;
  abstract collectBatch(values: readonly unknown[], timestamps: Float64Array, length: number): void;
  emitWatermark(watermark: number): void {
    for (const t of this.targets) t.emitWatermark(watermark);
  }
  emitIdle(idle: boolean): void {
    for (const t of this.targets) t.emitIdle(idle);
  }
  collectSide(): void {}
}

/** A partitioner that sends each record to one subtask, chosen by `route`. */
abstract class RoutingOutput extends PartitionerOutput {
  /** One reusable batch per subtask: a batch is split by target, each target's records in their order. */
  private readonly buffers: BatchBuffer[];
  constructor(targets: Output[]) {
    super(targets);
    this.buffers = targets.map(() => new BatchBuffer(256));
  }
  /** The subtask that gets this record. */
  protected abstract route(value: unknown): number;
  collect(value: unknown, timestamp: number): void {
    this.targets[this.route(value)]!.collect(value, timestamp);
  }
  collectBatch(values: readonly unknown[], timestamps: Float64Array, length: number): void {
    const buffers = this.buffers;
    for (const b of buffers) b.reset(length);
    for (let i = 0; i < length; i++) {
      const b = buffers[this.route(values[i])]!;
      b.values[b.length] = values[i];
      b.timestamps[b.length++] = timestamps[i]!;
    }
    for (let t = 0; t < buffers.length; t++) {
      const b = buffers[t]!;
      if (b.length > 0) this.targets[t]!.collectBatch(b.values, b.timestamps, b.length);
    }
  }
}

/** keyBy: the record's key group decides the subtask, so each subtask sees every record of the keys it owns. */
export class KeyGroupOutput extends RoutingOutput {
  constructor(
    targets: Output[],
    private readonly keySelector: KeySelector<unknown, unknown>,
    private readonly maxParallelism: number,
  ) {
    super(targets);
  }
  protected route(value: unknown): number {
    const keyGroup = assignToKeyGroup(normalizeKey(this.keySelector(value)), this.maxParallelism);
    return operatorIndexForKeyGroup(this.maxParallelism, this.targets.length, keyGroup);
  }
}

/** rebalance (and forward between different parallelisms, as Flink does): round robin. */
export class RoundRobinOutput extends RoutingOutput {
  private next = 0;
  protected route(): number {
    const t = this.next;
    this.next = t + 1 === this.targets.length ? 0 : t + 1;
    return t;
  }
}

/** broadcast: every subtask gets every record. */
export class BroadcastOutput extends PartitionerOutput {
  collect(value: unknown, timestamp: number): void {
    for (const t of this.targets) t.collect(value, timestamp);
  }
  collectBatch(values: readonly unknown[], timestamps: Float64Array, length: number): void {
    for (const t of this.targets) t.collectBatch(values, timestamps, length);
  }
}
