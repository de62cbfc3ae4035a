// `npm run bench` (Kafka part), on a real Apache Kafka 4.4 broker (KRaft, one JVM; jars from Maven Central, cached):
// the job Kafka source → keyBy → 1 s event-time window → Kafka sink, against its client alone reading the same topic.
// Four readers of the same N JSON records (4 partitions), each timed from its first record to its last one processed
// (the job: aggregated into its window), so connecting and group joins are not counted:
//   (a) kafkajs alone: consumer group, eachBatch + JSON.parse;
//   (b) @platformatic/kafka alone: fetch() of the 4 partitions + JSON.parse (what the source is built on);
//   (c) the job with the kafkajs source the engine had before (bench/kafkajsSource.ts), parallelism 1 and 2;
//   (d) the job with the engine's KafkaSource (@platformatic/kafka), parallelism 1 and 2.
// Parallelism 2 runs both subtasks in this thread (env.execute; slot threads are measured by slots.ts). Rounds
// alternate the order; medians of wall-time rate and of this process's CPU time per record.
// Env: KAFKA_BENCH_RECORDS (200000), BENCH_RUNS (3), BENCH_VERBOSE=1 prints every round, KAFKA_BENCH_CASES=b,d1 runs
// only (b) and (d) at p=1.
import { Consumer as PConsumer } from '@platformatic/kafka';
import { Kafka, logLevel } from 'kafkajs';
import { writeFileSync } from 'node:fs';
import { getConnector, registerConnector } from '../src/connectors/registry.js';
import { kafkaConnector } from '../src/connectors/kafka/index.js';
import { KafkaSink, KafkaSource, StreamExecutionEnvironment, TumblingEventTimeWindows, WatermarkStrategy, type KafkaRecord } from '../src/index.js';
import { startApacheKafkaBroker } from '../src/testing/apacheKafkaBroker.js';
import { createTopic } from '../src/testing/kafkaTopics.js';
import { kafkajsAlone, span as spanOf, type Rate } from './kafkaAlone.js';
import { KafkajsSourceFunction } from './kafkajsSource.js';

const N = Number(process.env.KAFKA_BENCH_RECORDS ?? 200_000);
const RUNS = Math.max(1, Number(process.env.BENCH_RUNS ?? 3));
const PARTITIONS = 4;
const run = Date.now().toString(36);
const IN = `bench-in-${run}`;
const OUT = `bench-out-${run}`;
// The source's defaults (fetchMaxWaitMs 500, 10 MiB per fetch, 256 KiB per partition), for every reader alike.
const FETCH = { maxWaitMs: 500, maxBytes: 10 * 1024 * 1024, maxBytesPerPartition: 256 * 1024 };

interface Trade {
  symbol: string;
  price: number;
  ts: number;
}

if (getConnector('kafka-kafkajs') === undefined) registerConnector({ ...kafkaConnector, name: 'kafka-kafkajs', createSource: (config) => new KafkajsSourceFunction(config) });

const span = () => spanOf(N);

// The broker with its full JIT (not the quick-start flags of tests): it should not be what squeezes the ratios.
const broker = await startApacheKafkaBroker({ heapMb: 1024, quickStart: false, partitions: PARTITIONS, startTimeoutMs: 180_000 });
const kafka = new Kafka({ clientId: 'flowbook-bench', brokers: [broker.bootstrap], logLevel: logLevel.NOTHING });
const expectedSum = (() => {
  let s = 0;
  for (let j = 0; j < N; j++) s += (j % 997) / 10;
  return s;
})();
const checkSum = (sum: number, who: string) => {
  if (Math.abs(sum - expectedSum) > 1e-6 * expectedSum) throw new Error(`${who}: sum of prices ${sum}, expected ${expectedSum}`);
};

/** (a) kafkajs alone: one consumer in its own group, parsing every value, until all N are read. */
async function kafkajsAloneRate(): Promise<Rate> {
  let sum = 0;
  const rate = await kafkajsAlone(kafka, IN, N, FETCH, (t) => (sum += (t as Trade).price));
  checkSum(sum, 'kafkajs');
  return rate;
}

