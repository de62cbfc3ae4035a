// A real Apache Kafka 4.x broker (jars from Maven Central, cached) with kafkajs: what librdkafka's mock cluster cannot
// do — transactions seen through read_committed, and the broker's group coordinator rebalancing partitions.
import { Consumer as PConsumer, Producer as PProducer, stringSerializers } from '@platformatic/kafka';
import { Kafka, logLevel, type Consumer } from 'kafkajs';
import { existsSync, readFileSync, readlinkSync } from 'node:fs';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApacheKafkaBroker, type ApacheKafkaBroker } from './apacheKafkaBroker.js';
import { createTopic } from './kafkaTopics.js';

let broker: ApacheKafkaBroker | undefined;
let kafka: Kafka;

beforeAll(async () => {
  broker = await startApacheKafkaBroker({ startTimeoutMs: 120_000 });
  kafka = new Kafka({ clientId: 'flowbook-test', brokers: [broker.bootstrap], logLevel: logLevel.NOTHING });
}, 300_000); // the first run on a machine fetches ~45 MB of jars (and Maven's plugins) from Maven Central

afterAll(async () => {
  await broker?.stop();
});

/** Reads `topic` from the start in a fresh group until `until(values)` holds; returns the values in offset order. */
async function readAll(topic: string, readUncommitted: boolean, until: (values: string[]) => boolean): Promise<string[]> {
  const consumer = kafka.consumer({ groupId: `read-${readUncommitted}-${Math.random()}`, readUncommitted, maxWaitTimeInMs: 100 });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    const values: string[] = [];
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`read ${JSON.stringify(values)} from ${topic}, still waiting`)), 30_000);
      void consumer.run({
        eachMessage: async ({ message }) => {
          values.push(message.value!.toString());
          if (until(values)) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
    });
    return values;
  } finally {
    await consumer.disconnect();
  }
}

