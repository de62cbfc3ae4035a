import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Kafka } from 'kafkajs';
import { partitionForKey } from '../scaleout/keyGroupPartitions.js';

/** The PostgreSQL of the test machine (trust auth, database `test`): the checkpoints every worker of a job shares. */
export const PG_URL = process.env.PGURL ?? 'postgresql://postgres@127.0.0.1:5432/test';
const BIN = fileURLToPath(new URL('../../bin/flowbook.mjs', import.meta.url));

/** Polls `get` until `ok` holds; the error names what it waited for and the last value. */
export async function until<T>(what: string, get: () => Promise<T> | T, ok: (v: T) => boolean, timeoutMs = 60_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await get();
    if (ok(v)) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}; last: ${Array.isArray(v) ? `${v.length} items ` : ''}${JSON.stringify(v).slice(0, 300)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/**
 * A `flowbook worker` process of `job` (checkpoints in PG_URL, 6 s session timeout), its stdout and stderr collected
 * in `output`; added to `children` so the test can kill what is left.
 */
export function startWorkerProcess(job: string, file: string, output: string[], children: ChildProcess[], extraArgs: string[] = []): ChildProcess {
  const child = spawn(process.execPath, ['--max-semi-space-size=16', '--conditions=development', BIN, 'worker', '--job', job, file, '--checkpoint-dir', PG_URL, '--session-timeout', '6s', ...extraArgs], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.on('data', (d: Buffer) => output.push(d.toString()));
  child.stderr!.on('data', (d: Buffer) => output.push(d.toString()));
  children.push(child);
  return child;
}

/** Sends events to the partition of their key's key group (partitionForKey), in time order within each partition. */
export async function produceByKeyGroup(kafka: Kafka, topic: string, list: { key: string; ts: number }[], partitions: number, maxParallelism: number): Promise<void> {
  const producer = kafka.producer();
  await producer.connect();
  const byPartition = new Map<number, { key: string; ts: number }[]>();
  for (const e of list) {
    const p = partitionForKey(e.key, partitions, maxParallelism);
    byPartition.set(p, [...(byPartition.get(p) ?? []), e]);
  }
  await producer.send({
    topic,
    acks: -1,
    messages: [...byPartition].flatMap(([partition, es]) => es.sort((a, b) => a.ts - b.ts).map((e) => ({ partition, key: e.key, value: JSON.stringify(e), timestamp: String(e.ts) }))),
  });
  await producer.disconnect();
}
