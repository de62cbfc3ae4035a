// KafkaSink EXACTLY_ONCE on a real Apache Kafka broker (KRaft, jars from Maven Central): kcat's mock cluster has no
// transactions. One broker for the file; each test has its own topics and transactional ids.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CheckpointCoordinator } from '../../checkpoint/CheckpointCoordinator.js';
import { FsCheckpointStorage } from '../../checkpoint/CheckpointStorage.js';
import { executeGraph, RestartStrategies, StreamExecutionEnvironment, TumblingEventTimeWindows, type Job, type JobSnapshot, type RestartInfo } from '../../index.js';
import type { ApacheKafkaBroker } from '../../testing/apacheKafkaBroker.js';
import { createTopic } from '../../testing/kafkaTopics.js';
import { readTransactionalLog } from '../../testing/transactionalLogReader.js';
import { sharedApacheKafkaBroker } from '../../testing/sharedKafkaBroker.js';
import { getConnector, registerConnector } from '../registry.js';
import type { SinkContext, SourceContext, SourceFunction } from '../SourceFunction.js';
import { DeliveryGuarantee, kafkaConnector, KafkaSink, KafkaTransactionalSinkWriter } from './index.js';

if (getConnector('kafka') === undefined) registerConnector(kafkaConnector);

let broker: ApacheKafkaBroker | undefined;
let kafka: Kafka;
let seq = 0;
const unique = (name: string) => `${name}-${process.pid}-${++seq}`;

beforeAll(async () => {
  broker = await sharedApacheKafkaBroker();
  kafka = new Kafka({ clientId: 'eos-test', brokers: [broker.bootstrap], logLevel: logLevel.NOTHING });
}, 300_000); // the first run on a machine fetches the broker's jars from Maven Central

afterAll(async () => {
  await broker?.stop();
});

