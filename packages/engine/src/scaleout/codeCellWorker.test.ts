import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Kafka, logLevel } from 'kafkajs';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApacheKafkaBroker } from '../testing/apacheKafkaBroker.js';
import { createTopic } from '../testing/kafkaTopics.js';
import { sharedApacheKafkaBroker } from '../testing/sharedKafkaBroker.js';
import { describeJobWorkers } from './describeJobWorkers.js';
import { keyGroupsOfPartition, partitionForKey } from './keyGroupPartitions.js';
import { migrateGraph } from '../graph/migrateGraph.js';
import { StreamExecutionEnvironment, KafkaSource, WatermarkStrategy, PostgresSink } from '../index.js';

// The PostgreSQL of the test machine (trust auth, database `test`); PGURL overrides.
const PG = process.env.PGURL ?? 'postgresql://postgres@127.0.0.1:5432/test';
const BIN = fileURLToPath(new URL('../../bin/flowbook.mjs', import.meta.url));
const run = `${Date.now().toString(36)}${process.pid}`;
const PARTITIONS = 4;
const KEYS = 40;

let broker: ApacheKafkaBroker;
let kafka: Kafka;
let db: pg.Client;
const children: ChildProcess[] = [];
const dir = mkdtempSync(path.join(tmpdir(), 'flowbook-cellworker-'));
const table = `so_cell_${run}`;
const topic = `cell-worker-${run}`;
const job = `cell-${run}`;

/** A code cell as users write it: a keyed running count per key, upserted into PostgreSQL. */
const cellSource = (brokers: string) => `
import { KafkaSource, PostgresSink, StreamExecutionEnvironment, WatermarkStrategy } from '@flowbook/engine';
const env = StreamExecutionEnvironment.getExecutionEnvironment().enableCheckpointing(300);
env
  .fromSource(new KafkaSource({ brokers: [${JSON.stringify(brokers)}], topics: [${JSON.stringify(topic)}], groupId: 'unused', valueOnly: true, fetchMaxWaitMs: 100 }), WatermarkStrategy.noWatermarks<{ key: string }>(), 'events')
  .map((e: { key: string }) => ({ key: e.key, n: 1 }))
  .keyBy((e) => e.key)
  .reduce((a, b) => ({ key: a.key, n: a.n + b.n }))
  .sinkTo(new PostgresSink({ url: ${JSON.stringify(PG)}, table: ${JSON.stringify(table)}, mode: 'upsert', keyColumns: ['key'] }));
await env.execute('counts');
`;

beforeAll(async () => {
  broker = await sharedApacheKafkaBroker();
  kafka = new Kafka({ clientId: 'cell-worker-test', brokers: [broker.bootstrap], logLevel: logLevel.NOTHING });
  await createTopic(kafka, topic, PARTITIONS);
  db = new pg.Client({ connectionString: PG });
  await db.connect();
}, 300_000);

afterAll(async () => {
  for (const c of children) c.kill('SIGKILL');
  await db?.query(`DROP TABLE IF EXISTS "${table}"`).catch(() => {});
  await db?.query(`DELETE FROM flowbook_checkpoints WHERE job_key = 'scale-out' AND job_name = $1`, [job]).catch(() => {});
  await db?.end();
  await broker?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function until<T>(what: string, get: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 60_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await get();
    if (ok(v)) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(v).slice(0, 300)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

function startWorker(file: string, output: string[]): ChildProcess {
  const child = spawn(process.execPath, ['--conditions=development', BIN, 'worker', '--job', job, file, '--cell', 'counts', '--checkpoint-dir', PG, '--session-timeout', '6s'], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.on('data', (d: Buffer) => output.push(d.toString()));
  child.stderr!.on('data', (d: Buffer) => output.push(d.toString()));
  children.push(child);
  return child;
}

describe('a TypeScript code cell as a scale-out worker', () => {
  it('two workers run the graph the cell builds, split the partitions, and Kafka and the checkpoints describe them', async () => {
    const file = path.join(dir, 'cell.flowbook.json');
    writeFileSync(file, JSON.stringify({ version: 1, title: 'cell worker', cells: [{ id: 'counts', type: 'code', language: 'typescript', source: cellSource(broker.bootstrap) }] }));
    const logs: string[][] = [[], []];
    const workers = logs.map((l) => startWorker(file, l));
    const owning = (l: string[]) => /generation \d+, partitions \[\d/.test(l.join(''));
    await until('both workers to own partitions', async () => logs.map(owning), (v) => v.every(Boolean), 90_000).catch((e: Error) => {
      throw new Error(`${e.message}\n${logs.map((l, i) => `--- worker ${i + 1}\n${l.join('')}`).join('\n')}`);
    });

    // Records keyed by key group, so each key's count lives with the worker that owns its partition.
    const producer = kafka.producer();
    await producer.connect();
    const sent = Array.from({ length: KEYS * 5 }, (_, i) => `k${i % KEYS}`);
    await producer.send({ topic, acks: -1, messages: sent.map((key) => ({ key, partition: partitionForKey(key, PARTITIONS, 128), value: JSON.stringify({ key }) })) });
    await producer.disconnect();
    const rows = async () => (await db.query<{ key: string; n: number }>(`SELECT key, n::int FROM "${table}"`).catch(() => ({ rows: [] }))).rows;
    const got = await until('every key counted 5 times', rows, (r) => r.length === KEYS && r.every((x) => x.n === 5), 60_000);
    expect(got).toHaveLength(KEYS);

    // The group's members are the two workers, their partitions all of the topic's, each partition checkpointed.
    const graph = (() => {
      const env = new StreamExecutionEnvironment().enableCheckpointing(300);
      env.fromSource(new KafkaSource({ brokers: [broker.bootstrap], topics: [topic], groupId: 'unused', valueOnly: true }), WatermarkStrategy.noWatermarks(), 'events').sinkTo(new PostgresSink({ url: PG, table, mode: 'upsert', keyColumns: ['key'] }));
      return migrateGraph(env.getPipeline('counts'));
    })();
    const described = await until(
      'two members and a checkpoint of every partition',
      () => describeJobWorkers({ jobName: job, graph, checkpointLocation: PG }),
      (d) => d.workers.length === 2 && d.partitions.every((p) => p.owner !== null && p.checkpoint !== null),
      30_000,
    );
    expect(described.group).toBe(`flowbook-${job}`);
    expect(described.workers.flatMap((w) => w.partitions).sort()).toEqual([0, 1, 2, 3]);
    expect(described.workers.every((w) => w.partitions.length === 2)).toBe(true);
    expect(described.partitions.map((p) => p.keyGroups)).toEqual([0, 1, 2, 3].map((p) => keyGroupsOfPartition(p, PARTITIONS, 128)));

    const exits = workers.map((w) => new Promise<number | null>((resolve) => w.once('exit', resolve)));
    for (const w of workers) w.kill('SIGTERM');
    expect(await Promise.all(exits)).toEqual([0, 0]);
  }, 240_000);

  it('fails a cell that builds no job', async () => {
    const file = path.join(dir, 'nojob.flowbook.json');
    writeFileSync(file, JSON.stringify({ version: 1, title: 'no job', cells: [{ id: 'counts', type: 'code', language: 'typescript', source: 'const x: number = 1;\nconsole.log(x);' }] }));
    const out: string[] = [];
    const child = startWorker(file, out);
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).not.toBe(0);
    expect(out.join('')).toMatch(/cell counts: the cell built no job/);
  }, 60_000);
});
