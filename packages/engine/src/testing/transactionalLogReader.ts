import { Consumer } from '@platformatic/kafka';

export interface TransactionalLog {
  /** Every record and control marker read so far, by partition and offset. */
  records(): RawRecord[];
  /** The data records, aborted and open transactions included (what read_uncommitted sees). */
  uncommitted(): string[];
  /** What a read_committed reader sees. */
  committed(): string[];
  stop(): Promise<void>;
}

export interface RawRecord {
  partition: number;
  offset: bigint;
  producerId: string;
  inTransaction: boolean;
  /** A commit (true) or abort (false) marker; undefined for a data record. */
  marker?: boolean;
  value: string;
}

/**
 * Reads a topic's whole log while it runs (Fetch at read_uncommitted: aborted and open transactions and the control
 * records included, by @platformatic/kafka's Fetch from explicit offsets), and derives what a read_committed reader
 * sees as the Java client does: a transactional record counts once its producer's next marker on the partition is a
 * commit; aborted and still-open transactions are never seen. (kafkajs' own read_committed filter leaks the first
 * record of an aborted transaction when several transactional producers write to one partition, which parallel sink
 * subtasks do, and its eachBatch skips batches holding only markers, so kafkajs cannot be the judge here.)
 */
export async function readTransactionalLog(bootstrap: string, topic: string, groupId: string): Promise<TransactionalLog> {
  const log: RawRecord[] = [];
  const consumer = new Consumer({ clientId: 'flowbook-test-reader', groupId, bootstrapBrokers: bootstrap.split(','), maxWaitTime: 50 });
  const meta = await consumer.metadata({ topics: [topic] });
  const { id: topicId, partitions } = meta.topics.get(topic)!;
  const next = partitions.map(() => 0n);
  let running = true;
  const loop = (async () => {
    while (running) {
      for (let p = 0; p < partitions.length; p++) {
        const response = await consumer.fetch({
          node: partitions[p]!.leader,
          isolationLevel: 0,
          topics: [{ topicId, partitions: [{ partition: p, fetchOffset: next[p]!, partitionMaxBytes: 1 << 20, currentLeaderEpoch: -1, lastFetchedEpoch: -1 }] }],
        });
        for (const batch of response.responses[0]?.partitions[0]?.records ?? []) {
          next[p] = batch.firstOffset + BigInt(batch.lastOffsetDelta) + 1n;
          const control = (batch.attributes & 0x20) !== 0;
          const inTransaction = (batch.attributes & 0x10) !== 0;
          for (const r of batch.records) {
            log.push({
              partition: p,
              offset: batch.firstOffset + BigInt(r.offsetDelta),
              producerId: String(batch.producerId),
              inTransaction,
              // A control record's key: version (int16) and type (int16), 0 = abort, 1 = commit.
              ...(control ? { marker: r.key!.readInt16BE(2) === 1 } : {}),
              value: control ? '' : r.value!.toString(),
            });
          }
        }
      }
    }
  })();
  loop.catch(() => {});
  const inOrder = () => [...log].sort((a, b) => a.partition - b.partition || (a.offset < b.offset ? -1 : a.offset > b.offset ? 1 : 0));
  return {
    records: inOrder,
    uncommitted: () => inOrder().filter((r) => r.marker === undefined).map((r) => r.value),
    committed: () => {
      const out: string[] = [];
      const open = new Map<string, string[]>();
      let partition = -1;
      for (const r of inOrder()) {
        if (r.partition !== partition) {
          partition = r.partition;
          open.clear();
        }
        if (r.marker !== undefined) {
          if (r.marker) out.push(...(open.get(r.producerId) ?? []));
          open.delete(r.producerId);
        } else if (r.inTransaction) open.set(r.producerId, [...(open.get(r.producerId) ?? []), r.value]);
        else out.push(r.value);
      }
      return out;
    },
    async stop() {
      running = false;
      await loop.catch(() => {});
      await consumer.close(true);
    },
  };
}

