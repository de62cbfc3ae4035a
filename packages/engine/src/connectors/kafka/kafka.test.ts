import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Kafka, logLevel, Partitioners, type Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CheckpointCoordinator } from '../../checkpoint/CheckpointCoordinator.js';
import { FsCheckpointStorage } from '../../checkpoint/CheckpointStorage.js';
import {
  DEAD_LETTER_TAG,
  OutputTag,
  StreamExecutionEnvironment,
  Time,
  TumblingEventTimeWindows,
  validateGraph,
  WatermarkStrategy,
  type DeadLetter,
  type JobSnapshot,
  type ProcessFunction,
} from '../../index.js';
import { Job } from '../../runtime/Job.js';
import { getConnector, registerConnector } from '../registry.js';
import type { SinkContext, SourceContext } from '../SourceFunction.js';
import type { ApacheKafkaBroker } from '../../testing/apacheKafkaBroker.js';
import { createTopic, retry, waitForLeaders, withAdmin } from '../../testing/kafkaTopics.js';
import { sharedApacheKafkaBroker } from '../../testing/sharedKafkaBroker.js';
import { kafkaConnector, KafkaSink, KafkaSinkWriter, KafkaSource, KafkaSourceFunction, PartitionWatermarks, type KafkaRecord, type KafkaSourceConfig } from './index.js';

let broker: ApacheKafkaBroker;
let kafka: Kafka;
let producer: Producer;
let seq = 0;
/** Topic and group names are unique per test: the tests run concurrently against one broker. */
const unique = (name: string) => `${name}-${process.pid}-${++seq}`;
const T0 = 1_700_000_000_000;

/** A new topic of its own for a test. */
async function newTopic(name: string, numPartitions = 4): Promise<string> {
  const topic = unique(name);
  await createTopic(kafka, topic, numPartitions);
  return topic;
}

// Until connectors/index.ts registers it with the built-in connectors.
if (getConnector('kafka') === undefined) registerConnector(kafkaConnector);

beforeAll(async () => {
  // The run's one real broker (auto-created topics get 4 partitions); the tests share it concurrently.
  broker = await sharedApacheKafkaBroker();
  kafka = new Kafka({ brokers: [broker.bootstrap], clientId: 'kafka-test', logLevel: logLevel.NOTHING });
  // Idempotent: a retry after "not the leader" right after a topic is created must not write records twice.
  producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
}, 300_000); // the first run on a machine fetches the broker's jars from Maven Central

afterAll(async () => {
  await producer?.disconnect().catch(() => {});
  await broker?.stop();
});

const sourceConfig = (topic: string, extra: Partial<KafkaSourceConfig> = {}): KafkaSourceConfig => ({
  brokers: [broker.bootstrap],
  topics: [topic],
  groupId: `g-${topic}`,
  // Short fetch waits: partitions without records answer sooner, so tests end (and cancel) quickly.
  fetchMaxWaitMs: 100,
  logLevel: 'error',
  ...extra,
});

