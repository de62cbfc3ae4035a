import type { CheckpointStorage, CompletedCheckpoint, KeyGroupRange } from '../checkpoint/CheckpointStorage.js';
import { openCheckpointStorage } from '../checkpoint/openCheckpointStorage.js';
import { KafkaSourceState } from '../connectors/kafka/KafkaSourceFunction.js';
import type { JobSnapshot } from '../runtime/Job.js';
import { rescaleKeyedSnapshots } from '../runtime/rescaleKeyedSnapshot.js';
import { keyGroupsOfPartition } from './keyGroupPartitions.js';

/** A keyed operator's snapshot has its key-grouped tables under `keyed` (KeyedOperatorSnapshot). */
const isKeyed = (state: unknown): boolean => state !== null && typeof state === 'object' && 'keyed' in state && 'timers' in state;

export interface PartitionCheckpointsOptions {
  /** A folder or a postgresql:// URL shared by every worker of the job. */
  location: string;
  jobKey: string;
  jobName: string;
  /** The source topic (partitioned by key group) and its partition count. */
  topic: string;
  partitions: number;
  maxParallelism: number;
  /** The partitions this worker owns in the current group generation. */
  owned: number[];
  warn?: (line: string) => void;
}

/**
 * A scale-out worker's checkpoints, one row per owned partition of its source topic: the state of the key groups the
 * partition holds, the source's offset of that partition, and the operator state of the rest of the job (an
 * exactly-once sink's pending transactions), under the storage scope (job name, key-group range of the partition).
 * The worker that is assigned the partition next restores exactly that row, whoever wrote it: state and offsets of a
 * partition always come from one snapshot, so they agree.
 */
export class PartitionCheckpoints implements Pick<CheckpointStorage, 'write' | 'latest'> {
  private readonly storages = new Map<number, CheckpointStorage & { close?(): Promise<void> }>();
  private readonly ranges = new Map<number, KeyGroupRange>();

  constructor(private readonly o: PartitionCheckpointsOptions) {
    for (const p of o.owned) {
      const keyGroups = keyGroupsOfPartition(p, o.partitions, o.maxParallelism);
      this.ranges.set(p, keyGroups);
      this.storages.set(p, openCheckpointStorage(o.location, o.jobKey, o.warn, { jobName: o.jobName, keyGroups }));
    }
  }

  /** Writes one row per owned partition. Keyed state of a key group no owned partition holds fails the checkpoint. */
  async write(snapshot: JobSnapshot): Promise<CompletedCheckpoint> {
    this.checkCovered(snapshot);
    const written = await Promise.all(this.o.owned.map((p) => this.storages.get(p)!.write(this.slice(snapshot, p))));
    return { id: snapshot.checkpointId, path: written.map((w) => w.path).join(' '), timestamp: snapshot.timestamp, sizeBytes: written.reduce((n, w) => n + w.sizeBytes, 0) };
  }

  /**
   * The latest checkpoint of every owned partition, as one snapshot of a job that ran with one subtask per partition:
   * the job (one subtask per node) restores it as after a change of parallelism — keyed state by key group, the
   * source's offsets as a union, a sink's pending transactions committed once.
   */
  async latest(): Promise<JobSnapshot | undefined> {
    const found = await Promise.all(this.o.owned.map((p) => this.storages.get(p)!.latest()));
    this.restored = found.map((s) => s?.checkpointId);
    return mergeSlices(found.filter((s): s is JobSnapshot => s !== undefined));
  }

  /** Set when keyed state was found outside the owned key groups: no later checkpoint can succeed either. */
  misconfigured: Error | undefined;

  /** Per owned partition, the checkpoint latest() found (undefined: none yet). */
  restored: (number | undefined)[] = [];

  async close(): Promise<void> {
    await Promise.all([...this.storages.values()].map((s) => s.close?.()));
  }

  /** Partition p's part of a snapshot of a one-subtask-per-node job. */
  private slice(snapshot: JobSnapshot, p: number): JobSnapshot {
    const range = this.ranges.get(p)!;
    const operators: Record<string, unknown> = {};
    for (const [key, state] of Object.entries(snapshot.operators)) {
      if (isKeyed(state)) operators[key] = rescaleKeyedSnapshots([state], (kg) => kg >= range.start && kg <= range.end);
      else {
        const source = KafkaSourceState.safeParse(state);
        operators[key] = source.success ? { offsets: source.data.offsets.filter((o) => o.topic === this.o.topic && o.partition === p) } : state;
      }
    }
    return { ...snapshot, operators };
  }

  /** Keyed state must all belong to owned partitions: otherwise the input is not partitioned by key group. */
  private checkCovered(snapshot: JobSnapshot): void {
    const ranges = [...this.ranges.values()];
    const owned = (kg: number) => ranges.some((r) => kg >= r.start && kg <= r.end);
    for (const [key, state] of Object.entries(snapshot.operators)) {
      if (!isKeyed(state)) continue;
      const stray = rescaleKeyedSnapshots([state], (kg) => !owned(kg));
      if (stray !== undefined && 'tables' in stray.keyed && stray.keyed.tables.length > 0) {
        throw (this.misconfigured = new Error(
          `operator ${key} holds keyed state of key groups that none of this worker's partitions of "${this.o.topic}" holds: the topic must be partitioned by key group (partitionForKey) on the key of the keyBy`,
        ));
      }
    }
  }
}

/** Slices of one-subtask jobs as one snapshot of a job with one subtask per slice (see Job.restore's rescaling). */
export function mergeSlices(slices: JobSnapshot[]): JobSnapshot | undefined {
  if (slices.length <= 1) return slices[0];
  const operators: Record<string, unknown> = {};
  const parallelism: Record<string, number> = {};
  slices.forEach((slice, s) => {
    for (const [key, state] of Object.entries(slice.operators)) {
      operators[`${key}@${s}`] = state;
      parallelism[key.slice(0, key.lastIndexOf('#'))] = slices.length;
    }
  });
  return {
    formatVersion: slices[0]!.formatVersion,
    checkpointId: Math.max(...slices.map((s) => s.checkpointId)),
    timestamp: Math.max(...slices.map((s) => s.timestamp)),
    operators,
    parallelism,
  };
}