async function waitFor(what: string, cond: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const reader = (topic: string) => readTransactionalLog(broker!.bootstrap, topic, unique('raw-reader'));

/** How far the sensor source may read: the tests open it step by step. */
const gate = { open: Number.POSITIVE_INFINITY };

interface Reading {
  sensor: string;
  value: number;
}

/** Reading i at event time i·100 ms for sensor s(i mod 3), a watermark every 10, paced so checkpoints fall between. */
class Readings implements SourceFunction<Reading> {
  running = true;
  next = 0;
  constructor(readonly count: number) {}
  async run(ctx: SourceContext<Reading>): Promise<void> {
    while (this.running && this.next < this.count) {
      if (this.next >= gate.open) {
        await ctx.sleep(5);
        continue;
      }
      const i = this.next++;
      ctx.collectWithTimestamp({ sensor: `s${i % 3}`, value: i }, i * 100);
      if (i % 10 === 9) {
        ctx.emitWatermark(i * 100);
        await ctx.sleep(2);
      }
    }
  }
  cancel(): void {
    this.running = false;
  }
  snapshotState(): number {
    return this.next;
  }
  restoreState(state: unknown): void {
    this.next = state as number;
  }
}

const COUNT = 600;
/** Per sensor and 1 s window: `s0@3000=…` with the sum of its values. */
function expectedResults(count: number): string[] {
  const sums = new Map<string, number>();
  for (let i = 0; i < count; i++) {
    const k = `s${i % 3}@${Math.floor((i * 100) / 1000) * 1000}`;
    sums.set(k, (sums.get(k) ?? 0) + i);
  }
  return [...sums].map(([k, s]) => `${k}=${s}`).sort();
}

function windowedJob(topic: string, prefix: string, sinkParallelism = 1, restarts = 3) {
  const env = new StreamExecutionEnvironment();
  env.setRestartStrategy(restarts > 0 ? RestartStrategies.fixedDelayRestart(restarts, 10) : RestartStrategies.noRestart()).enableCheckpointing(60_000);
  env
    .addSource(new Readings(COUNT), 'readings')
    .keyBy((r) => r.sensor)
    .window(TumblingEventTimeWindows.of(1000))
    .aggregate(
      { createAccumulator: () => 0, add: (r: Reading, acc: number) => acc + r.value, getResult: (acc: number) => acc },
      {
        process(key: string, ctx: { window: { start: number } }, sums: Iterable<number>, out: { collect(v: string): void }) {
          for (const s of sums) out.collect(`${key}@${ctx.window.start}=${s}`);
        },
      },
    )
    .sinkTo(
      KafkaSink.builder<string>()
        .setBootstrapServers(broker!.bootstrap)
        .setTopic(topic)
        .setFormat('string')
        .setKeySelector((v) => v.split('@')[0])
        .setBatching(50, 0)
        .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
        .setTransactionalIdPrefix(prefix)
        .setProperty('logLevel', 'nothing')
        .build(),
    )
    .setParallelism(sinkParallelism);
  return env.getPipeline('eos');
}

/** Runs the job as a host does: a checkpoint coordinator per attempt, restarts from the latest completed checkpoint. */
function runWithCheckpoints(graph: ReturnType<typeof windowedJob>, intervalMs: number | undefined, restoreFrom?: JobSnapshot) {
  const storage = new FsCheckpointStorage(mkdtempSync(path.join(tmpdir(), 'flowbook-eos-')), 3);
  const coordinators: CheckpointCoordinator[] = [];
  const restarts: RestartInfo[] = [];
  const nextId = () => Math.max(0, ...coordinators.flatMap((c) => c.history.map((h) => h.id))) + 1;
  const client = executeGraph(graph, 'eos', {
    onJobSubmitted: (job: Job) => {
      coordinators.forEach((c) => void c.stop());
      const c = new CheckpointCoordinator(job, storage, { intervalMs: intervalMs ?? 60_000 }, nextId());
      coordinators.push(c);
      if (intervalMs !== undefined) c.start();
    },
    onRestart: (info) => restarts.push(info),
    latestCheckpoint: () => storage.latest(),
    ...(restoreFrom ? { jobOptions: () => ({ restoreFrom }) } : {}),
  });
  return { client, coordinators, restarts, storage };
}

describe('KafkaSink EXACTLY_ONCE (real Apache Kafka)', () => {
  it('needs a transactional id prefix, as Flink\'s builder does; at least once stays the default', () => {
    expect(() => KafkaSink.builder().setBootstrapServers('b:9092').setTopic('t').setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE).build()).toThrow(
      /transactionalIdPrefix: exactly-once needs "transactionalIdPrefix"/,
    );
    expect(kafkaConnector.createSink!({ brokers: ['b:9092'], topic: 't' })).not.toBeInstanceOf(KafkaTransactionalSinkWriter);
    expect(kafkaConnector.createSink!({ brokers: ['b:9092'], topic: 't', deliveryGuarantee: 'exactly-once', transactionalIdPrefix: 'p' })).toBeInstanceOf(KafkaTransactionalSinkWriter);
  });

  it('a windowed job with checkpoints and 2 sink subtasks: a read_committed reader sees each result exactly once', { timeout: 60_000 }, async () => {
    const topic = unique('eos-clean');
    await createTopic(kafka, topic, 2);
    const log = await reader(topic);
    const prefix = unique('clean');
    try {
      gate.open = Number.POSITIVE_INFINITY;
      const { client, coordinators, restarts } = runWithCheckpoints(windowedJob(topic, prefix, 2), 30);
      expect((await client.getJobExecutionResult()).status).toBe('finished');
      expect(restarts.map((r) => String(r.error))).toEqual([]);
      await Promise.all(coordinators.map((c) => c.stop()));
      // Results were committed in several transactions, one per completed checkpoint, and the last at the end of input.
      expect(coordinators[0]!.history.filter((h) => h.status === 'completed').length).toBeGreaterThanOrEqual(2);
      const expected = expectedResults(COUNT);
      await waitFor('every result', () => log.committed().length >= expected.length);
      await new Promise((r) => setTimeout(r, 300));
      expect([...log.committed()].sort()).toEqual(expected);
      // Each sink subtask wrote with its own transactional id: both committed their markers, the last at the end of input.
      const admin = kafka.admin();
      await admin.connect();
      try {
        for (const subtask of [0, 1]) {
          const [offsets] = await admin.fetchOffsets({ groupId: `${prefix}-${subtask}`, topics: [topic] });
          expect(offsets!.partitions.find((p) => p.partition === 0)?.offset).toBe(String(Number.MAX_SAFE_INTEGER));
        }
      } finally {
        await admin.disconnect();
      }
    } finally {
      await log.stop();
    }
  });

  it('a failure mid-run restarts from the checkpoint: read_committed sees each result once, read_uncommitted the aborted duplicates too', { timeout: 60_000 }, async () => {
    const topic = unique('eos-restart');
    await createTopic(kafka, topic, 2);
    const log = await reader(topic);
    try {
      // Readings 0..199: windows 0..18 fire (19 windows × 3 sensors), in the transaction of checkpoint 1.
      gate.open = 200;
      const { client, coordinators, restarts } = runWithCheckpoints(windowedJob(topic, unique('restart')), undefined);
      await waitFor('the first 57 results written (uncommitted)', () => log.uncommitted().length >= 57);
      expect(log.committed()).toHaveLength(0);
      expect((await coordinators[0]!.trigger())?.status).toBe('completed');
      await waitFor('checkpoint 1 committed', () => log.committed().length >= 57);
      // Readings 200..399: 60 more results, written in the next transaction, which the failure aborts.
      gate.open = 400;
      await waitFor('60 more results written (uncommitted)', () => log.uncommitted().length >= 117);
      expect(log.committed()).toHaveLength(57);
      gate.open = Number.POSITIVE_INFINITY;
      client.job.fail(new Error('injected failure'));
      expect((await client.getJobExecutionResult()).status).toBe('finished');
      expect(restarts).toHaveLength(1);
      expect(restarts[0]!.restoreCheckpointId).toBe(1);

      const expected = expectedResults(COUNT);
      await waitFor('every result committed', () => log.committed().length >= expected.length);
      // Read_uncommitted: the 60 aborted results and the 123 written after the restore (windows 19..59) besides the 57.
      await waitFor('everything written', () => log.uncommitted().length >= 57 + 60 + 123);
      await new Promise((r) => setTimeout(r, 300));
      expect([...log.committed()].sort()).toEqual(expected);
      expect(log.uncommitted()).toHaveLength(240);
      const dupes = log.uncommitted().filter((v, i) => log.uncommitted().indexOf(v) !== i);
      expect(dupes).toHaveLength(60);
      expect(new Set(log.uncommitted())).toEqual(new Set(expected));
    } finally {
      await log.stop();
      gate.open = Number.POSITIVE_INFINITY;
    }
  });

  it('restored at sink parallelism 1 from a checkpoint of parallelism 2: each result once for read_committed', { timeout: 60_000 }, async () => {
    const topic = unique('eos-rescale');
    await createTopic(kafka, topic, 2);
    const prefix = unique('rescale');
    const log = await reader(topic);
    try {
      gate.open = 200;
      const first = runWithCheckpoints(windowedJob(topic, prefix, 2, 0), undefined);
      await waitFor('the first 57 results written (uncommitted)', () => log.uncommitted().length >= 57);
      expect((await first.coordinators[0]!.trigger())?.status).toBe('completed');
      await waitFor('checkpoint 1 committed by both subtasks', () => log.committed().length >= 57);
      gate.open = 400;
      await waitFor('60 more results written (uncommitted)', () => log.uncommitted().length >= 117);
      first.client.job.fail(new Error('injected failure'));
      await expect(first.client.getJobExecutionResult()).rejects.toThrow('injected failure');
      const snapshot = (await first.storage.latest())!;
      expect(snapshot.parallelism).toMatchObject({ [Object.keys(snapshot.parallelism ?? {})[0]!]: 2 });

      // The same job at sink parallelism 1: its subtask takes over ids <prefix>-0 and <prefix>-1.
      gate.open = Number.POSITIVE_INFINITY;
      const second = runWithCheckpoints(windowedJob(topic, prefix, 1), undefined, snapshot);
      expect((await second.client.getJobExecutionResult()).status).toBe('finished');
      const expected = expectedResults(COUNT);
      await waitFor('every result committed', () => log.committed().length >= expected.length);
      await waitFor('everything written', () => log.uncommitted().length >= 240);
      await new Promise((r) => setTimeout(r, 300));
      expect([...log.committed()].sort()).toEqual(expected);
      expect(log.uncommitted()).toHaveLength(240);
    } finally {
      await log.stop();
      gate.open = Number.POSITIVE_INFINITY;
    }
  });

  it('a restore writes a completed checkpoint\'s uncommitted transaction once, fences the old writer, and at another parallelism aborts a vanished subtask\'s transaction', { timeout: 60_000 }, async () => {
    const topic = unique('eos-recover');
    await createTopic(kafka, topic, 1);
    const prefix = unique('recover');
    const log = await reader(topic);
    const failures: unknown[] = [];
    const ctx = (subtaskIndex: number, parallelism: number): SinkContext => ({
      services: { log: () => {} },
      name: 'kafka',
      nodeId: 'sink',
      getCurrentProcessingTime: () => Date.now(),
      checkpointing: true,
      failJob: (e) => failures.push(e),
      subtaskIndex,
      parallelism,
    });
    const config = { brokers: [broker!.bootstrap], topic, format: 'string', lingerMs: 0, deliveryGuarantee: 'exactly-once', transactionalIdPrefix: prefix, logLevel: 'nothing' };
    try {
      const a = new KafkaTransactionalSinkWriter(config);
      await a.open(ctx(0, 1));
      for (const v of ['x1', 'x2', 'x3']) a.invoke(v, 0);
      a.snapshotState(1);
      for (const v of ['y1', 'y2']) a.invoke(v, 0);
      const s2 = a.snapshotState(2);
      await a.notifyCheckpointComplete(1);
      // Checkpoint 2 completed, but the process dies before its commit: its transaction is open, its records sent.
      await waitFor('y1, y2 sent in the open transaction', () => log.uncommitted().length >= 5);
      expect([...log.committed()].sort()).toEqual(['x1', 'x2', 'x3']);

      const b = new KafkaTransactionalSinkWriter(config);
      await b.open(ctx(0, 1));
      await b.restoreState(s2);
      await waitFor('checkpoint 2 written again and committed', () => log.committed().length >= 5);
      // The old writer is fenced: its late commit fails.
      await expect(a.notifyCheckpointComplete(2)).rejects.toThrow(/epoch|fenced|transactional/i);
      await a.close();
      // A second restore of the same checkpoint (another failure before the next one) writes nothing again.
      const c = new KafkaTransactionalSinkWriter(config);
      await c.open(ctx(0, 1));
      await c.restoreState(s2);
      c.invoke('z', 0);
      await c.finish();
      await c.close();
      // A checkpoint taken while the job drains its sinks (after close) holds nothing to commit, and its completion is ignored.
      expect(c.snapshotState(9).pending).toEqual([]);
      await c.notifyCheckpointComplete(9);
      await b.close();
      await waitFor('z committed', () => log.committed().includes('z'));

      // Parallelism 3 → 2: subtask 2 vanished with a transaction open (records sent, never committed), which holds back
      // read_committed readers of its partition (the last stable offset) until it ends...
      const ghost = kafka.producer({ transactionalId: `${prefix}-2`, idempotent: true, maxInFlightRequests: 1 });
      await ghost.connect();
      const ghostTxn = await ghost.transaction();
      await ghostTxn.send({ topic, messages: [{ value: 'ghost' }] });
      // ...so new subtask 0, which takes over old ids 0 and 2, aborts it while restoring.
      const states = [0, 1, 2].map((j) => ({ transactionalIdPrefix: 'old', transactionalId: `${prefix}-${j}`, pending: [] }));
      const d = new KafkaTransactionalSinkWriter(config);
      await d.open(ctx(0, 2));
      await d.restoreRescaledState(states, 0);
      d.invoke('after', 0);
      await d.finish();
      await d.close();
      await waitFor('the record after the vanished transaction', () => log.committed().includes('after'));
      await expect(ghostTxn.commit()).rejects.toThrow();
      await ghost.disconnect();
      // The ghost's transaction ended with an abort marker, written before the new subtask's first record.
      const raw = log.records();
      const ghostRecord = raw.find((r) => r.value === 'ghost')!;
      const abort = raw.find((r) => r.producerId === ghostRecord.producerId && r.marker === false);
      expect(abort).toBeDefined();
      expect(abort!.offset).toBeLessThan(raw.find((r) => r.value === 'after')!.offset);

      await new Promise((r) => setTimeout(r, 300));
      expect([...log.committed()].sort()).toEqual(['after', 'x1', 'x2', 'x3', 'y1', 'y2', 'z']);
      // What read_uncommitted saw: y1, y2 twice (aborted, then written again), and the ghost.
      expect([...log.uncommitted()].sort()).toEqual(['after', 'ghost', 'x1', 'x2', 'x3', 'y1', 'y1', 'y2', 'y2', 'z']);
      expect(failures.length).toBeGreaterThan(0); // the fenced writer failed its job
    } finally {
      await log.stop();
    }
  });
});
