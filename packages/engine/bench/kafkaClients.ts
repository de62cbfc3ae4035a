// Kafka clients measured on a real Apache Kafka 4.x broker (issue #20), not part of `npm run bench`:
//   node --import tsx packages/engine/bench/kafkaClients.ts
// Same broker, same topic, same records (~100-byte JSON, 3 partitions), same parsing; rounds alternate the order of the
// clients; every rate is timed from the first record (a consumer's group join and a producer's connect are left out)
// and reported as the median of the rounds with the ratio to kafkajs. Env: KAFKA_CLIENTS_RECORDS, KAFKA_CLIENTS_ROUNDS.
import { Consumer as PConsumer, Producer as PProducer, stringSerializers } from '@platformatic/kafka';
import { Kafka, logLevel } from 'kafkajs';
import { writeFileSync } from 'node:fs';
import { startApacheKafkaBroker } from '../src/testing/apacheKafkaBroker.js';
import { kafkajsAlone, span as spanOf, type Rate } from './kafkaAlone.js';

const N = Number(process.env.KAFKA_CLIENTS_RECORDS ?? 500_000);
const ROUNDS = Number(process.env.KAFKA_CLIENTS_ROUNDS ?? 5);
const PARTITIONS = 3;
const SEND_BATCH = 5000;
// Both consumers fetch with the same limits (kafkajs' defaults; @platformatic/kafka's per-partition default is 10 MB).
const FETCH = { minBytes: 1, maxBytes: 10 * 1024 * 1024, maxBytesPerPartition: 1024 * 1024, maxWaitTime: 100 };

type FetchRequestTopic = Parameters<PConsumer['fetch']>[0]['topics'][number];

interface Trade {
  id: number;
  symbol: string;
  side: 'buy' | 'sell';
  price: number;
  qty: number;
  venue: string;
  ts: number;
}

const t0 = 1_700_000_000_000;
function trade(i: number): Trade {
  return { id: i, symbol: `SYM${i % 50}`, side: i % 2 ? 'buy' : 'sell', price: 100 + (i % 997) / 100, qty: 1 + (i % 100), venue: 'XNAS', ts: t0 + i };
}
/** Sum of qty over the N records: each consumer must arrive at it, so none can skip parsing. */
const expectedQty = (() => {
  let s = 0;
  for (let i = 0; i < N; i++) s += trade(i).qty;
  return s;
})();

// The broker with its full JIT (not the quick-start flags of tests): it serves every client alike, and should not be
// the bottleneck that squeezes their ratios together.
const broker = await startApacheKafkaBroker({ heapMb: 1024, quickStart: false });
const bootstrap = broker.bootstrap;
const kafka = new Kafka({ clientId: 'bench-kafkajs', brokers: [bootstrap], logLevel: logLevel.NOTHING });
const admin = kafka.admin();
const run = Date.now().toString(36);
const IN = `clients-in-${run}`;

const span = () => spanOf(N);
function check(qty: number, seen: number, who: string): void {
  if (seen !== N || qty !== expectedQty) throw new Error(`${who} read ${seen} records (qty ${qty}), expected ${N} (qty ${expectedQty})`);
}

// ---- consumers: each reads IN from the start until N records are parsed ----

/** kafkajs: consumer group, eachBatch (what Flowbook's KafkaSource used before @platformatic/kafka). */
async function kafkajsEachBatch(): Promise<Rate> {
  let seen = 0;
  let qty = 0;
  const rate = await kafkajsAlone(kafka, IN, N, { maxWaitMs: FETCH.maxWaitTime, maxBytes: FETCH.maxBytes, maxBytesPerPartition: FETCH.maxBytesPerPartition, minBytes: FETCH.minBytes }, (t) => {
    qty += (t as Trade).qty;
    seen++;
  });
  check(qty, seen, 'kafkajs eachBatch');
  return rate;
}

/** @platformatic/kafka: consumer group, the messages stream (one 'data' event per record). */
async function platformaticStream(): Promise<Rate> {
  const consumer = new PConsumer({ clientId: 'bench-platformatic', groupId: `pk-${Math.random()}`, bootstrapBrokers: [bootstrap], ...FETCH });
  const stream = await consumer.consume({ topics: [IN], mode: 'earliest' });
  let seen = 0;
  let qty = 0;
  let timing: ReturnType<typeof span> | undefined;
  const rate = await new Promise<Rate>((resolve, reject) => {
    stream.once('error', reject);
    stream.on('data', (m: { value: Buffer }) => {
      timing ??= span();
      qty += (JSON.parse(m.value as unknown as string) as Trade).qty;
      if (++seen === N) resolve(timing.end());
    });
  });
  await consumer.close(true);
  check(qty, seen, '@platformatic/kafka stream');
  return rate;
}

