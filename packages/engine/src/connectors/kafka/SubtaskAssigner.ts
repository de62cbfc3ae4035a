import type { AssignerProtocol as Protocol, PartitionAssigner } from 'kafkajs';

/** What each member of the group says about itself: which source subtask it is. */
interface SubtaskInfo {
  subtask: number;
  parallelism: number;
}

/** Partition `partition` belongs to subtask `partition mod parallelism` (Flink's KafkaSource assigns splits so). */
export const subtaskOfPartition = (partition: number, parallelism: number): number => partition % parallelism;

/**
 * A kafkajs partition assigner that gives partition i of every topic to source subtask i mod p: each subtask of a
 * job always reads the same partitions, so the offsets in its checkpointed state are those of its partitions, and
 * nothing is read twice while subtasks join. Members that are the same subtask (two jobs sharing a group id to scale
 * out) share that subtask's partitions; partitions whose subtask has not joined yet wait for it (its join is a
 * rebalance). Partitions added later go through the same rule when kafkajs' metadata refresh triggers a rebalance.
 */
export function subtaskAssigner(protocol: typeof Protocol, self: SubtaskInfo): PartitionAssigner {
  return ({ cluster }) => ({
    name: 'FlowbookSubtaskAssigner',
    version: 1,
    async assign({ members, topics }) {
      const info = new Map<string, SubtaskInfo>();
      for (const m of members) {
        const meta = protocol.MemberMetadata.decode(m.memberMetadata);
        let parsed: SubtaskInfo = { subtask: 0, parallelism: 1 };
        try {
          if (meta?.userData && meta.userData.length > 0) parsed = JSON.parse(meta.userData.toString('utf8')) as SubtaskInfo;
        } catch {
          // A member without subtask info (another client) counts as subtask 0 of 1.
        }
        info.set(m.memberId, parsed);
      }
      const parallelism = Math.max(1, ...[...info.values()].map((i) => i.parallelism));
      // Members by subtask, in a fixed order, so that every rebalance gives the same answer.
      const bySubtask = new Map<number, string[]>();
      for (const id of [...info.keys()].sort()) {
        const s = info.get(id)!.subtask;
        bySubtask.set(s, [...(bySubtask.get(s) ?? []), id]);
      }
      const assignment = new Map<string, Record<string, number[]>>(members.map((m) => [m.memberId, {}]));
      for (const topic of topics) {
        for (const { partitionId } of cluster.findTopicPartitionMetadata(topic)) {
          const candidates = bySubtask.get(subtaskOfPartition(partitionId, parallelism));
          if (candidates === undefined) continue;
          const member = candidates[Math.floor(partitionId / parallelism) % candidates.length]!;
          (assignment.get(member)![topic] ??= []).push(partitionId);
        }
      }
      return [...assignment].map(([memberId, a]) => ({ memberId, memberAssignment: protocol.MemberAssignment.encode({ version: 1, assignment: a, userData: Buffer.alloc(0) }) }));
    },
    protocol({ topics }) {
      return { name: 'FlowbookSubtaskAssigner', metadata: protocol.MemberMetadata.encode({ version: 1, topics, userData: Buffer.from(JSON.stringify(self)) }) };
    },
  });
}
