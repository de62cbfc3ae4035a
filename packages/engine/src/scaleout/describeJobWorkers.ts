import type { JobWorker, JobWorkers, WorkerPartition } from '@flowbook/protocol';
import { openCheckpointStorage } from '../checkpoint/openCheckpointStorage.js';
import { loadPlatformaticKafka, platformaticConnection } from '../connectors/kafka/client.js';
import { KafkaSourceConfig, parseRoleConfig } from '../connectors/kafka/config.js';
import { resolveSecrets } from '../connectors/secrets.js';
import type { PipelineGraph } from '../graph/PipelineGraph.js';
import { keyGroupsOfPartition } from './keyGroupPartitions.js';

export interface DescribeJobWorkersOptions {
  jobName: string;
  /** The graph the workers run: its Kafka source names the brokers and the topic. */
  graph: PipelineGraph;
  /** The workers' shared checkpoint storage (as given to ScaleOutWorker). */
  checkpointLocation: string;
  /** The member id of the caller's own worker, marked `self`. */
  selfMemberId?: string;
}

/**
 * The workers of a scale-out job as Kafka and the checkpoint storage know them: the members of the group
 * `flowbook-<job>` (Kafka's DescribeGroups) with their partitions, the key groups each partition holds, and the latest
 * checkpoint of each partition. Rebalances are not in it: a group keeps no history (the caller's worker sees them).
 */
export async function describeJobWorkers(o: DescribeJobWorkersOptions): Promise<Omit<JobWorkers, 'rebalances'>> {
  const source = o.graph.nodes.find((n) => n.type === 'source' && (n.config as { connector?: string }).connector === 'kafka');
  if (source === undefined) throw new Error('a scale-out job reads a Kafka source');
  const config = parseRoleConfig(KafkaSourceConfig, resolveSecrets((source.config as { config: unknown }).config, 'kafka source'), 'source');
  const topic = config.topics?.[0];
  if (topic === undefined) throw new Error('a scale-out job reads one topic');
  const group = `flowbook-${o.jobName}`;
  const { Admin } = await loadPlatformaticKafka();
  const admin = new Admin({ ...platformaticConnection(config), retries: 2, retryDelay: 200 });
  let state: string;
  let members: JobWorker[];
  let partitions: number;
  try {
    const count = (await admin.metadata({ topics: [topic], forceUpdate: true })).topics.get(topic)?.partitionsCount;
    if (count === undefined) throw new Error(`topic "${topic}" does not exist`);
    partitions = count;
    const described = (await admin.describeGroups({ groups: [group] })).get(group);
    state = described?.state ?? 'Dead';
    members = [...(described?.members.values() ?? [])].map((m) => ({
      memberId: m.id,
      clientId: m.clientId,
      clientHost: m.clientHost,
      partitions: [...(m.assignments?.values() ?? [])].filter((a) => a.topic === topic).flatMap((a) => a.partitions).sort((a, b) => a - b),
      self: m.id === o.selfMemberId,
    }));
  } finally {
    await admin.close().catch(() => {});
  }
  const owners = new Map(members.flatMap((m) => m.partitions.map((p) => [p, m.memberId] as const)));
  const maxParallelism = o.graph.config.maxParallelism;
  // The newest restore point of each partition's row set, read without its state (as ScaleOutWorker keys them).
  const rows: WorkerPartition[] = await Promise.all(
    Array.from({ length: partitions }, async (_, partition) => {
      const keyGroups = keyGroupsOfPartition(partition, partitions, maxParallelism);
      const storage = openCheckpointStorage(o.checkpointLocation, 'scale-out', undefined, { jobName: o.jobName, keyGroups });
      try {
        const latest = (await storage.restorePoints()).filter((r) => r.kind === 'checkpoint').sort((a, b) => b.id - a.id)[0];
        return { partition, keyGroups, owner: owners.get(partition) ?? null, checkpoint: latest ? { id: latest.id, timestamp: latest.timestamp } : null };
      } finally {
        await (storage as { close?(): Promise<void> }).close?.();
      }
    }),
  );
  return { job: o.jobName, group, topic, state, workers: members, partitions: rows };
}
