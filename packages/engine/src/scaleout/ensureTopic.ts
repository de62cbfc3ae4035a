import { loadPlatformaticKafka } from '../connectors/kafka/client.js';

type Connection = ConstructorParameters<Awaited<ReturnType<typeof loadPlatformaticKafka>>['Admin']>[0];

/**
 * The partition count of `topic`, created first with `partitions` partitions if it does not exist (Kafka Streams
 * creates its repartition topics the same way). Workers starting together may race: "already exists" is fine.
 */
export async function ensureTopic(connection: Connection, topic: string, partitions: number, replicas?: number): Promise<number> {
  const { Admin } = await loadPlatformaticKafka();
  const admin = new Admin({ ...connection, retries: 3, retryDelay: 250 });
  try {
    const existing = async () => (await admin.metadata({ topics: [topic], forceUpdate: true }).catch(() => undefined))?.topics.get(topic)?.partitionsCount;
    const found = await existing();
    if (found !== undefined) return found;
    // At most 3 replicas (fewer on a smaller cluster), as Kafka Streams' replication.factor=-1 takes the broker default.
    const brokers = (await admin.metadata({ topics: [] })).brokers.size;
    await admin.createTopics({ topics: [topic], partitions, replicas: replicas ?? Math.min(3, brokers) }).catch((e: Error & { findBy?: (k: string, v: unknown) => unknown }) => {
      if (!e.findBy?.('apiId', 'TOPIC_ALREADY_EXISTS')) throw e;
    });
    for (let i = 0; i < 50; i++) {
      const n = await existing();
      if (n !== undefined) return n;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`topic "${topic}" was created but does not show in the metadata`);
  } finally {
    await admin.close().catch(() => {});
  }
}