/** (b) @platformatic/kafka alone: fetch() of every partition from offset 0 in one request at a time, as the source does. */
async function platformaticAlone(): Promise<Rate> {
  const consumer = new PConsumer({ clientId: 'bench-platformatic', groupId: `bench-pf-${Math.random()}`, bootstrapBrokers: [broker.bootstrap], maxWaitTime: FETCH.maxWaitMs });
  const topic = (await consumer.metadata({ topics: [IN] })).topics.get(IN)!;
  const node = topic.partitions[0]!.leader;
  const offsets = topic.partitions.map(() => 0n);
  let seen = 0;
  let sum = 0;
  let timing: ReturnType<typeof span> | undefined;
  while (seen < N) {
    const response = await consumer.fetch({
      node,
      maxBytes: FETCH.maxBytes,
      topics: [{ topicId: topic.id, partitions: offsets.map((fetchOffset, partition) => ({ partition, fetchOffset, partitionMaxBytes: FETCH.maxBytesPerPartition, currentLeaderEpoch: -1, lastFetchedEpoch: -1 })) }],
    });
    for (const t of response.responses) {
      for (const p of t.partitions) {
        const from = offsets[p.partitionIndex]!;
        for (const batch of p.records ?? []) {
          timing ??= span();
          for (const r of batch.records) {
            if (batch.firstOffset + BigInt(r.offsetDelta) < from) continue;
            sum += (JSON.parse(r.value!.toString()) as Trade).price;
            seen++;
          }
          offsets[p.partitionIndex] = batch.firstOffset + BigInt(batch.lastOffsetDelta) + 1n;
        }
      }
    }
  }
  const rate = timing!.end();
  await consumer.close();
  checkSum(sum, '@platformatic/kafka');
  return rate;
}

