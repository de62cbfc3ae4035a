// The Kafka sink's cost per delivery guarantee on a real Apache Kafka broker, side by side in one run: the same
// records from fromCollection into a KafkaSink at AT_LEAST_ONCE and at EXACTLY_ONCE (checkpoints every 500 ms, so
// several transactions), and kafkajs alone (producer.send in batches of the sink's batchSize), alternating rounds.
// Run by hand: node --conditions=development --import tsx packages/engine/bench/kafkaSinkEos.ts
import { mkdtempSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { CheckpointCoordinator } from '../src/checkpoint/CheckpointCoordinator.js';
import { FsCheckpointStorage } from '../src/checkpoint/CheckpointStorage.js';
import { getConnector, registerConnector } from '../src/connectors/registry.js';
import { kafkaConnector, KafkaSink } from '../src/connectors/kafka/index.js';
import { executeGraph, StreamExecutionEnvironment, type Job } from '../src/index.js';
import { startApacheKafkaBroker } from '../src/testing/apacheKafkaBroker.js';

if (getConnector('kafka') === undefined) registerConnector(kafkaConnector);

const N = Number(process.env.BENCH_RECORDS ?? 200_000);
const ROUNDS = Number(process.env.BENCH_RUNS ?? 3);
const BATCH = 500;
const records = Array.from({ length: N }, (_, i) => ({ id: i, key: `k${i % 100}`, amount: i % 997 }));

const broker = await startApacheKafkaBroker({ quickStart: false, heapMb: 1024, startTimeoutMs: 120_000 });
const kafka = new Kafka({ clientId: 'bench', brokers: [broker.bootstrap], logLevel: logLevel.NOTHING });
const admin = kafka.admin();
await admin.connect();
let seq = 0;
const topic = async () => {
  const t = `bench-${++seq}`;
  await admin.createTopics({ topics: [{ topic: t, numPartitions: 3, replicationFactor: 1 }], waitForLeaders: true });
  return t;
};

async function kafkajsAlone(): Promise<number> {
  const t = await topic();
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  const start = performance.now();
  for (let i = 0; i < N; i += BATCH) {
    await producer.send({ topic: t, messages: records.slice(i, i + BATCH).map((r) => ({ key: r.key, value: JSON.stringify(r) })) });
  }
  const ms = performance.now() - start;
  await producer.disconnect();
  return ms;
}

async function engine(guarantee: 'at-least-once' | 'exactly-once'): Promise<number> {
  const t = await topic();
  const env = new StreamExecutionEnvironment();
  env.enableCheckpointing(500);
  env.fromCollection(records).sinkTo(
    KafkaSink.builder<(typeof records)[number]>()
      .setBootstrapServers(broker.bootstrap)
      .setTopic(t)
      .setKeyField('key')
      .setBatching(BATCH, 50)
      .setDeliveryGuarantee(guarantee)
      .setTransactionalIdPrefix(`bench-${seq}`)
      .setProperty('logLevel', 'nothing')
      .build(),
  );
  const storage = new FsCheckpointStorage(mkdtempSync(path.join(tmpdir(), 'flowbook-bench-eos-')), 2);
  let coordinator: CheckpointCoordinator | undefined;
  const start = performance.now();
  // Ends when every record is acknowledged (at least once) or committed (exactly once).
  await executeGraph(env.getPipeline('bench'), 'bench', {
    onJobSubmitted: (job: Job) => {
      coordinator = new CheckpointCoordinator(job, storage, { intervalMs: 500 });
      coordinator.start();
    },
  }).getJobExecutionResult();
  const ms = performance.now() - start;
  await coordinator?.stop();
  const completed = coordinator?.history.filter((h) => h.status === 'completed').length ?? 0;
  process.stdout.write(`  ${guarantee}: ${ms.toFixed(0)} ms, ${completed} checkpoints\n`);
  return ms;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const times: Record<string, number[]> = { kafkajs: [], 'at-least-once': [], 'exactly-once': [] };
try {
  await engine('at-least-once'); // warm-up: JIT, connections, topic metadata
  await engine('exactly-once');
  for (let r = 0; r < ROUNDS; r++) {
    const order = ['kafkajs', 'at-least-once', 'exactly-once'];
    for (let i = 0; i < order.length; i++) {
      const k = order[(i + r) % order.length]!;
      times[k]!.push(k === 'kafkajs' ? await kafkajsAlone() : await engine(k as 'at-least-once' | 'exactly-once'));
    }
  }
  const base = median(times.kafkajs!);
  process.stdout.write(`\n${N} records, medians of ${ROUNDS} rounds, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}\n`);
  for (const [k, v] of Object.entries(times)) {
    const m = median(v);
    process.stdout.write(`${k.padEnd(14)} ${m.toFixed(0).padStart(6)} ms  ${((N / m) * 1000).toFixed(0).padStart(8)} rec/s  ${(base / m).toFixed(2)}× kafkajs alone  [${v.map((x) => x.toFixed(0)).join(', ')}]\n`);
  }
} finally {
  await admin.disconnect();
  await broker.stop();
}
