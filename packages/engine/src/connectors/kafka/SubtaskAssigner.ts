/**
 * Partition `partition` of every topic belongs to source subtask `partition mod parallelism`, as Flink's KafkaSource
 * assigns splits: each subtask of a job always reads the same partitions, so the offsets in its checkpointed state are
 * those of its partitions, and partitions added later follow the same rule.
 */
export const subtaskOfPartition = (partition: number, parallelism: number): number => partition % parallelism;