/**
 * @platformatic/kafka: no group, partitions assigned by the caller and read with the Fetch API, one response of record
 * batches per partition at a time — the shape of a FLIP-27 split reader that hands a fetched batch to the engine.
 * `pipelined`: the next offsets are known from the batch headers, so the next Fetch is sent before this response's
 * records are parsed (one request in flight while the client works).
 */
async function platformaticFetch(pipelined: boolean): Promise<Rate> {
  const consumer = new PConsumer({ clientId: 'bench-platformatic-fetch', groupId: `pf-${Math.random()}`, bootstrapBrokers: [bootstrap], ...FETCH });
  const meta = await consumer.metadata({ topics: [IN] });
  const topic = meta.topics.get(IN)!;
  const byLeader = new Map<number, number[]>();
  topic.partitions.forEach((p, i) => byLeader.set(p.leader, [...(byLeader.get(p.leader) ?? []), i]));
  if (byLeader.size !== 1) throw new Error('one broker expected');
  const [[node, partitions]] = [...byLeader];
  const offsets = partitions.map(() => 0n);
  const fetch = () => {
    const topics: FetchRequestTopic[] = [
      {
        topicId: topic.id,
        partitions: partitions.map((partition, i) => ({ partition, fetchOffset: offsets[i]!, partitionMaxBytes: FETCH.maxBytesPerPartition, currentLeaderEpoch: -1, lastFetchedEpoch: -1 })),
      },
    ];
    return consumer.fetch({ node, topics, minBytes: FETCH.minBytes, maxBytes: FETCH.maxBytes, maxWaitTime: FETCH.maxWaitTime });
  };
  let seen = 0;
  let qty = 0;
  let timing: ReturnType<typeof span> | undefined;
  let next: ReturnType<typeof fetch> | undefined;
  while (seen < N) {
    const response = await (next ?? fetch());
    next = undefined;
    const from = [...offsets]; // records below the offset asked for (a batch can start before it) are skipped
    let fetched = 0;
    for (const t of response.responses) {
      for (const p of t.partitions) {
        const last = p.records?.at(-1);
        if (!last) continue;
        offsets[partitions.indexOf(p.partitionIndex)] = last.firstOffset + BigInt(last.lastOffsetDelta) + 1n;
        for (const batch of p.records!) fetched += batch.lastOffsetDelta + 1;
      }
    }
    if (pipelined && seen + fetched < N) next = fetch();
    for (const t of response.responses) {
      for (const p of t.partitions) {
        const lowest = from[partitions.indexOf(p.partitionIndex)]!;
        for (const batch of p.records ?? []) {
          timing ??= span();
          for (const r of batch.records) {
            if (batch.firstOffset + BigInt(r.offsetDelta) < lowest) continue;
            qty += (JSON.parse(r.value as unknown as string) as Trade).qty;
            seen++;
          }
        }
      }
    }
  }
  const rate = timing!.end();
  await next?.catch(() => {});
  await consumer.close(true);
  check(qty, seen, `@platformatic/kafka fetch${pipelined ? ' (pipelined)' : ''}`);
  return rate;
}

// ---- producers: each writes N records to a fresh topic in sends of SEND_BATCH, acks=all, no compression ----

function batchOf(from: number): { key: string; value: string }[] {
  const messages = [];
  for (let i = from; i < Math.min(N, from + SEND_BATCH); i++) {
    const t = trade(i);
    messages.push({ key: t.symbol, value: JSON.stringify(t) });
  }
  return messages;
}

async function freshTopic(prefix: string): Promise<string> {
  const topic = `${prefix}-${run}-${Math.random().toString(36).slice(2, 8)}`;
  await admin.createTopics({ topics: [{ topic, numPartitions: PARTITIONS, replicationFactor: 1 }], waitForLeaders: true });
  return topic;
}

async function endOffsetsSum(topic: string): Promise<number> {
  return (await admin.fetchTopicOffsets(topic)).reduce((s, p) => s + Number(p.high), 0);
}

async function producedAll(topic: string, who: string): Promise<void> {
  const n = await endOffsetsSum(topic);
  if (n !== N + 1) throw new Error(`${who} wrote ${n} records, expected ${N + 1}`);
  await admin.deleteTopics({ topics: [topic] });
}

