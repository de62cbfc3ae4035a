// Throughput of a job scaled out on Kafka with 1 and with 2 `flowbook worker` processes, on a real Apache Kafka 4.x
// broker (one KRaft node) and PostgreSQL (the workers' checkpoints). The job: Kafka source (8 partitions, partitioned
// by key group) → keyBy → 10 s event-time window → blackhole sink, checkpointed every 250 ms. Each round is a new job
// (a new consumer group) reading the same N records from the start; rounds alternate 1 and 2 workers.
// Measured from when every worker of the round owns partitions and 20% of the records are committed, to the last
// record committed (a completed checkpoint commits its offsets for monitoring): start-up and the first rebalance are
// not counted. CPU: user + system time of the worker processes over the same span, per record committed in it.
// SCALEOUT_BENCH_REPARTITION=1: the records are produced round robin instead, and the workers split the job at its
// keyBy through a repartition topic (part 1 writes it, part 2 reads it); a round ends when the source is committed to
// its end and the repartition topic's committed offsets have caught up with its end.
// SCALEOUT_BENCH_SINK=kafka-eos runs instead: Kafka source → keyBy → running reduce (one result per record) → KafkaSink
// EXACTLY_ONCE (a transaction per run per checkpoint, transactional.id per owned partition and generation), so every
// record crosses the exactly-once sink.
// Env: SCALEOUT_BENCH_RECORDS (1500000), BENCH_RUNS (3), SCALEOUT_BENCH_REPARTITION, SCALEOUT_BENCH_SINK, PGURL.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Kafka, logLevel } from 'kafkajs';
import pg from 'pg';
import { DeliveryGuarantee, KafkaSink, KafkaSource, StreamExecutionEnvironment, TumblingEventTimeWindows, WatermarkStrategy } from '../src/index.js';
import { partitionForKey } from '../src/scaleout/keyGroupPartitions.js';
import { startApacheKafkaBroker } from '../src/testing/apacheKafkaBroker.js';

const N = Number(process.env.SCALEOUT_BENCH_RECORDS ?? 1_500_000);
const RUNS = Math.max(1, Number(process.env.BENCH_RUNS ?? 3));
const PG = process.env.PGURL ?? 'postgresql://postgres@127.0.0.1:5432/test';
const PARTITIONS = 8;
const REPARTITION = process.env.SCALEOUT_BENCH_REPARTITION === '1';
const KEYS = 2000;
const BIN = fileURLToPath(new URL('../bin/flowbook.mjs', import.meta.url));
const run = Date.now().toString(36);
const topic = `scaleout-bench-${run}`;
const SINK = process.env.SCALEOUT_BENCH_SINK ?? 'blackhole';
if (SINK !== 'blackhole' && SINK !== 'kafka-eos') throw new Error(`SCALEOUT_BENCH_SINK: blackhole or kafka-eos, not ${SINK}`);

// A loaded machine may take minutes to start a broker with the full JIT.
const broker = await startApacheKafkaBroker({ partitions: PARTITIONS, quickStart: false, heapMb: 768, startTimeoutMs: 240_000 });
const kafka = new Kafka({ clientId: 'scaleout-bench', brokers: [broker.bootstrap], logLevel: logLevel.NOTHING });
const admin = kafka.admin();
await admin.connect();
await admin.createTopics({ topics: [{ topic, numPartitions: PARTITIONS }, { topic: `${topic}-out`, numPartitions: PARTITIONS }], waitForLeaders: true });
const producer = kafka.producer();
await producer.connect();
const T0 = 1_700_000_000_000;
for (let sent = 0; sent < N; ) {
  const byPartition = new Map<number, { key: string; value: string; timestamp: string }[]>();
  for (const end = Math.min(N, sent + 20_000); sent < end; sent++) {
    const key = `k${sent % KEYS}`;
    const ts = T0 + sent; // 1,000 records per ms of event time
    const p = REPARTITION ? sent % PARTITIONS : partitionForKey(key, PARTITIONS, 128);
    let list = byPartition.get(p);
    if (list === undefined) byPartition.set(p, (list = []));
    list.push({ key, value: JSON.stringify({ key, ts, amount: sent % 97 }), timestamp: String(ts) });
  }
  await producer.sendBatch({ topicMessages: [...byPartition].map(([partition, messages]) => ({ topic, messages: messages.map((m) => ({ ...m, partition })) })) });
}
await producer.disconnect();

const dir = mkdtempSync(path.join(tmpdir(), 'flowbook-scaleout-bench-'));
const file = path.join(dir, 'job.pipeline.json');
const env = new StreamExecutionEnvironment().enableCheckpointing(250);
type Trade = { key: string; ts: number; amount: number };
const trades = env
  .fromSource(new KafkaSource({ brokers: [broker.bootstrap], topics: [topic], groupId: 'unused', valueOnly: true, timestampField: 'ts' }), WatermarkStrategy.noWatermarks<Trade>(), 'trades')
  .keyBy((t) => t.key);