async function waitFor(what: string, cond: () => boolean | Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const byPartitionOffset = (a: KafkaRecord, b: KafkaRecord) => a.partition - b.partition || a.offset - b.offset;

type SourceEvent = { kind: 'record'; value: KafkaRecord; ts: number } | { kind: 'watermark'; wm: number } | { kind: 'idle' };

/** Drives a KafkaSourceFunction outside a job, recording records, watermarks and idleness in the order emitted. */
function recordingContext(): { ctx: SourceContext; events: SourceEvent[] } {
  const events: SourceEvent[] = [];
  const ctx: SourceContext = {
    collect: (value) => events.push({ kind: 'record', value: value as KafkaRecord, ts: Number.NaN }),
    collectWithTimestamp: (value, ts) => events.push({ kind: 'record', value: value as KafkaRecord, ts }),
    collectBatch: (values, n = values.length) => {
      for (let i = 0; i < n; i++) events.push({ kind: 'record', value: values[i] as KafkaRecord, ts: Number.NaN });
    },
    collectBatchWithTimestamps: (values, ts, n = values.length) => {
      for (let i = 0; i < n; i++) events.push({ kind: 'record', value: values[i] as KafkaRecord, ts: ts[i]! });
    },
    emitWatermark: (wm) => events.push({ kind: 'watermark', wm }),
    markAsTemporarilyIdle: () => events.push({ kind: 'idle' }),
    deadLetter: () => {
      throw new Error('unexpected dead letter');
    },
    isRunning: () => true,
    yield: () => new Promise((r) => setImmediate(r)),
    sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
    getCurrentProcessingTime: () => Date.now(),
    services: { log: () => {} },
  };
  return { ctx, events };
}

describe.concurrent('kafka connector (against a real Apache Kafka broker)', () => {
  it('reads JSON records with their metadata into a pipeline, and a bounded source ends the job', async () => {
    const topic = await newTopic('orders');
    const messages = Array.from({ length: 12 }, (_, i) => ({
      partition: i % 4,
      key: `c${i % 3}`,
      value: JSON.stringify({ id: i, amount: (i + 1) * 10 }),
      timestamp: String(T0 + i),
      headers: { origin: 'test', seq: String(i) },
    }));
    await producer.send({ topic, messages });

    const env = StreamExecutionEnvironment.getExecutionEnvironment();
    const orders = env.fromSource(new KafkaSource(sourceConfig(topic, { bounded: true })), WatermarkStrategy.noWatermarks<KafkaRecord<{ id: number; amount: number }>>(), 'orders');
    orders.sinkTo({ connector: 'collect', config: { name: 'records' } });
    orders
      .map((r) => ({ customer: r.key!, amount: r.value.amount }))
      .keyBy((o) => o.customer)
      .reduce((a, b) => ({ customer: a.customer, amount: a.amount + b.amount }))
      .sinkTo({ connector: 'collect', config: { name: 'totals' } });
    const records: KafkaRecord[] = [];
    const totals = new Map<string, number>();
    const result = await env
      .executeAsync('kafka read', {
        collect: (sink: string, v: unknown) => {
          if (sink === 'records') records.push(v as KafkaRecord);
          else totals.set((v as { customer: string }).customer, (v as { amount: number }).amount);
        },
      })
      .getJobExecutionResult();

    expect(result.status).toBe('finished');
    // Each partition is read in offset order; across partitions the order is not defined.
    for (let p = 0; p < 4; p++) expect(records.filter((r) => r.partition === p).map((r) => r.offset)).toEqual([0, 1, 2]);
    expect(records.sort(byPartitionOffset)).toEqual(
      messages
        .map((m, i) => ({ topic, partition: m.partition, offset: Math.floor(i / 4), key: m.key, value: { id: i, amount: (i + 1) * 10 }, headers: m.headers, timestamp: T0 + i }))
        .sort(byPartitionOffset),
    );
    expect(Object.fromEntries(totals)).toEqual({ c0: 10 + 40 + 70 + 100, c1: 20 + 50 + 80 + 110, c2: 30 + 60 + 90 + 120 });
  });

  it('hands each fetch to the engine as batches with timestamps, a malformed record between them in order', async () => {
    const topic = await newTopic('batched');
    const messages = Array.from({ length: 300 }, (_, i) => ({ partition: 0, value: i === 150 ? '{oops' : JSON.stringify({ i }), timestamp: String(T0 + i) }));
    await producer.send({ topic, messages });
    const source = new KafkaSourceFunction(sourceConfig(topic, { bounded: true, valueOnly: true }));
    const calls = { single: 0, batches: 0 };
    const out: (number | 'dead')[] = [];
    const stamps: number[] = [];
    const { ctx } = recordingContext();
    ctx.collect = ctx.collectWithTimestamp = () => void calls.single++;
    ctx.collectBatchWithTimestamps = (values, ts, n = values.length) => {
      calls.batches++;
      for (let i = 0; i < n; i++) {
        out.push((values[i] as { i: number }).i);
        stamps.push(ts[i]!);
      }
    };
    ctx.deadLetter = () => void out.push('dead');
    await source.run(ctx);
    expect(calls.single).toBe(0);
    // One fetch, split around the malformed record: a handful of batches, not one call per record.
    expect(calls.batches).toBeGreaterThanOrEqual(2);
    expect(calls.batches).toBeLessThan(10);
    expect(out).toEqual(Array.from({ length: 300 }, (_, i) => (i === 150 ? 'dead' : i)));
    expect(stamps).toEqual(Array.from({ length: 300 }, (_, i) => T0 + i).filter((t) => t !== T0 + 150));
    expect(source.snapshotState(1).offsets.find((o) => o.partition === 0)).toMatchObject({ topic, partition: 0, offset: '300' });
  });

  it('fetches at most fetchMaxBytesPerPartition per partition: more fetches, every record once and in order', async () => {
    const topic = await newTopic('small-fetches');
    // Three produce requests: three record batches of ~2.5 KB each in partition 0.
    for (let b = 0; b < 3; b++) await producer.send({ topic, messages: Array.from({ length: 100 }, (_, i) => ({ partition: 0, value: JSON.stringify({ i: b * 100 + i }) })) });
    const read = async (fetchMaxBytesPerPartition?: number) => {
      const source = new KafkaSourceFunction(sourceConfig(topic, { bounded: true, valueOnly: true, ...(fetchMaxBytesPerPartition !== undefined ? { fetchMaxBytesPerPartition } : {}) }));
      const out: number[] = [];
      let calls = 0;
      const { ctx } = recordingContext();
      ctx.collectBatchWithTimestamps = (values, _ts, n = values.length) => {
        calls++;
        for (let i = 0; i < n; i++) out.push((values[i] as { i: number }).i);
      };
      await source.run(ctx);
      return { out, calls };
    };
    const all = Array.from({ length: 300 }, (_, i) => i);
    // The default (256 KiB) takes the three batches in one fetch, handed on as one engine batch.
    expect(await read()).toEqual({ out: all, calls: 1 });
    // Below one batch's size the broker still returns one batch per fetch (the source does not stall): three fetches.
    expect(await read(1024)).toEqual({ out: all, calls: 3 });
  });

  it('emits per-partition watermarks: the minimum over partitions, so a partition running ahead makes no record late', async () => {
    const topic = await newTopic('skewed');
    const bound = 500;
    // Partition p runs p × 5 s ahead, and within each partition every other record is 300 ms late (< bound).
    const messages = [0, 1, 2, 3].flatMap((p) =>
      Array.from({ length: 15 }, (_, i) => ({ partition: p, value: JSON.stringify({ p, i }), timestamp: String(T0 + p * 5000 + i * 1000 - (i % 2) * 1300) })),
    );
    await producer.send({ topic, messages });
    // The slowest partition (0) ends at T0 + 14 s; the fastest would have put a stream-wide watermark at T0 + 29 s.
    const finalWatermark = T0 + 14_000 - bound - 1;

    const source = new KafkaSourceFunction(sourceConfig(topic, { maxOutOfOrdernessMs: bound }));
    const { ctx, events } = recordingContext();
    const running = source.run(ctx);
    await waitFor('the final watermark', () => events.some((e) => e.kind === 'watermark' && e.wm === finalWatermark));
    source.cancel();
    await running;

    const records = events.filter((e) => e.kind === 'record');
    expect(records.map((e) => e.ts).sort()).toEqual(messages.map((m) => Number(m.timestamp)).sort());
    const maxByPartition = new Map<number, number>();
    let watermark = Number.NEGATIVE_INFINITY;
    for (const e of events) {
      if (e.kind === 'record') {
        expect(e.ts).toBeGreaterThan(watermark); // never late
        maxByPartition.set(e.value.partition, Math.max(maxByPartition.get(e.value.partition) ?? -Infinity, e.ts));
      } else if (e.kind === 'watermark') {
        // Emitted only once every partition has a timestamp, and equal to the slowest partition's max − bound − 1.
        expect(maxByPartition.size).toBe(4);
        expect(e.wm).toBe(Math.min(...maxByPartition.values()) - bound - 1);
        expect(e.wm).toBeGreaterThan(watermark);
        watermark = e.wm;
      }
    }
    expect(watermark).toBe(finalWatermark);
    expect(events.some((e) => e.kind === 'idle')).toBe(false);
  });

  it('lets empty partitions leave the watermark minimum after idlenessMs, and goes idle when every partition is', async () => {
    const topic = await newTopic('sparse');
    const source = new KafkaSourceFunction(sourceConfig(topic, { idlenessMs: 1500 }));
    const { ctx, events } = recordingContext();
    const running = source.run(ctx);
    // Partitions 0 and 1 get a record every 100 ms; 2 and 3 never do.
    let stop = false;
    const producing = (async () => {
      for (let k = 0; !stop; k++) {
        await producer.send({ topic, messages: [0, 1].map((p) => ({ partition: p, value: '{}', timestamp: String(T0 + k * 100 - p * 50) })) });
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
    await waitFor('three watermarks', () => events.filter((e) => e.kind === 'watermark').length >= 3);
    stop = true;
    // Once records stop, 0 and 1 go idle one after the other and may leave one more watermark: check those before.
    const whileProducing = events.length;
    await producing;
    await waitFor('the source to go idle', () => events.some((e) => e.kind === 'idle'));
    source.cancel();
    await running;

    const maxByPartition = new Map<number, number>();
    for (const e of events.slice(0, whileProducing)) {
      if (e.kind === 'record') maxByPartition.set(e.value.partition, Math.max(maxByPartition.get(e.value.partition) ?? -Infinity, e.ts));
      // Partitions 2 and 3 are idle (otherwise there would be no watermark at all): the minimum is over 0 and 1.
      else if (e.kind === 'watermark') expect(e.wm).toBe(Math.min(maxByPartition.get(0)!, maxByPartition.get(1)!) - 1);
    }
    expect([...maxByPartition.keys()].sort()).toEqual([0, 1]);
    expect(events.at(-1)).toEqual({ kind: 'idle' });
  });

  it('drops idle partitions from the minimum until they have records again (PartitionWatermarks)', () => {
    let now = 0;
    const w = new PartitionWatermarks(100, 1000, () => now);
    w.assign(['t/0', 't/1']);
    w.onRecord('t/0', 5000);
    // t/1 has no timestamp yet: it holds the watermark back until it is idle.
    expect(w.current()).toEqual({ watermark: Number.NEGATIVE_INFINITY, allIdle: false });
    now = 999;
    w.onRecord('t/0', 6000);
    expect(w.current().watermark).toBe(Number.NEGATIVE_INFINITY);
    now = 1000;
    expect(w.current()).toEqual({ watermark: 6000 - 100 - 1, allIdle: false });
    w.onRecord('t/1', 2000);
    expect(w.current()).toEqual({ watermark: 2000 - 100 - 1, allIdle: false });
    now = 2000;
    expect(w.current()).toEqual({ watermark: Number.NEGATIVE_INFINITY, allIdle: true });
    w.remove('t/1');
    w.onRecord('t/0', 7000);
    expect(w.current()).toEqual({ watermark: 7000 - 100 - 1, allIdle: false });
  });

  // Needs the engine to pass a source's own watermarks through WatermarkStrategy.noWatermarks() (see README.md).
  const engineKeepsSourceWatermarks = (() => {
    const env = StreamExecutionEnvironment.getExecutionEnvironment();
    env
      .fromSource(new KafkaSource({ brokers: ['localhost:9092'], topics: ['probe'], groupId: 'probe' }), WatermarkStrategy.noWatermarks<KafkaRecord>(), 'probe')
      .keyBy((r) => r.key)
      .window(TumblingEventTimeWindows.of(Time.seconds(1)))
      .reduce((a) => a)
      .print();
    return validateGraph(env.getPipeline()).length === 0;
  })();

  it.runIf(engineKeepsSourceWatermarks)('fires event-time tumbling windows from the per-partition watermarks while the job runs', async () => {
    const topic = await newTopic('readings');
    const bound = 500;
    const messages = [0, 1, 2, 3].flatMap((p) =>
      Array.from({ length: 15 }, (_, i) => {
        const ts = T0 + p * 5000 + i * 1000 - (i % 2) * 1300;
        return { partition: p, value: JSON.stringify({ sensor: `s${(p + i) % 3}`, v: p * 100 + i, ts }), timestamp: String(ts) };
      }),
    );
    await producer.send({ topic, messages });
    // Expected: every 5 s window that the final watermark (slowest partition's max − bound − 1) closes.
    const finalWatermark = T0 + 14_000 - bound - 1;
    const expected = new Map<string, { sensor: string; start: number; sum: number }>();
    for (const m of messages) {
      const r = JSON.parse(m.value) as { sensor: string; v: number; ts: number };
      const start = r.ts - (((r.ts % 5000) + 5000) % 5000);
      if (start + 5000 - 1 > finalWatermark) continue;
      const k = `${r.sensor}@${start}`;
      expected.set(k, { sensor: r.sensor, start, sum: (expected.get(k)?.sum ?? 0) + r.v });
    }

    const env = StreamExecutionEnvironment.getExecutionEnvironment();
    env
      .fromSource(new KafkaSource(sourceConfig(topic, { valueOnly: true, maxOutOfOrdernessMs: bound })), WatermarkStrategy.noWatermarks<{ sensor: string; v: number }>(), 'readings')
      .keyBy((r) => r.sensor)
      .window(TumblingEventTimeWindows.of(Time.seconds(5)))
      .process<{ sensor: string; start: number; sum: number }>({
        process(sensor, ctx, elements, out) {
          out.collect({ sensor, start: ctx.window.start, sum: elements.reduce((s, e) => s + e.v, 0) });
        },
      })
      .sinkTo({ connector: 'collect', config: { name: 'windows' } });
    const fired: { sensor: string; start: number; sum: number }[] = [];
    const client = env.executeAsync('kafka windows', { collect: (_s: string, v: unknown) => fired.push(v as (typeof fired)[number]) });
    // Unbounded: no end-of-input watermark, so these windows can only have fired on the source's watermarks.
    await waitFor('the windows to fire', () => fired.length >= expected.size);
    await new Promise((r) => setTimeout(r, 300));
    client.cancel();
    await client.getJobExecutionResult();
    const key = (w: { sensor: string; start: number }) => `${w.sensor}@${w.start}`;
    expect(fired.sort((a, b) => key(a).localeCompare(key(b)))).toEqual([...expected.values()].sort((a, b) => key(a).localeCompare(key(b))));
  });

  it('sends malformed JSON and records without event time to the dead-letter output, and keeps going', async () => {
    const topic = await newTopic('dirty');
    await producer.send({
      topic,
      messages: [
        { partition: 0, value: '{"n":1,"at":1000}' },
        { partition: 0, value: 'not json' },
        { partition: 0, value: '{"n":2,"at":"1970-01-01T00:00:02.000Z"}' },
        { partition: 0, value: '{"n":' },
        { partition: 1, value: '{"n":3}' },
        { partition: 1, value: '{"n":4,"at":4000}' },
      ],
    });
    const env = StreamExecutionEnvironment.getExecutionEnvironment();
    const values = env.fromSource(new KafkaSource(sourceConfig(topic, { bounded: true, valueOnly: true, timestampField: 'at' })), WatermarkStrategy.noWatermarks<{ n: number }>(), 'dirty');
    values.sinkTo({ connector: 'collect', config: { name: 'values' } });
    values.getSideOutput(new OutputTag<DeadLetter>(DEAD_LETTER_TAG)).sinkTo({ connector: 'collect', config: { name: 'dead' } });
    const good: { n: number; ts: number }[] = [];
    const dead: DeadLetter[] = [];
    const client = env.executeAsync('kafka dead letters', {
      collect: (sink: string, v: unknown, ts: number) => (sink === 'values' ? good.push({ n: (v as { n: number }).n, ts }) : dead.push(v as DeadLetter)),
    });
    const result = await client.getJobExecutionResult();

    expect(result.status).toBe('finished');
    // Event time from the value's field, as epoch ms or an ISO date.
    expect(good.sort((a, b) => a.n - b.n)).toEqual([
      { n: 1, ts: 1000 },
      { n: 2, ts: 2000 },
      { n: 4, ts: 4000 },
    ]);
    // Partitions are read concurrently: order the dead letters by position.
    expect(dead.sort((a, b) => a.position!.localeCompare(b.position!))).toEqual([
      { raw: 'not json', error: expect.stringMatching(/^invalid JSON: /), position: `${topic}/0@1` },
      { raw: '{"n":', error: expect.stringMatching(/^invalid JSON: /), position: `${topic}/0@3` },
      { raw: { n: 3 }, error: 'timestamp field "at" is missing or not a time: undefined', position: `${topic}/1@0` },
    ]);
    expect(client.job.metrics().find((m) => m.type === 'source')!.deadLetters).toBe(3);
  });

  it('fails the job when a user function throws on a record (kafkajs would only log it and fetch again)', async () => {
    const topic = await newTopic('poison');
    await producer.send({ topic, messages: [{ partition: 0, value: '{"n":1}' }, { partition: 0, value: '{"n":0}' }] });
    const env = StreamExecutionEnvironment.getExecutionEnvironment();
    env
      .fromSource(new KafkaSource(sourceConfig(topic, { valueOnly: true })), WatermarkStrategy.noWatermarks<{ n: number }>(), 'poison')
      .map((v) => {
        if (v.n === 0) throw new Error('n must not be 0');
        return 1 / v.n;
      })
      .sinkTo({ connector: 'collect', config: {} });
    await expect(env.execute('kafka poison')).rejects.toThrow('n must not be 0');
  });

  it('restores from a checkpoint without missing or duplicating a record in keyed results', async () => {
    const topic = await newTopic('payments');
    type Payment = { account: string; amount: number };
    type Total = { account: string; count: number; sum: number };
    let n = 0;
    const produce = async (count: number) => {
      const batch = Array.from({ length: count }, () => ({ account: `a${n % 5}`, amount: ++n }));
      await producer.send({ topic, messages: batch.map((p, i) => ({ partition: i % 4, value: JSON.stringify(p) })) });
      return batch;
    };
    const pipeline = (env: StreamExecutionEnvironment, bounded: boolean) =>
      env
        .fromSource(new KafkaSource(sourceConfig(topic, { valueOnly: true, bounded })), WatermarkStrategy.noWatermarks<Payment>(), 'payments')
        .map((p): Total => ({ account: p.account, count: 1, sum: p.amount }))
        .keyBy((t) => t.account)
        .reduce((a, b) => ({ account: a.account, count: a.count + b.count, sum: a.sum + b.sum }))
        .sinkTo({ connector: 'collect', config: { name: 'totals' } });

    const produced = await produce(40);
    const storage = new FsCheckpointStorage(mkdtempSync(path.join(tmpdir(), 'flowbook-kafka-')));
    const env1 = StreamExecutionEnvironment.getExecutionEnvironment();
    pipeline(env1, false);
    let seen1 = 0;
    const client1 = env1.executeAsync('kafka before', { collect: () => seen1++ });
    const coordinator = new CheckpointCoordinator(client1.job, storage, { intervalMs: 60_000 });
    await waitFor('the first 40 records', () => seen1 === 40);
    expect((await coordinator.trigger())?.status).toBe('completed');
    // Read after the checkpoint, then lost with the job: a restored job must read these again.
    produced.push(...(await produce(20)));
    await waitFor('20 more records', () => seen1 === 60);
    client1.cancel();
    await client1.getJobExecutionResult();
    // Written while no job runs.
    produced.push(...(await produce(20)));

    const snapshot = (await storage.latest()) as JobSnapshot;
    const env2 = new StreamExecutionEnvironment({ jobOptions: () => ({ restoreFrom: snapshot }) });
    pipeline(env2, true);
    const updates: Total[] = [];
    const result = await env2.executeAsync('kafka after', { collect: (_s: string, v: unknown) => updates.push(v as Total) }).getJobExecutionResult();

    expect(result.status).toBe('finished');
    // One update per record after the checkpoint: the 20 lost ones and the 20 new ones, each once.
    expect(updates).toHaveLength(40);
    const final = new Map(updates.map((t) => [t.account, t]));
    const expected = new Map<string, Total>();
    for (const p of produced) {
      const t = expected.get(p.account) ?? { account: p.account, count: 0, sum: 0 };
      expected.set(p.account, { account: p.account, count: t.count + 1, sum: t.sum + p.amount });
    }
    expect(final).toEqual(expected);
  });

  it('at parallelism 2, partition i is read by subtask i mod 2; a restore per subtask reads each record once', { timeout: 60_000 }, async () => {
    const topic = await newTopic('split');
    const messages = Array.from({ length: 400 }, (_, i) => ({ partition: i % 4, value: JSON.stringify({ i }), timestamp: String(T0 + i) }));
    await producer.send({ topic, messages });
    const bySubtask = new Map<number, Set<number>>();
    const graph = () => {
      const env = StreamExecutionEnvironment.getExecutionEnvironment().setParallelism(2);
      env
        .fromSource(new KafkaSource(sourceConfig(topic, { bounded: true })), WatermarkStrategy.noWatermarks<KafkaRecord<{ i: number }>>(), 'split')
        .process<KafkaRecord<{ i: number }>>({
          subtask: -1,
          open(rc: { getIndexOfThisSubtask(): number }) {
            this.subtask = rc.getIndexOfThisSubtask();
          },
          processElement(r, _ctx, out) {
            if (!bySubtask.has(r.partition)) bySubtask.set(r.partition, new Set());
            bySubtask.get(r.partition)!.add(this.subtask);
            out.collect(r);
          },
        } as ProcessFunction<KafkaRecord<{ i: number }>, KafkaRecord<{ i: number }>> & { subtask: number })
        .sinkTo({ connector: 'collect', config: { name: 'out' } });
      return env.getPipeline('split');
    };
    const read: KafkaRecord<{ i: number }>[] = [];
    let snapshot: JobSnapshot | undefined;
    const first = new Job(graph(), {
      services: {
        collect: (_s: string, v: unknown) => {
          read.push(v as KafkaRecord<{ i: number }>);
          // A snapshot between two of the source's batches, once both subtasks have read something.
          if (snapshot === undefined && new Set(read.map((r) => r.partition % 2)).size === 2) {
            snapshot = {} as JobSnapshot;
            setImmediate(() => {
              snapshot = structuredClone(first.snapshot(1));
              first.cancel();
            });
          }
        },
      },
    });
    expect(first.metrics().find((m) => m.type === 'source')!.parallelism).toBe(2);
    await first.run();
    const before = read.length;
    expect(before).toBeGreaterThan(0);
    const restored = new Job(graph(), { restoreFrom: snapshot!, services: { collect: (_s: string, v: unknown) => void read.push(v as KafkaRecord<{ i: number }>) } });
    expect(await restored.run()).toBe('finished');
    expect(read.map((r) => r.value.i).sort((a, b) => a - b)).toEqual(messages.map((_, i) => i));
    for (const [partition, subtasks] of bySubtask) expect([...subtasks]).toEqual([partition % 2]);
  });

  it('picks up partitions added while the job runs, in the subtask that partition i mod p belongs to', { timeout: 60_000 }, async () => {
    const topic = await newTopic('grow', 2);
    await producer.send({ topic, messages: [0, 1].map((p) => ({ partition: p, value: JSON.stringify({ p }) })) });
    const seen: KafkaRecord[] = [];
    const env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.fromSource(new KafkaSource(sourceConfig(topic, { partitionDiscoveryIntervalMs: 200 })), WatermarkStrategy.noWatermarks<KafkaRecord>(), 'grow').sinkTo({ connector: 'collect', config: {} });
    const client = env.executeAsync('kafka grow', { collect: (_s: string, v: unknown) => void seen.push(v as KafkaRecord) });
    try {
      await waitFor('the first 2 records', () => seen.length === 2);
      await withAdmin(kafka, (a) => a.createPartitions({ topicPartitions: [{ topic, count: 4 }] }));
      await waitForLeaders(kafka, topic, 4);
      // Records written to the new partitions right away: read from startFrom ('earliest'), none lost.
      // A new producer: the shared one's metadata has 2 partitions, and kafkajs drops records for partitions it does not know.
      const fresh = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
      await fresh.connect();
      await fresh.send({ topic, messages: [2, 3].map((p) => ({ partition: p, value: JSON.stringify({ p }) })) });
      await fresh.disconnect();
      const written = await withAdmin(kafka, (a) => a.fetchTopicOffsets(topic));
      expect(written.map((o) => o.high)).toEqual(['1', '1', '1', '1']);
      await waitFor('the records of the new partitions', () => {
        if (client.job.status === 'failed') throw client.job.failureCause;
        return seen.length === 4;
      }, 30_000);
      expect(seen.map((r) => r.partition).sort()).toEqual([0, 1, 2, 3]);
    } finally {
      client.cancel();
      await client.getJobExecutionResult();
    }
  });

  it('commits the checkpointed offsets to the consumer group only when the checkpoint completes', async () => {
    const topic = await newTopic('commits');
    const groupId = `g-${topic}`;
    await producer.send({ topic, messages: Array.from({ length: 8 }, (_, i) => ({ partition: i % 4, value: JSON.stringify({ i }) })) });
    const committed = async () =>
      Object.fromEntries((await retry(() => withAdmin(kafka, (a) => a.fetchOffsets({ groupId, topics: [topic] }))))[0]!.partitions.map((p) => [p.partition, p.offset]));

    const env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.fromSource(new KafkaSource(sourceConfig(topic, { valueOnly: true })), WatermarkStrategy.noWatermarks(), 'commits').sinkTo({ connector: 'collect', config: {} });
    let seen = 0;
    const client = env.executeAsync('kafka commits', { collect: () => seen++ });
    await waitFor('8 records', () => seen === 8);
    const snapshot = client.job.snapshot(7);
    // Positions (each with its partition's event-time progress, maxTimestamp).
    const positions = Object.values(snapshot.operators).map((s) => (s as { offsets?: { topic: string; partition: number; offset: string }[] }).offsets?.map(({ topic, partition, offset }) => ({ topic, partition, offset })));
    expect(positions).toContainEqual([0, 1, 2, 3].map((p) => ({ topic, partition: p, offset: '2' })));
    expect(await committed()).toEqual({ 0: '-1', 1: '-1', 2: '-1', 3: '-1' });
    client.job.notifyCheckpointComplete(7);
    await waitFor('the commit', async () => JSON.stringify(await committed()) === JSON.stringify({ 0: '2', 1: '2', 2: '2', 3: '2' }));
    client.cancel();
    await client.getJobExecutionResult();

    // A new job of the same group starting from 'committed' reads only what came after.
    await producer.send({ topic, messages: [0, 1, 2, 3].map((p) => ({ partition: p, value: JSON.stringify({ i: 100 + p }) })) });
    const env2 = StreamExecutionEnvironment.getExecutionEnvironment();
    const rest = await env2
      .fromSource(new KafkaSource(sourceConfig(topic, { valueOnly: true, bounded: true, startFrom: 'committed' })), WatermarkStrategy.noWatermarks<{ i: number }>(), 'rest')
      .executeAndCollect();
    expect(rest.map((r) => r.i).sort()).toEqual([100, 101, 102, 103]);
  });

  it('starts from a timestamp (the first offset at or after it, per partition) or from the latest offsets', async () => {
    const topic = await newTopic('from-time');
    await producer.send({ topic, messages: Array.from({ length: 16 }, (_, i) => ({ partition: i % 4, value: JSON.stringify({ i }), timestamp: String(T0 + i * 1000) })) });
    const read = (startFrom: KafkaSourceConfig['startFrom']) => {
      const env = StreamExecutionEnvironment.getExecutionEnvironment();
      return env.fromSource(new KafkaSource(sourceConfig(topic, { valueOnly: true, bounded: true, startFrom })), WatermarkStrategy.noWatermarks<{ i: number }>(), 'from').executeAndCollect();
    };
    expect((await read({ timestamp: T0 + 9500 })).map((r) => r.i).sort((a, b) => a - b)).toEqual([10, 11, 12, 13, 14, 15]);
    expect(await read('latest')).toEqual([]);
  });

  it('KafkaSink writes keyed records with their event time, and re-sends what a checkpoint left unacknowledged', async () => {
    const topic = await newTopic('out');
    const resendTopic = await newTopic('resend');
    type Order = { id: number; customer: string; time: number };
    const orders: Order[] = Array.from({ length: 10 }, (_, i) => ({ id: i, customer: `c${i % 3}`, time: T0 + i * 1000 }));
    const env = StreamExecutionEnvironment.getExecutionEnvironment();
    env
      .fromCollection(orders)
      .assignTimestampsAndWatermarks(WatermarkStrategy.forMonotonousTimestamps<Order>().withTimestampAssigner((o) => o.time))
      .sinkTo(KafkaSink.builder<Order>().setBootstrapServers([broker.bootstrap]).setTopic(topic).setKeySelector((o) => o.customer).setBatching(3, 20).build());
    expect((await env.execute('kafka sink')).status).toBe('finished');

    // At least once across a failure: a checkpoint taken before the broker acknowledged holds the records...
    const sinkCtx: SinkContext = { services: {}, name: 'kafka', nodeId: 'sink', getCurrentProcessingTime: () => Date.now(), checkpointing: true, failJob: (e) => { throw e; } };
    const writer = new KafkaSinkWriter({ brokers: [broker.bootstrap], topic: resendTopic, format: 'string', logLevel: 'error' });
    await writer.open(sinkCtx);
    for (const s of ['x', 'y', 'z']) writer.invoke(s, T0);
    const state = writer.snapshotState(1);
    expect(state.unacked.map((m) => m.value)).toEqual(['x', 'y', 'z']);
    await writer.notifyCheckpointComplete(1);
    expect(writer.snapshotState(2).unacked).toEqual([]);
    await writer.finish();
    await writer.close();
    // ... and a sink restored from it sends them again.
    const restored = new KafkaSinkWriter({ brokers: [broker.bootstrap], topic: resendTopic, format: 'string', logLevel: 'error' });
    await restored.open(sinkCtx);
    restored.restoreState(state);
    await restored.finish();
    await restored.close();

    const got: { topic: string; partition: number; key: string | null; value: string; timestamp: number }[] = [];
    const consumer = kafka.consumer({ groupId: unique('reader'), maxWaitTimeInMs: 200 });
    await consumer.connect();
    await consumer.subscribe({ topics: [topic, resendTopic], fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ topic: t, partition, message }) => {
        got.push({ topic: t, partition, key: message.key?.toString() ?? null, value: message.value!.toString(), timestamp: Number(message.timestamp) });
      },
    });
    await waitFor('16 records', () => got.length >= 16);
    await consumer.disconnect();

    const written = got.filter((g) => g.topic === topic).sort((a, b) => a.timestamp - b.timestamp);
    expect(written.map((g) => ({ key: g.key, value: JSON.parse(g.value) as Order, timestamp: g.timestamp }))).toEqual(orders.map((o) => ({ key: o.customer, value: o, timestamp: o.time })));
    // Each key in the partition the Java client's murmur2 partitioner picks (kafkajs' DefaultPartitioner is the same).
    const javaPartition = Partitioners.DefaultPartitioner();
    const partitionMetadata = [0, 1, 2, 3].map((partitionId) => ({ partitionId, leader: 1, partitionErrorCode: 0, replicas: [1], isr: [1] }));
    for (const g of written) expect(g.partition).toBe(javaPartition({ topic, partitionMetadata, message: { key: g.key, value: null } }));
    expect(got.filter((g) => g.topic === resendTopic).map((g) => g.value).sort()).toEqual(['x', 'x', 'y', 'y', 'z', 'z']);
  });
  it('KafkaSink takes a batch in one call and produces it in requests of batchSize records', async () => {
    const topic = await newTopic('sink-batch');
    const writer = new KafkaSinkWriter({ brokers: [broker.bootstrap], topic, format: 'string', batchSize: 4, lingerMs: 1000, logLevel: 'error' });
    await writer.open({ services: {}, name: 'kafka', nodeId: 'sink', getCurrentProcessingTime: () => Date.now(), checkpointing: false, failJob: (e) => { throw e; } });
    // The writer's @platformatic/kafka producer, once open() has created it.
    const producer = (writer as unknown as { producer: { send: (r: { messages: { value?: Buffer }[] }) => Promise<unknown> } }).producer;
    const sends: string[][] = [];
    const send = producer.send.bind(producer);
    producer.send = (r) => {
      sends.push(r.messages.map((m) => String(m.value)));
      return send(r);
    };
    const values = Array.from({ length: 10 }, (_, i) => `v${i}`);
    writer.invokeBatch(values, new Float64Array(10).fill(T0), 10);
    // Two full requests go out at once; the rest waits for lingerMs or the end of input.
    expect(writer.pendingRecords).toBe(10);
    await writer.finish();
    await writer.close();
    expect(sends).toEqual([values.slice(0, 4), values.slice(4, 8), values.slice(8)]);
    expect(writer.pendingRecords).toBe(0);
  });
});
