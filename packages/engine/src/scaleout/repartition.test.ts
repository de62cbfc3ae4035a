import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KafkaSource, PostgresSink, StreamExecutionEnvironment, TumblingEventTimeWindows, WatermarkStrategy } from '../index.js';
import type { ApacheKafkaCluster } from '../testing/apacheKafkaCluster.js';
import { sharedApacheKafkaCluster } from '../testing/sharedKafkaBroker.js';
import { createTopic } from '../testing/kafkaTopics.js';
import type { SinkContext, SourceContext } from '../connectors/SourceFunction.js';
import { toFnSpec } from '../graph/fn.js';
import { RepartitionSource } from './repartition/RepartitionSource.js';
import { RepartitionWriter } from './repartition/RepartitionWriter.js';
import { ScaleOutWorker } from './ScaleOutWorker.js';
import { PG_URL, startWorkerProcess, until } from '../testing/workerProcesses.js';

// A job whose source topic is NOT partitioned by its keyBy's key: the workers split it at the keyBy through a
// repartition topic (Kafka Streams' sub-topologies) and combine the writers' watermarks per repartition partition.
const PG = PG_URL;
const run = `${Date.now().toString(36)}${process.pid}`;
const PARTITIONS = 6;
const KEYS = 48;
const WINDOW = 10_000;
const T0 = 1_700_000_000_000;

interface Event {
  user: string;
  ts: number;
}

/** Per user, the events of each 10 s event-time window, upserted into `table`; the user is in the value, not the Kafka key. */
const startWorker = (job: string, file: string, output: string[]) => startWorkerProcess(job, file, output, children);

function pipeline(brokers: string, topic: string, table: string) {
  const env = new StreamExecutionEnvironment().enableCheckpointing(300);
  env
    .fromSource(new KafkaSource({ brokers: [brokers], topics: [topic], groupId: `reader-${table}`, valueOnly: true, timestampField: 'ts', fetchMaxWaitMs: 100 }), WatermarkStrategy.noWatermarks<Event>(), 'events')
    .filter((e: Event) => e.user !== '')
    .map((e: Event) => ({ key: e.user, w: Math.floor(e.ts / 10_000) * 10_000, n: 1 }))
    .keyBy((e) => e.key)
    .window(TumblingEventTimeWindows.of(10_000))
    .reduce((a, b) => ({ key: a.key, w: a.w, n: a.n + b.n }))
    .sinkTo(new PostgresSink({ url: PG, table, mode: 'upsert', keyColumns: ['key', 'w'] }));
  return env.getPipeline(`repartition ${table}`);
}

/** Events of seconds [from, to) of event time, in time order. */
function events(from: number, to: number): Event[] {
  const out: Event[] = [];
  for (let s = from; s < to; s++) for (let k = 0; k < KEYS; k++) if ((s * 7 + k) % 3 !== 0) out.push({ user: `u${k}`, ts: T0 + s * 1000 + k });
  return out;
}

let cluster: ApacheKafkaCluster;
let kafka: Kafka;
let db: pg.Client;
const children: ChildProcess[] = [];
const dir = mkdtempSync(path.join(tmpdir(), 'flowbook-repartition-'));

beforeAll(async () => {
  cluster = await sharedApacheKafkaCluster();
  kafka = new Kafka({ clientId: 'repartition-test', brokers: cluster.bootstrap.split(','), logLevel: logLevel.NOTHING });
  db = new pg.Client({ connectionString: PG });
  await db.connect();
}, 150_000);

