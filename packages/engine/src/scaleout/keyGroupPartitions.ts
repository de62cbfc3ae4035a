import { assignToKeyGroup, keyGroupRange, normalizeKey, operatorIndexForKeyGroup } from '../state/keyGroups.js';
import type { KeyGroupRange } from '../checkpoint/CheckpointStorage.js';

/**
 * Key groups and the partitions of a topic partitioned by key group (Kafka Streams' repartition topic, with Flink's
 * key groups): partition p of n holds the contiguous key-group range Flink gives operator index p of parallelism n,
 * so the worker that owns partition p owns the keyed state of exactly those key groups.
 */
export function keyGroupsOfPartition(partition: number, partitions: number, maxParallelism: number): KeyGroupRange {
  if (partitions > maxParallelism) throw new Error(`a topic partitioned by key group has at most maxParallelism (${maxParallelism}) partitions, not ${partitions}`);
  return keyGroupRange(maxParallelism, partitions, partition);
}

/** The partition of `partitions` that holds a key group. */
export function partitionOfKeyGroup(keyGroup: number, partitions: number, maxParallelism: number): number {
  return operatorIndexForKeyGroup(maxParallelism, partitions, keyGroup);
}

/** The partition a record with this key (as keyBy returns it) is written to, so its worker owns the key's state. */
export function partitionForKey(key: unknown, partitions: number, maxParallelism: number): number {
  return partitionOfKeyGroup(assignToKeyGroup(normalizeKey(key), maxParallelism), partitions, maxParallelism);
}
