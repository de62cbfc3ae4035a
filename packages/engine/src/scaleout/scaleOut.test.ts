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
import { keyGroupsOfPartition, partitionForKey } from './keyGroupPartitions.js';
import { ScaleOutWorker } from './ScaleOutWorker.js';
import { PG_URL, produceByKeyGroup, startWorkerProcess, until } from '../testing/workerProcesses.js';

// The PostgreSQL of the test machine (trust auth, database `test`); PGURL overrides.
const PG = PG_URL;
const run = `${Date.now().toString(36)}${process.pid}`;
const PARTITIONS = 6;
const MAX_PARALLELISM = 128;
const KEYS = 48;
const WINDOW = 10_000;
const T0 = 1_700_000_000_000;

interface Event {
  key: string;
  ts: number;
}

/** The job every worker runs: per key, the events of each 10 s event-time window, upserted into `table`. */
const startWorker = (job: string, file: string, output: string[]) => startWorkerProcess(job, file, output, children, ['--no-repartition']);

function pipeline(brokers: string, topic: string, table: string) {
  const env = new StreamExecutionEnvironment().enableCheckpointing(300);
  env
    .fromSource(new KafkaSource({ brokers: [brokers], topics: [topic], groupId: `reader-${table}`, valueOnly: true, timestampField: 'ts', fetchMaxWaitMs: 100 }), WatermarkStrategy.noWatermarks<Event>(), 'events')
    .map((e: Event) => ({ key: e.key, w: Math.floor(e.ts / 10_000) * 10_000, n: 1 }))
    .keyBy((e) => e.key)
    .window(TumblingEventTimeWindows.of(10_000))
    .reduce((a, b) => ({ key: a.key, w: a.w, n: a.n + b.n }))
    .sinkTo(new PostgresSink({ url: PG, table, mode: 'upsert', keyColumns: ['key', 'w'] }));
  return env.getPipeline(`scale-out ${table}`);
}

/** Events of seconds [from, to) of event time: every key now and then, in time order within each partition. */
function events(from: number, to: number): Event[] {
  const out: Event[] = [];
  for (let s = from; s < to; s++) for (let k = 0; k < KEYS; k++) if ((s * 7 + k) % 3 !== 0) out.push({ key: `k${k}`, ts: T0 + s * 1000 + k });
  return out;
}

let cluster: ApacheKafkaCluster;
let kafka: Kafka;
let db: pg.Client;
const children: ChildProcess[] = [];
const dir = mkdtempSync(path.join(tmpdir(), 'flowbook-scaleout-'));

beforeAll(async () => {
  cluster = await sharedApacheKafkaCluster();
  kafka = new Kafka({ clientId: 'scale-out-test', brokers: cluster.bootstrap.split(','), logLevel: logLevel.NOTHING });
  db = new pg.Client({ connectionString: PG });
  await db.connect();
}, 150_000);

afterAll(async () => {
  for (const c of children) c.kill('SIGKILL');
  await db?.query(`DROP TABLE IF EXISTS "so_one_${run}", "so_many_${run}", "so_wrong_${run}"`).catch(() => {});
  await db?.query(`DELETE FROM flowbook_checkpoints WHERE job_key = 'scale-out' AND job_name LIKE $1`, [`%-${run}`]).catch(() => {});
  await db?.end();
  await cluster?.stop();
  rmSync(dir, { recursive: true, force: true });
});


/** A key of each partition with a time after every window: the watermark of every partition passes all windows. */
function sentinels(at: number): Event[] {
  const out: Event[] = [];
  for (let p = 0, i = 0; p < PARTITIONS; i++) if (partitionForKey(`end${i}`, PARTITIONS, MAX_PARALLELISM) === p) (out.push({ key: `end${i}`, ts: at }), p++);
  return out;
}

const rowsOf = async (table: string) =>
  (await db.query<{ key: string; w: string; n: number }>(`SELECT key, w::text, n::int FROM "${table}" ORDER BY key, w`).catch(() => ({ rows: [] }))).rows.map((r) => `${r.key}@${Number(r.w) - T0}=${r.n}`);



