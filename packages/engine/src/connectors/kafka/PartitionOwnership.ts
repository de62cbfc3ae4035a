import type { OffsetEntry } from './KafkaSourceFunction.js';

/**
 * The partitions a Kafka consumer group assigned to this process (a scale-out worker, see scaleout/), handed to the
 * Kafka source as the job service `kafkaPartitionOwnership`: the source then reads exactly those partitions instead
 * of `partition mod parallelism`, and commits its checkpointed offsets through the group member (with its
 * generation), only for partitions it owns. The committed offsets are for monitoring; recovery uses checkpoints.
 */
export interface PartitionOwnership {
  owns(topic: string, partition: number): boolean;
  commit(offsets: OffsetEntry[]): Promise<void>;
  /**
   * Names this process's transactional writers while it holds these partitions (`p<lowest owned>-g<generation>`):
   * no other live worker of the job has it, so an exactly-once Kafka sink takes `<prefix>-<writerId>` as its
   * transactional.id instead of `<prefix>-<subtask>` (every worker runs subtask 0). See KafkaTransactionalSinkWriter.
   */
  writerId?: string;
  /** The source partitions owned: a writer id names its lowest partition, whose owner alone settles it. */
  partitions?: readonly number[];
}

export const PARTITION_OWNERSHIP_SERVICE = 'kafkaPartitionOwnership';