describe('Apache Kafka broker (real, KRaft)', () => {
  it('a read_committed consumer sees committed transactions and not aborted ones', async () => {
    const topic = `tx-${Date.now()}`;
    await createTopic(kafka, topic, 1);
    const producer = kafka.producer({ transactionalId: `tx-test-${Date.now()}`, idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    try {
      const send = async (values: string[], commit: boolean) => {
        const tx = await producer.transaction();
        await tx.send({ topic, messages: values.map((value) => ({ value })) });
        await (commit ? tx.commit() : tx.abort());
      };
      await send(['a1', 'a2'], true);
      await send(['x1', 'x2', 'x3'], false);
      await send(['b1'], true);
    } finally {
      await producer.disconnect();
    }
    const committed = await readAll(topic, false, (v) => v.includes('b1'));
    expect(committed).toEqual(['a1', 'a2', 'b1']);
    // The aborted records are in the log: only the isolation level hides them.
    const uncommitted = await readAll(topic, true, (v) => v.includes('b1'));
    expect(uncommitted).toEqual(['a1', 'a2', 'x1', 'x2', 'x3', 'b1']);
  }, 60_000);

  it('two consumers of one group split the partitions; when one leaves, the other gets them all', async () => {
    const topic = `group-${Date.now()}`;
    const groupId = `group-${Math.random()}`;
    await createTopic(kafka, topic, 4);
    const assigned = new Map<Consumer, number[][]>();
    const received = new Map<Consumer, Set<number>>();
    const join = async (): Promise<Consumer> => {
      const c = kafka.consumer({ groupId, sessionTimeout: 6000, heartbeatInterval: 300, maxWaitTimeInMs: 100 });
      assigned.set(c, []);
      received.set(c, new Set());
      c.on(c.events.GROUP_JOIN, (e) => assigned.get(c)!.push([...(e.payload.memberAssignment[topic] ?? [])].sort()));
      await c.connect();
      await c.subscribe({ topic, fromBeginning: true });
      await c.run({ eachMessage: async ({ partition }) => void received.get(c)!.add(partition) });
      return c;
    };
    const last = (c: Consumer) => assigned.get(c)!.at(-1);
    const until = async (what: string, ok: () => boolean) => {
      const deadline = Date.now() + 30_000;
      while (!ok()) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify([...assigned.values()])}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    };
    const produceToEveryPartition = async () => {
      const producer = kafka.producer();
      await producer.connect();
      await producer.send({ topic, messages: [0, 1, 2, 3].map((partition) => ({ partition, value: `p${partition}` })) });
      await producer.disconnect();
    };

    const a = await join();
    const b = await join();
    try {
      await until('a 2/2 split', () => last(a)?.length === 2 && last(b)?.length === 2 && [...last(a)!, ...last(b)!].sort().join() === '0,1,2,3');
      await produceToEveryPartition();
      await until('both consumers to read their partitions', () => received.get(a)!.size === 2 && received.get(b)!.size === 2);
      expect([...received.get(a)!].sort()).toEqual(last(a));
      expect([...received.get(b)!].sort()).toEqual(last(b));

      await b.disconnect(); // leaves the group: the coordinator rebalances at a's next heartbeat
      await until('a to get all 4 partitions', () => last(a)?.length === 4);
      expect(last(a)).toEqual([0, 1, 2, 3]);
      received.get(a)!.clear();
      await produceToEveryPartition();
      await until('a to read every partition', () => received.get(a)!.size === 4);
    } finally {
      await a.disconnect();
      await b.disconnect();
    }
  }, 60_000);

  // @platformatic/kafka is the client bench/README.md recommends: check on this broker what the engine would use it
  // for — a transactional sink (commit, abort) and a source reading record batches by Fetch from explicit offsets.
  it('@platformatic/kafka: transactional sends, read back by Fetch (read_committed) from offset 0', async () => {
    const topic = `ptx-${Date.now()}`;
    await createTopic(kafka, topic, 1);
    const producer = new PProducer({ clientId: 'flowbook-test', bootstrapBrokers: [broker!.bootstrap], serializers: stringSerializers, idempotent: true, transactionalId: `ptx-${Date.now()}` });
    try {
      for (const [values, commit] of [[['a1', 'a2'], true], [['x1', 'x2', 'x3'], false], [['b1'], true]] as const) {
        const tx = await producer.beginTransaction();
        await tx.send({ messages: values.map((value) => ({ topic, value })) });
        await (commit ? tx.commit() : tx.abort());
      }
    } finally {
      await producer.close();
    }
    const consumer = new PConsumer({ clientId: 'flowbook-test', groupId: `pfetch-${Math.random()}`, bootstrapBrokers: [broker!.bootstrap], maxWaitTime: 100 });
    try {
      const meta = await consumer.metadata({ topics: [topic] });
      const { id: topicId, partitions } = meta.topics.get(topic)!;
      const values: string[] = [];
      let offset = 0n;
      const deadline = Date.now() + 20_000;
      while (!values.includes('b1')) {
        if (Date.now() > deadline) throw new Error(`read ${JSON.stringify(values)}, still waiting for b1`);
        const response = await consumer.fetch({
          node: partitions[0]!.leader,
          topics: [{ topicId, partitions: [{ partition: 0, fetchOffset: offset, partitionMaxBytes: 1 << 20, currentLeaderEpoch: -1, lastFetchedEpoch: -1 }] }],
        });
        for (const batch of response.responses[0]?.partitions[0]?.records ?? []) {
          offset = batch.firstOffset + BigInt(batch.lastOffsetDelta) + 1n;
          if (batch.attributes & 0x20) continue; // a control batch: the commit or abort marker
          for (const r of batch.records) values.push(r.value!.toString());
        }
      }
      expect(values).toEqual(['a1', 'a2', 'b1']);
    } finally {
      await consumer.close(true);
    }
    // kafkajs reads the same: the two clients agree on what was committed.
    expect(await readAll(topic, false, (v) => v.includes('b1'))).toEqual(['a1', 'a2', 'b1']);
  }, 60_000);

  // Last: it stops the broker the other tests use.
  it('stop() kills the broker by PID, frees its port and removes its data', async () => {
    const { pid, bootstrap } = broker!;
    const dataDir = readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('kafka.Kafka') ? readlinkSync(`/proc/${pid}/cwd`) : undefined;
    expect(dataDir).toBeDefined();
    expect(existsSync(dataDir!)).toBe(true);
    await broker!.stop();
    broker = undefined;
    expect(() => process.kill(pid, 0)).toThrow(/ESRCH/);
    expect(existsSync(dataDir!)).toBe(false);
    const [host, port] = bootstrap.split(':');
    const refused = await new Promise<boolean>((resolve) => {
      const socket = connect(Number(port), host!);
      socket.once('connect', () => (socket.destroy(), resolve(false)));
      socket.once('error', () => resolve(true));
    });
    expect(refused).toBe(true);
  });
});