describe('scale-out on Kafka: workers of one job in a consumer group', () => {
  it('maps partitions of a key-group-partitioned topic to disjoint key-group ranges covering all key groups', () => {
    const ranges = Array.from({ length: PARTITIONS }, (_, p) => keyGroupsOfPartition(p, PARTITIONS, MAX_PARALLELISM));
    expect(ranges[0]!.start).toBe(0);
    expect(ranges.at(-1)!.end).toBe(MAX_PARALLELISM - 1);
    for (let p = 1; p < PARTITIONS; p++) expect(ranges[p]!.start).toBe(ranges[p - 1]!.end + 1);
  });

  it('without repartition, fails a worker whose input is not partitioned by key group, rather than checkpoint without that state', async () => {
    const topic = `scale-wrong-${run}`;
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: PARTITIONS, replicationFactor: 3 }], waitForLeaders: true });
    await admin.disconnect();
    const graph = pipeline(cluster.bootstrap, topic, `so_wrong_${run}`);
    const workers = [0, 1].map(() => new ScaleOutWorker({ graph, jobName: `wrong-${run}`, checkpointLocation: PG, sessionTimeoutMs: 6000, repartition: false, log: () => {} }));
    try {
      const outcome = Promise.race(workers.map((w) => w.run().then(() => 'stopped', (e: Error) => e.message)));
      // Once each owns half the partitions, records keyed by Kafka's default partitioner (murmur2), not by key group.
      await until('two workers with 3 partitions each', async () => workers.map((w) => w.assignments.at(-1)?.partitions.length), (n) => n.every((x) => x === 3), 30_000);
      const producer = kafka.producer();
      await producer.connect();
      await producer.send({ topic, messages: events(0, 20).map((e) => ({ key: e.key, value: JSON.stringify(e), timestamp: String(e.ts) })) });
      await producer.disconnect();
      expect(await outcome).toMatch(/keyed state of key groups that none of this worker's partitions of "scale-wrong-\w+" holds/);
    } finally {
      await Promise.all(workers.map((w) => w.stop()));
    }
  }, 60_000);

  it('3 workers, one killed with -9 mid-run, one started later and one stopped: the rows one worker writes', async () => {
    const topic = `scale-in-${run}`;
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: PARTITIONS, replicationFactor: 3 }], waitForLeaders: true });
    await admin.disconnect();
    const many = `so_many_${run}`;
    const file = path.join(dir, 'many.pipeline.json');
    writeFileSync(file, JSON.stringify(pipeline(cluster.bootstrap, topic, many)));
    const all = [...events(0, 40), ...events(40, 80), ...events(80, 120)];
    const expected = new Map<string, number>();
    for (const e of all) {
      const k = `${e.key}@${Math.floor((e.ts - T0) / WINDOW) * WINDOW}`;
      expected.set(k, (expected.get(k) ?? 0) + 1);
    }
    const want = [...expected].map(([k, n]) => `${k}=${n}`).sort();

    await produceByKeyGroup(kafka, topic, events(0, 40), PARTITIONS, MAX_PARALLELISM);
    const logs: string[][] = [[], [], [], []];
    const job = `many-${run}`;
    const w1 = startWorker(job, file, logs[0]!);
    const w2 = startWorker(job, file, logs[1]!);
    startWorker(job, file, logs[2]!);
    // Each worker owns partitions (the group spread them over the three) and windows were written.
    await until('3 workers with partitions', async () => logs.slice(0, 3).map((l) => /generation \d+, partitions \[\d/.test(l.join(''))), (v) => v.every(Boolean), 90_000);
    await until('the first windows', () => rowsOf(many), (r) => r.length >= 100, 60_000);
    const generations = (l: string[]) => (l.join('').match(/generation \d+, partitions \[\d/g) ?? []).length;
    const before = generations(logs[1]!) + generations(logs[2]!);
    w1.kill('SIGKILL');
    await produceByKeyGroup(kafka, topic, events(40, 80), PARTITIONS, MAX_PARALLELISM);
    // After the session timeout the group gives the killed worker's partitions to the two others.
    await until('the survivors to take all partitions', async () => generations(logs[1]!) + generations(logs[2]!), (n) => n >= before + 2, 60_000);
    startWorker(job, file, logs[3]!);
    await until('the fourth worker to own partitions', async () => generations(logs[3]!), (n) => n >= 1, 60_000);
    // Scaled down gracefully: a stopped worker leaves the group, and the others take its partitions without waiting
    // for the session timeout.
    const stillThere = generations(logs[2]!) + generations(logs[3]!);
    const exited = new Promise<number | null>((resolve) => w2.once('exit', resolve));
    w2.kill('SIGTERM');
    expect(await exited).toBe(0);
    await until('the two others to take its partitions', async () => generations(logs[2]!) + generations(logs[3]!), (n) => n >= stillThere + 2, 20_000);
    await produceByKeyGroup(kafka, topic, [...events(80, 120), ...sentinels(T0 + 200_000)], PARTITIONS, MAX_PARALLELISM);
    // A failure shows what each worker logged (generations, partitions, restores, progress).
    const got = await until('every window', () => rowsOf(many), (r) => r.length >= want.length, 90_000).catch((e: Error) => {
      throw new Error(`${e.message}\n${logs.map((l, i) => `--- worker ${i + 1}\n${l.join('')}`).join('\n')}`);
    });
    // Partitions moved with their state: the workers that took them restored them from the checkpoints of others.
    expect(logs.slice(2).every((l) => /restored partition \d+ from checkpoint \d+/.test(l.join('')))).toBe(true);
    expect(got.sort()).toEqual(want);
    // Completed checkpoints commit the owners' offsets to the group (for monitoring): every partition up to its end.
    const watcher = kafka.admin();
    await watcher.connect();
    try {
      const ends = Object.fromEntries((await watcher.fetchTopicOffsets(topic)).map((p) => [p.partition, p.high]));
      const committed = async () => Object.fromEntries((await watcher.fetchOffsets({ groupId: `flowbook-${job}`, topics: [topic] }))[0]!.partitions.map((p) => [p.partition, p.offset]));
      await until('the group offsets at the end', committed, (c) => JSON.stringify(c) === JSON.stringify(ends), 30_000);
    } finally {
      await watcher.disconnect();
    }

    // The same input through one worker of another job: the same rows.
    const one = `so_one_${run}`;
    const single = new ScaleOutWorker({ graph: pipeline(cluster.bootstrap, topic, one), jobName: `one-${run}`, checkpointLocation: PG, sessionTimeoutMs: 6000, repartition: false, log: () => {} });
    const running = single.run();
    running.catch(() => {});
    try {
      const alone = await until('one worker', () => rowsOf(one), (r) => r.length >= want.length, 60_000);
      expect(single.assignments.at(-1)!.partitions).toEqual([0, 1, 2, 3, 4, 5]);
      expect(alone.sort()).toEqual(got);
    } finally {
      await single.stop();
    }
  }, 240_000);
});