async function kafkajsProduce(): Promise<Rate> {
  const topic = await freshTopic('kjs');
  const producer = kafka.producer();
  await producer.connect();
  await producer.send({ topic, acks: -1, messages: [{ key: 'warm-up', value: '{}' }] }); // metadata and connections
  const timing = span();
  for (let i = 0; i < N; i += SEND_BATCH) await producer.send({ topic, acks: -1, messages: batchOf(i) });
  const rate = timing.end();
  await producer.disconnect();
  await producedAll(topic, 'kafkajs');
  return rate;
}

async function platformaticProduce(): Promise<Rate> {
  const topic = await freshTopic('pk');
  const producer = new PProducer({ clientId: 'bench-platformatic', bootstrapBrokers: [bootstrap], serializers: stringSerializers, acks: -1, idempotent: false });
  await producer.send({ messages: [{ topic, key: 'warm-up', value: '{}' }] });
  const timing = span();
  for (let i = 0; i < N; i += SEND_BATCH) await producer.send({ messages: batchOf(i).map((m) => ({ topic, key: m.key, value: m.value })) });
  const rate = timing.end();
  await producer.close();
  await producedAll(topic, '@platformatic/kafka');
  return rate;
}

// ---- the run ----

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

try {
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: IN, numPartitions: PARTITIONS, replicationFactor: 1 }], waitForLeaders: true });
  const setup = kafka.producer();
  await setup.connect();
  for (let i = 0; i < N; i += SEND_BATCH) await setup.send({ topic: IN, acks: -1, messages: batchOf(i) });
  await setup.disconnect();
  const bytes = batchOf(0).reduce((s, m) => s + m.value.length, 0) / Math.min(N, SEND_BATCH);
  console.log(`broker ${bootstrap} (Apache Kafka, KRaft); topic ${IN}: ${N} records, ${PARTITIONS} partitions, ~${Math.round(bytes)} bytes of JSON each`);

  const cases: [string, () => Promise<Rate>][] = [
    ['consume: kafkajs eachBatch', kafkajsEachBatch],
    ['consume: @platformatic/kafka stream', platformaticStream],
    ['consume: @platformatic/kafka fetch (no group)', () => platformaticFetch(false)],
    ['consume: @platformatic/kafka fetch, next in flight', () => platformaticFetch(true)],
    ['produce: kafkajs send', kafkajsProduce],
    ['produce: @platformatic/kafka send', platformaticProduce],
  ];
  const rates = new Map<string, Rate[]>(cases.map(([name]) => [name, []]));
  // One warm-up of each (JIT, connections), then rounds in alternating order.
  for (const [, f] of cases) await f();
  for (let r = 0; r < ROUNDS; r++) {
    const order = r % 2 ? [...cases].reverse() : cases;
    for (const [name, f] of order) rates.get(name)!.push(await f());
    const last = (name: string) => rates.get(name)!.at(-1)!;
    console.log(`round ${r + 1}/${ROUNDS}: ` + cases.map(([name]) => `${name} ${Math.round(last(name).perSec / 1000)} K/s ${last(name).cpuUs.toFixed(2)} µs`).join('; '));
  }
  const medianOf = (name: string, key: keyof Rate) => median(rates.get(name)!.map((x) => x[key]));
  const baseOf = (name: string) => (name.startsWith('consume') ? 'consume: kafkajs eachBatch' : 'produce: kafkajs send');
  const rows = cases.map(([name]) => {
    const xs = rates.get(name)!.map((x) => x.perSec);
    return {
      case: name,
      'median records/s': Math.round(medianOf(name, 'perSec')),
      'min–max K/s': `${Math.round(Math.min(...xs) / 1000)}–${Math.round(Math.max(...xs) / 1000)}`,
      'rate vs kafkajs': +(medianOf(name, 'perSec') / medianOf(baseOf(name), 'perSec')).toFixed(2),
      'CPU µs/record': +medianOf(name, 'cpuUs').toFixed(2),
      'CPU vs kafkajs': +(medianOf(name, 'cpuUs') / medianOf(baseOf(name), 'cpuUs')).toFixed(2),
    };
  });
  console.table(rows);
  writeFileSync('bench-kafka-clients-results.json', JSON.stringify({ date: new Date().toISOString(), records: N, partitions: PARTITIONS, rounds: ROUNDS, rows, rates: Object.fromEntries(rates) }, null, 2));
} finally {
  await admin.disconnect().catch(() => {});
  await broker.stop();
}
