import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { StreamExecutionEnvironment } from '../index.js';
import { Job, type JobSnapshot } from '../runtime/Job.js';
import { partitionForKey } from './keyGroupPartitions.js';
import { mergeSlices, PartitionCheckpoints } from './PartitionCheckpoints.js';

const dir = mkdtempSync(path.join(tmpdir(), 'flowbook-partition-chk-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A snapshot of a running keyed count over 40 keys, with a Kafka source's positions of 4 partitions added. */
async function keyedSnapshot(): Promise<JobSnapshot> {
  const env = new StreamExecutionEnvironment();
  env
    .fromCollection(Array.from({ length: 4000 }, (_, i) => ({ key: `k${i % 40}`, n: 1 })))
    .keyBy((r) => r.key)
    .reduce((a, b) => ({ key: a.key, n: a.n + b.n }))
    .sinkTo({ connector: 'collect', config: {} });
  const job = new Job(env.getPipeline('count'), { services: { collect: () => {}, collectBatch: () => {} } });
  await job.run();
  // The keyed counts stay in the operators after the bounded input ended.
  const snapshot = structuredClone(await job.checkpoint(1));
  const offsets = [0, 1, 2, 3].map((p) => ({ topic: 't', partition: p, offset: String(10 + p), maxTimestamp: 1000 + p }));
  return { ...snapshot!, operators: { ...snapshot!.operators, 'kafka#0': { offsets } } };
}

/** The keys of every keyed table of a snapshot. */
const keysOf = (s: JobSnapshot) =>
  Object.values(s.operators).flatMap((o) => ((o as { keyed?: { tables?: { keys: unknown[]; size: number }[] } }).keyed?.tables ?? []).flatMap((t) => [...t.keys].slice(0, t.size) as string[]));

const storage = (owned: number[]) => new PartitionCheckpoints({ location: dir, jobKey: 'scale-out', jobName: 'count', topic: 't', partitions: 4, maxParallelism: 128, owned });

describe('checkpoints of a scale-out worker, one per partition', () => {
  it('writes each partition its key groups and its offset, and reads them back for whoever owns them next', async () => {
    const snapshot = await keyedSnapshot();
    const all = keysOf(snapshot);
    expect(new Set(all).size).toBe(40);
    await storage([0, 1, 2, 3]).write(snapshot);

    const one = storage([2]);
    const slice = (await one.latest())!;
    expect(one.restored).toEqual([snapshot.checkpointId]);
    expect(keysOf(slice).length).toBeGreaterThan(0);
    expect(keysOf(slice).every((k) => partitionForKey(k, 4, 128) === 2)).toBe(true);
    expect(slice.operators['kafka#0']).toEqual({ offsets: [{ topic: 't', partition: 2, offset: '12', maxTimestamp: 1002 }] });

    // Two partitions: one snapshot as of a job with a subtask per partition, restored as after a rescale.
    const two = (await storage([1, 3]).latest())!;
    expect(two.parallelism).toMatchObject({ kafka: 2 });
    expect(keysOf(two).sort()).toEqual(all.filter((k) => [1, 3].includes(partitionForKey(k, 4, 128))).sort());
    expect(keysOf(mergeSlices([(await storage([0]).latest())!, slice])!).length + keysOf(two).length).toBe(all.length);
  });

  it('refuses to checkpoint keyed state of key groups none of its partitions holds (input not partitioned by key group)', async () => {
    await expect(storage([1]).write(await keyedSnapshot())).rejects.toThrow(/none of this worker's partitions of "t" holds/);
  });
});
