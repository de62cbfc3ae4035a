import type { Admin, Kafka } from 'kafkajs';

/**
 * Topics for tests and benchmarks on a real broker (the run's shared one, where files create topics concurrently).
 * A topic is created before anything is produced to it: a produce that auto-creates one races the leader election, and
 * kafkajs' retry of a partly written request then duplicates records.
 */
export async function createTopic(kafka: Kafka, topic: string, numPartitions = 4): Promise<void> {
  const created = await withAdmin(kafka, (a) => a.createTopics({ topics: [{ topic, numPartitions, replicationFactor: 1 }], waitForLeaders: false }));
  if (!created) throw new Error(`topic ${topic} exists already: test topics are named uniquely`);
  await waitForLeaders(kafka, topic, numPartitions);
}

/** Not kafkajs' waitForLeaders: it gives up when the broker does not know the topic yet (topics created concurrently). */
export async function waitForLeaders(kafka: Kafka, topic: string, numPartitions: number): Promise<void> {
  await retry(
    () =>
      withAdmin(kafka, async (a) => {
        const [t] = (await a.fetchTopicMetadata({ topics: [topic] })).topics;
        if (t?.partitions.length !== numPartitions || t.partitions.some((p) => p.leader < 0)) throw new Error(`${topic} has no leaders yet`);
      }),
    50,
  );
}

/**
 * A kafkajs admin of its own: one admin refreshes metadata for every topic it has touched, and a topic another test is
 * creating at that moment fails the refresh (UNKNOWN_TOPIC_OR_PARTITION).
 */
export async function withAdmin<T>(kafka: Kafka, f: (a: Admin) => Promise<T>): Promise<T> {
  const a = kafka.admin();
  await a.connect();
  try {
    return await f(a);
  } finally {
    await a.disconnect();
  }
}

/** Admin calls right after a topic change can meet metadata the broker has not settled yet: `attempts` tries, 200 ms apart. */
export async function retry<T>(f: () => Promise<T>, attempts = 10): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await f();
    } catch (e) {
      if (i >= attempts) throw e;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}
