import type { KeySelector } from '../api/functions.js';
import { assignToKeyGroup, normalizeKey, operatorIndexForKeyGroup } from '../state/keyGroups.js';
import type { Output } from './Output.js';

/**
 * Outputs of one upstream subtask on an edge to a parallel operator (Flink's StreamPartitioner family). Records go to
 * one subtask; watermarks and idleness go to every subtask, since each takes the minimum over all its input channels.
 */
abstract class PartitionerOutput implements Output {
  constructor(protected readonly targets: Output[]) {}
  abstract collect(value: unknown, timestamp: number): void;
  emitWatermark(watermark: number): void {
    for (const t of this.targets) t.emitWatermark(watermark);
  }
  emitIdle(idle: boolean): void {
    for (const t of this.targets) t.emitIdle(idle);
  }
  collectSide(): void {}
}

/** keyBy: the record's key group decides the subtask, so each subtask sees every record of the keys it owns. */
export class KeyGroupOutput extends PartitionerOutput {
  constructor(
    targets: Output[],
    private readonly keySelector: KeySelector<unknown, unknown>,
    private readonly maxParallelism: number,
  ) {
    super(targets);
  }
  collect(value: unknown, timestamp: number): void {
    const keyGroup = assignToKeyGroup(normalizeKey(this.keySelector(value)), this.maxParallelism);
    this.targets[operatorIndexForKeyGroup(this.maxParallelism, this.targets.length, keyGroup)]!.collect(value, timestamp);
  }
}

/** rebalance (and forward between different parallelisms, as Flink does): round robin. */
export class RoundRobinOutput extends PartitionerOutput {
  private next = 0;
  collect(value: unknown, timestamp: number): void {
    this.targets[this.next]!.collect(value, timestamp);
    this.next = this.next + 1 === this.targets.length ? 0 : this.next + 1;
  }
}

/** broadcast: every subtask gets every record. */
export class BroadcastOutput extends PartitionerOutput {
  collect(value: unknown, timestamp: number): void {
    for (const t of this.targets) t.collect(value, timestamp);
  }
}