const sum = (a: Trade, b: Trade): Trade => ({ key: a.key, ts: Math.max(a.ts, b.ts), amount: a.amount + b.amount });
if (SINK === 'blackhole') trades.window(TumblingEventTimeWindows.of(10_000)).reduce(sum).sinkTo({ connector: 'blackhole', config: {} });
else {
  trades
    .reduce(sum)
    .sinkTo(new KafkaSink({ brokers: [broker.bootstrap], topic: `${topic}-out`, keyField: 'key', deliveryGuarantee: DeliveryGuarantee.EXACTLY_ONCE, transactionalIdPrefix: `bench-${run}` }));
}
writeFileSync(file, JSON.stringify(env.getPipeline('scale-out bench')));

/** CPU seconds (user + system) of a process so far, from /proc (clock ticks of 100 Hz). */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** Source records committed; with a repartition topic, only once its committed offsets have reached its end too. */
async function committed(groupId: string): Promise<number> {
  // A group created a moment ago may still be loading on its coordinator: nothing committed yet.
  const topics = await admin.fetchOffsets({ groupId }).catch((e: { retriable?: boolean }) => {
    if (e.retriable) return [];
    throw e;
  });
  const sum = (t: (typeof topics)[number] | undefined) => t?.partitions.reduce((n, p) => n + Math.max(0, Number(p.offset)), 0) ?? 0;
  const source = sum(topics.find((t) => t.topic === topic));
  const repartition = topics.find((t) => t.topic !== topic);
  if (!REPARTITION || source < N) return source;
  if (repartition === undefined) return N - 1;
  const end = (await admin.fetchTopicOffsets(repartition.topic)).reduce((n, p) => n + Number(p.high), 0);
  return sum(repartition) >= end ? source : N - 1;
}

async function round(workers: number, index: number): Promise<{ perSec: number; cpuUsPerRecord: number }> {
  const job = `bench-${run}-${index}`;
  const logs: string[] = Array.from({ length: workers }, () => '');
  const children: ChildProcess[] = [];
  for (let w = 0; w < workers; w++) {
    // Started with the flags the CLI would give itself, so that the process measured is the worker itself.
    const child = spawn(process.execPath, ['--max-semi-space-size=16', '--conditions=development', BIN, 'worker', '--job', job, file, '--checkpoint-dir', PG, '--session-timeout', '6s', ...(REPARTITION ? [] : ['--no-repartition'])], { stdio: ['ignore', 'pipe', 'inherit'] });
    child.stdout!.on('data', (d: Buffer) => (logs[w] += d.toString()));
    children.push(child);
  }
  let startAt = 0;
  let startCount = 0;
  let startCpu = 0;
  const cpu = () => children.reduce((s, c) => s + cpuSeconds(c.pid!), 0);
  for (;;) {
    const n = await committed(`flowbook-${job}`);
    const joined = logs.every((l) => /restored .*partition/.test(l));
    if (startAt === 0 && joined && n >= N * 0.2) {
      startAt = performance.now();
      startCount = n;
      startCpu = cpu();
    }
    if (n >= N) {
      if (startAt === 0) throw new Error('every record was committed before the measurement started: raise SCALEOUT_BENCH_RECORDS');
      break;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const seconds = (performance.now() - startAt) / 1000;
  const cpuUsed = cpu() - startCpu;
  for (const c of children) c.kill('SIGKILL');
  await Promise.all(children.map((c) => new Promise((r) => c.once('exit', r))));
  return { perSec: (N - startCount) / seconds, cpuUsPerRecord: (cpuUsed * 1e6) / (N - startCount) };
}

const results: Record<number, { perSec: number; cpuUsPerRecord: number }[]> = { 1: [], 2: [] };
let index = 0;
for (let r = 0; r < RUNS; r++) {
  for (const workers of r % 2 === 0 ? [1, 2] : [2, 1]) {
    const res = await round(workers, index++);
    results[workers]!.push(res);
    console.log(`round ${r + 1}, ${workers} worker(s): ${Math.round(res.perSec).toLocaleString('en')} records/s, ${res.cpuUsPerRecord.toFixed(2)} µs CPU/record`);
  }
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const ratios = results[2]!.map((x, i) => (x.perSec / results[1]![i]!.perSec).toFixed(2));
console.log(`\n${SINK}: ${N.toLocaleString('en')} records, ${PARTITIONS} partitions${REPARTITION ? ', through a repartition topic' : ''}, ${RUNS} rounds; load average ${(await import('node:os')).loadavg().map((l) => l.toFixed(1)).join(' ')}`);
console.log(`1 worker : median ${Math.round(median(results[1]!.map((x) => x.perSec))).toLocaleString('en')} records/s, ${median(results[1]!.map((x) => x.cpuUsPerRecord)).toFixed(2)} µs CPU/record`);
console.log(`2 workers: median ${Math.round(median(results[2]!.map((x) => x.perSec))).toLocaleString('en')} records/s, ${median(results[2]!.map((x) => x.cpuUsPerRecord)).toFixed(2)} µs CPU/record`);
console.log(`2 / 1 per round: ${ratios.join(', ')}`);

await admin.disconnect();
const db = new pg.Client({ connectionString: PG });
await db.connect();
await db.query(`DELETE FROM flowbook_checkpoints WHERE job_key = 'scale-out' AND job_name LIKE $1`, [`bench-${run}-%`]);
await db.end();
await broker.stop();
rmSync(dir, { recursive: true, force: true });