/** (c), (d) The job: bounded Kafka source with per-partition watermarks → keyBy symbol → 1 s event-time windows → Kafka sink. */
async function job(connector: 'kafka' | 'kafka-kafkajs', parallelism: number): Promise<Rate & { windows: number }> {
  const env = new StreamExecutionEnvironment();
  env.setParallelism(parallelism);
  let windows = 0;
  let timing: ReturnType<typeof span> | undefined;
  let rate: Rate | undefined;
  let aggregated = 0;
  const source = new KafkaSource({ brokers: [broker.bootstrap], topics: [IN], groupId: `bench-engine-${Math.random()}`, bounded: true, fetchMaxWaitMs: FETCH.maxWaitMs, fetchMaxBytesPerPartition: FETCH.maxBytesPerPartition, sessionTimeoutMs: 6000 });
  env
    .fromSource(connector === 'kafka' ? source : { connector, config: source.config }, WatermarkStrategy.noWatermarks<KafkaRecord<Trade>>(), 'trades')
    .map((r) => {
      timing ??= span();
      return r.value;
    })
    .keyBy((t) => t.symbol)
    .window(TumblingEventTimeWindows.of(1000))
    .aggregate<{ n: number; sum: number }, { n: number; sum: number }, { symbol: string; windowEnd: number; n: number; avg: number }>(
      {
        createAccumulator: () => ({ n: 0, sum: 0 }),
        add: (t, a) => {
          if (++aggregated === N) rate = timing!.end();
          return { n: a.n + 1, sum: a.sum + t.price };
        },
        getResult: (a) => a,
        merge: (a, b) => ({ n: a.n + b.n, sum: a.sum + b.sum }),
      },
      {
        process(symbol, ctx, [a], out) {
          windows++;
          out.collect({ symbol: symbol as string, windowEnd: (ctx.window as { end: number }).end, n: a!.n, avg: a!.sum / a!.n });
        },
      },
    )
    .sinkTo(new KafkaSink({ brokers: [broker.bootstrap], topic: OUT, keyField: 'symbol' }));
  await env.execute(`kafka bench ${connector} p=${parallelism}`);
  if (aggregated !== N || rate === undefined) throw new Error(`the job (${connector}, p=${parallelism}) aggregated ${aggregated} of ${N} records`);
  return { ...rate, windows };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

try {
  for (const topic of [IN, OUT]) await createTopic(kafka, topic, PARTITIONS);
  // N records across the partitions, event time advancing 1 ms per record; idempotent, so a retry writes nothing twice.
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  const t0 = 1_700_000_000_000;
  for (let i = 0; i < N; i += 5000) {
    const messages = [];
    for (let j = i; j < Math.min(N, i + 5000); j++) {
      const t: Trade = { symbol: `S${j % 50}`, price: (j % 997) / 10, ts: t0 + j };
      messages.push({ key: t.symbol, value: JSON.stringify(t), timestamp: String(t.ts) });
    }
    await producer.send({ topic: IN, messages });
  }
  await producer.disconnect();

  const all: [string, () => Promise<Rate & { windows?: number }>][] = [
    ['(a) kafkajs alone', kafkajsAloneRate],
    ['(b) @platformatic/kafka alone', platformaticAlone],
    ['(c) job, kafkajs source, p=1', () => job('kafka-kafkajs', 1)],
    ['(c) job, kafkajs source, p=2', () => job('kafka-kafkajs', 2)],
    ['(d) job, KafkaSource, p=1', () => job('kafka', 1)],
    ['(d) job, KafkaSource, p=2', () => job('kafka', 2)],
  ];
  // KAFKA_BENCH_CASES=a,b,d1 runs only those (a letter, and for a job its parallelism): e.g. for a CPU profile.
  const only = process.env.KAFKA_BENCH_CASES?.split(',');
  const caseId = (name: string) => name[1]! + (name.match(/p=(\d)/)?.[1] ?? '');
  const cases = only === undefined ? all : all.filter(([name]) => only.includes(caseId(name)));
  const rates = new Map<string, Rate[]>(cases.map(([name]) => [name, []]));
  let windows = 0;
  // One warm-up of each (JIT, connections), then rounds in alternating order.
  for (const [name, f] of cases) {
    const x = await f();
    if (process.env.BENCH_VERBOSE) console.log(`warm-up: ${name} ${Math.round(x.perSec / 1000)} K/s`);
  }
  for (let r = 0; r < RUNS; r++) {
    for (const [name, f] of r % 2 ? [...cases].reverse() : cases) {
      const x = await f();
      windows = x.windows ?? windows;
      rates.get(name)!.push(x);
    }
    if (process.env.BENCH_VERBOSE) console.log(`round ${r + 1}/${RUNS}: ` + cases.map(([name]) => `${name} ${Math.round(rates.get(name)!.at(-1)!.perSec / 1000)} K/s`).join('; '));
  }
  // NaN for a case that was not run (KAFKA_BENCH_CASES).
  const med = (name: string, key: keyof Rate) => median(rates.get(name)?.map((x) => x[key]) ?? [Number.NaN]);
  const clientOf = (name: string) => (name.includes('kafkajs') ? '(a) kafkajs alone' : '(b) @platformatic/kafka alone');
  const rows = cases.map(([name]) => ({
    case: name,
    'records/s (median)': Math.round(med(name, 'perSec')),
    'range K/s': `${Math.round(Math.min(...rates.get(name)!.map((x) => x.perSec)) / 1000)}–${Math.round(Math.max(...rates.get(name)!.map((x) => x.perSec)) / 1000)}`,
    'vs its client alone': +(med(name, 'perSec') / med(clientOf(name), 'perSec')).toFixed(2),
    'vs kafkajs alone': +(med(name, 'perSec') / med('(a) kafkajs alone', 'perSec')).toFixed(2),
    'CPU µs/record': +med(name, 'cpuUs').toFixed(2),
  }));
  console.log(`Kafka: ${N} records, ${PARTITIONS} partitions, ${windows} windows per job, ${RUNS} rounds; load average ${(await import('node:os')).loadavg().map((x) => x.toFixed(1)).join(' ')}`);
  console.table(rows);
  writeFileSync('bench-kafka-results.json', JSON.stringify({ date: new Date().toISOString(), records: N, rounds: RUNS, rows, rates: Object.fromEntries(rates) }, null, 2));
} finally {
  await broker.stop();
}
