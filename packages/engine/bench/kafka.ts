// `npm run bench` (Kafka part): Kafka source → keyed event-time window → Kafka sink through librdkafka's mock cluster
// (kcat), against kafkajs alone consuming the same topic; the connector's overhead is the ratio of the two, measured in
// the same run. Same records, same broker, same parsing (JSON) on both sides. Both are timed from the first record to
// the last one processed (the engine: aggregated into its window), so the consumer-group join, which takes seconds
// on either side, is not counted; the time to the end of the job (final windows, sink flush, leaving the group) is
// reported beside.
import { Kafka, logLevel } from 'kafkajs';
import { writeFileSync } from 'node:fs';
import { KafkaSink, KafkaSource, StreamExecutionEnvironment, TumblingEventTimeWindows, WatermarkStrategy, type KafkaRecord } from '../src/index.js';
import { startKafkaBroker } from '../src/testing/kafkaBroker.js';

const N = Number(process.env.KAFKA_BENCH_RECORDS ?? 200_000);
const run = Date.now().toString(36);
const IN = `bench-in-${run}`;
const OUT = `bench-out-${run}`;

interface Trade {
  symbol: string;
  price: number;
  ts: number;
}

const broker = await startKafkaBroker();
const kafka = new Kafka({ clientId: 'flowbook-bench', brokers: broker.brokers, logLevel: logLevel.NOTHING });
try {
  // Produce N records across the 4 partitions, event time advancing 1 ms per record.
  const producer = kafka.producer();
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

  // Baseline: kafkajs alone, one consumer in its own group, parsing every value, until all N are read.
  const baseline = async (): Promise<number> => {
    // The fetch settings the engine's source uses (fetchMaxWaitMs 500), so that both wait alike on partitions at their end.
    const consumer = kafka.consumer({ groupId: `bench-plain-${Math.random()}`, sessionTimeout: 6000, maxWaitTimeInMs: 500 });
    await consumer.connect();
    await consumer.subscribe({ topic: IN, fromBeginning: true });
    let seen = 0;
    let sum = 0;
    let started = 0;
    await new Promise<void>((resolve) => {
      void consumer.run({
        eachBatch: async ({ batch }) => {
          if (seen === 0) started = performance.now();
          for (const m of batch.messages) {
            sum += (JSON.parse(m.value!.toString()) as Trade).price;
            seen++;
          }
          if (seen >= N) resolve();
        },
      });
    });
    const ms = performance.now() - started;
    await consumer.disconnect();
    if (sum <= 0) throw new Error('baseline read nothing');
    return (N / ms) * 1000;
  };

  // The engine: bounded Kafka source with per-partition watermarks → keyBy symbol → 1 s event-time windows → Kafka sink.
  const engine = async (): Promise<{ eventsPerSec: number; toEndPerSec: number; windows: number }> => {
    const env = new StreamExecutionEnvironment();
    let windows = 0;
    let first = 0;
    let last = 0;
    let aggregated = 0;
    env
      .fromSource(new KafkaSource({ brokers: broker.brokers, topics: [IN], groupId: `bench-engine-${Math.random()}`, bounded: true, sessionTimeoutMs: 6000 }), WatermarkStrategy.noWatermarks<KafkaRecord<Trade>>(), 'trades')
      .map((r) => {
        if (first === 0) first = performance.now();
        return r.value;
      })
      .keyBy((t) => t.symbol)
      .window(TumblingEventTimeWindows.of(1000))
      .aggregate<{ n: number; sum: number }, { n: number; sum: number }, { symbol: string; windowEnd: number; n: number; avg: number }>(
        {
          createAccumulator: () => ({ n: 0, sum: 0 }),
          add: (t, a) => {
            if (++aggregated === N) last = performance.now();
            return { n: a.n + 1, sum: a.sum + t.price };
          }, getResult: (a) => a, merge: (a, b) => ({ n: a.n + b.n, sum: a.sum + b.sum }) },
        {
          process(symbol, ctx, [a], out) {
            windows++;
            out.collect({ symbol: symbol as string, windowEnd: (ctx.window as { end: number }).end, n: a!.n, avg: a!.sum / a!.n });
          },
        },
      )
      .sinkTo(new KafkaSink({ brokers: broker.brokers, topic: OUT, keyField: 'symbol' }));
    await env.execute('kafka bench');
    const ended = performance.now();
    if (aggregated !== N) throw new Error(`the engine aggregated ${aggregated} of ${N} records`);
    return { eventsPerSec: (N / (last - first)) * 1000, toEndPerSec: (N / (ended - first)) * 1000, windows };
  };

  // Warm-up once each (JIT, group joins), then measure alternately and keep the best of 3 of each.
  await baseline();
  await engine();
  const plain: number[] = [];
  const eng: number[] = [];
  const engToEnd: number[] = [];
  let windows = 0;
  for (let i = 0; i < 3; i++) {
    plain.push(await baseline());
    const e = await engine();
    eng.push(e.eventsPerSec);
    engToEnd.push(e.toEndPerSec);
    windows = e.windows;
    if (process.env.BENCH_VERBOSE) console.log(`round ${i + 1}: kafkajs ${Math.round(plain[i]!)}/s, engine ${Math.round(e.eventsPerSec)}/s (${Math.round(e.toEndPerSec)}/s to the job's end)`);
  }
  const best = (xs: number[]) => Math.max(...xs);
  const row = {
    records: N,
    windows,
    'kafkajs alone (events/s)': Math.round(best(plain)),
    'engine source → window → sink (events/s)': Math.round(best(eng)),
    'engine / kafkajs': +(best(eng) / best(plain)).toFixed(2),
    'engine to job end (events/s)': Math.round(best(engToEnd)),
  };
  console.table([row]);
  writeFileSync('bench-kafka-results.json', JSON.stringify({ ...row, date: new Date().toISOString() }, null, 2));
} finally {
  await broker.stop();
}