afterAll(async () => {
  for (const c of children) c.kill('SIGKILL');
  await db?.query(`DROP TABLE IF EXISTS "rp_one_${run}", "rp_many_${run}"`).catch(() => {});
  await db?.query(`DELETE FROM flowbook_checkpoints WHERE job_key = 'scale-out' AND job_name LIKE $1`, [`%-${run}%`]).catch(() => {});
  await db?.end();
  await cluster?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** Round robin over the partitions (no key), in time order within each: the user's events land on every partition. */
async function produce(topic: string, list: Event[]): Promise<void> {
  const producer = kafka.producer();
  await producer.connect();
  await producer.send({ topic, acks: -1, messages: list.map((e, i) => ({ partition: i % PARTITIONS, value: JSON.stringify(e), timestamp: String(e.ts) })) });
  await producer.disconnect();
}

/** One event per source partition after every window: every writer's watermark passes them all. */
const sentinels = (at: number): Event[] => Array.from({ length: PARTITIONS }, (_, p) => ({ user: `end${p}`, ts: at }));

const rowsOf = async (table: string) =>
  (await db.query<{ key: string; w: string; n: number }>(`SELECT key, w::text, n::int FROM "${table}" ORDER BY key, w`).catch(() => ({ rows: [] }))).rows.map((r) => `${r.key}@${Number(r.w) - T0}=${r.n}`);



const generations = (l: string[]) => (l.join('').match(/generation \d+, partitions/g) ?? []).length;

describe('scale-out with a repartition topic: keyBy on a key the source topic is not partitioned by', () => {
  it('3 workers, one killed with -9 mid-run and one started later: the rows of one worker, no window split or counted twice', async () => {
    const topic = `rp-in-${run}`;
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: PARTITIONS, replicationFactor: 3 }], waitForLeaders: true });
    await admin.disconnect();
    const many = `rp_many_${run}`;
    const file = path.join(dir, 'many.pipeline.json');
    writeFileSync(file, JSON.stringify(pipeline(cluster.bootstrap, topic, many)));
    const all = [...events(0, 40), ...events(40, 80), ...events(80, 120)];
    const expected = new Map<string, number>();
    for (const e of all) {
      const k = `${e.user}@${Math.floor((e.ts - T0) / WINDOW) * WINDOW}`;
      expected.set(k, (expected.get(k) ?? 0) + 1);
    }
    const want = [...expected].map(([k, n]) => `${k}=${n}`).sort();

    await produce(topic, events(0, 40));
    const logs: string[][] = [[], [], [], []];
    const job = `many-${run}`;
    const w1 = startWorker(job, file, logs[0]!);
    startWorker(job, file, logs[1]!);
    startWorker(job, file, logs[2]!);
    const dump = () => logs.map((l, i) => `--- worker ${i + 1}\n${l.join('').slice(-6000)}`).join('\n');
    try {
      await until('3 workers with partitions', async () => logs.slice(0, 3).map((l) => /generation \d+, partitions \[[\d, ]*\] of \S+, partitions \[\d/.test(l.join(''))), (v) => v.every(Boolean), 90_000);
      // The workers created the repartition topic with the source's partition count.
      const repartitionTopic = /partitions \[[\d, ]*\] of (flowbook-\S+-repartition)/.exec(logs[1]!.join(''))![1]!;
      const watcher = kafka.admin();
      await watcher.connect();
      expect((await watcher.fetchTopicMetadata({ topics: [repartitionTopic] })).topics[0]!.partitions).toHaveLength(PARTITIONS);
      await watcher.disconnect();
      await until('the first windows', () => rowsOf(many), (r) => r.length >= 100, 60_000);
      const before = generations(logs[1]!) + generations(logs[2]!);
      w1.kill('SIGKILL');
      await produce(topic, events(40, 80));
      await until('the survivors to take all partitions', async () => generations(logs[1]!) + generations(logs[2]!), (n) => n >= before + 2, 60_000);
      startWorker(job, file, logs[3]!);
      await until('the fourth worker to own partitions', async () => generations(logs[3]!), (n) => n >= 1, 60_000);
      await produce(topic, [...events(80, 120), ...sentinels(T0 + 200_000)]);
      const got = await until('every window', () => rowsOf(many), (r) => r.length >= want.length, 90_000);
      // Partitions of both topics moved with their state and offsets, restored from others' checkpoints.
      expect(logs.slice(1).some((l) => /restored .*flowbook-\S+-repartition partition \d+ from checkpoint \d+/.test(l.join('')))).toBe(true);
      expect(got.sort()).toEqual(want);
    } catch (e) {
      throw new Error(`${(e as Error).message}\n${dump()}`, { cause: e });
    }
    // The same input through one worker of another job (its own repartition topic): the same rows.
    const one = `rp_one_${run}`;
    const single = new ScaleOutWorker({ graph: pipeline(cluster.bootstrap, topic, one), jobName: `one-${run}`, checkpointLocation: PG, sessionTimeoutMs: 6000, log: () => {} });
    const running = single.run();
    running.catch(() => {});
    try {
      const alone = await until('one worker', () => rowsOf(one), (r) => r.length >= want.length, 90_000);
      expect(single.assignments.at(-1)!.partitions).toEqual([0, 1, 2, 3, 4, 5]);
      expect(single.assignments.at(-1)!.repartitioned).toEqual([0, 1, 2, 3, 4, 5]);
      expect(alone.sort()).toEqual(want);
    } finally {
      await single.stop();
    }
  }, 300_000);

  it('a writer restored from a checkpoint writes records again: the reader takes each once, and the minimum watermark', async () => {
    const topic = `rp-direct-${run}`;
    await createTopic(kafka, topic, 3);
    const config = { kafka: { brokers: cluster.bootstrap.split(','), fetchMaxWaitMs: 100 }, topic, partitions: 3, maxParallelism: 128, keySelector: toFnSpec((v: { user: string }) => v.user), lingerMs: 5 };
    const sinkCtx: SinkContext = { services: { log: () => {} }, name: 'w', nodeId: 'w', getCurrentProcessingTime: () => Date.now(), checkpointing: true, failJob: (e) => { throw e; } };
    const records = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => ({ user: `u${(from + i) % 10}`, i: from + i }));
    // Writer 0 writes 0..59, is checkpointed after 29 and dies after 59 (records 30..59 written); restored, it writes 30..99.
    const first = new RepartitionWriter({ ...config, writer: 0 });
    await first.open(sinkCtx);
    for (const r of records(0, 30)) first.invoke(r, 1000 + r.i);
    const checkpoint = first.snapshotState();
    for (const r of records(30, 60)) first.invoke(r, 1000 + r.i);
    first.writeWatermark(1059);
    await first.finish();
    await first.close();
    const restored = new RepartitionWriter({ ...config, writer: 0 });
    restored.restoreState(JSON.parse(JSON.stringify(checkpoint)));
    await restored.open(sinkCtx);
    for (const r of records(30, 100)) restored.invoke(r, 1000 + r.i);
    restored.writeWatermark(1099);
    // Writer 1 lags behind: the watermark is its.
    const other = new RepartitionWriter({ ...config, writer: 1 });
    await other.open(sinkCtx);
    other.invoke({ user: 'v', i: -1 }, 500);
    other.writeWatermark(500);
    await Promise.all([restored.finish(), other.finish()]);
    await Promise.all([restored.close(), other.close()]);

    const got: { user: string; i: number }[] = [];
    const watermarks: number[] = [];
    let running = true;
    const ctx = {
      services: {},
      collect: () => {},
      collectWithTimestamp: () => {},
      collectBatch: () => {},
      collectBatchWithTimestamps: (vs: readonly unknown[], _ts: unknown, n?: number) => got.push(...(vs.slice(0, n ?? vs.length) as { user: string; i: number }[])),
      emitWatermark: (w: number) => watermarks.push(w),
      markAsTemporarilyIdle: () => {},
      deadLetter: () => {},
      isRunning: () => running,
      yield: () => Promise.resolve(),
      sleep: (ms: number) => new Promise<void>((r) => setTimeout(r, running ? ms : 0)),
      getCurrentProcessingTime: () => Date.now(),
    } satisfies SourceContext;
    const reader = new RepartitionSource({ ...config, writers: 2 });
    const reading = reader.run(ctx);
    try {
      await until('every record', async () => got.length, (n) => n >= 101, 30_000);
      await until('the watermark', async () => watermarks.at(-1), (w) => w === 500, 10_000);
      await new Promise((r) => setTimeout(r, 500));
      expect(got.filter((r) => r.user !== 'v').map((r) => r.i).sort((a, b) => a - b)).toEqual(records(0, 100).map((r) => r.i));
      expect(got).toHaveLength(101);
      // Each user's records are in the partition of its key group, in the order written.
      const u3 = got.filter((r) => r.user === 'u3').map((r) => r.i);
      expect(u3).toEqual([...u3].sort((a, b) => a - b));
      expect(watermarks.every((w) => w <= 500)).toBe(true);
    } finally {
      running = false;
      reader.cancel();
      await reading;
    }
  }, 60_000);
});
