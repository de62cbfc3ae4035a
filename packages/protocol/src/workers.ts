import { z } from 'zod';

/** A scale-out job's name: it names a Kafka consumer group and checkpoint rows, so it stays short and plain. */
export const ScaleOutJobName = z.string().regex(/^[\w.-]{1,100}$/, 'letters, digits, _ . - (at most 100)');

const KeyGroupRange = z.object({ start: z.number().int(), end: z.number().int() });

/** One partition of a scale-out job's source topic: the key groups it holds, its owner now, its latest checkpoint. */
export const WorkerPartition = z
  .object({
    partition: z.number().int(),
    keyGroups: KeyGroupRange,
    /** The member of the group that owns it (null: not assigned, e.g. during a rebalance). */
    owner: z.string().nullable(),
    /** The newest checkpoint of its key groups and offset in the shared storage, whoever wrote it. */
    checkpoint: z.object({ id: z.number(), timestamp: z.number() }).nullable(),
  })
  .meta({ id: 'WorkerPartition' });
export type WorkerPartition = z.infer<typeof WorkerPartition>;

/** A worker of a scale-out job: a member of the consumer group `flowbook-<job>`. */
export const JobWorker = z
  .object({
    memberId: z.string(),
    clientId: z.string(),
    clientHost: z.string(),
    partitions: z.array(z.number().int()),
    /** This server's own worker of the job. */
    self: z.boolean(),
  })
  .meta({ id: 'JobWorker' });
export type JobWorker = z.infer<typeof JobWorker>;

/** A generation of the group as this server's worker saw it: a rebalance, on the job's timeline. */
export const WorkerRebalance = z
  .object({ generation: z.number().int(), at: z.number(), partitions: z.array(z.number().int()) })
  .meta({ id: 'WorkerRebalance' });
export type WorkerRebalance = z.infer<typeof WorkerRebalance>;

/** `GET /api/v1/jobs/{id}/workers`: the workers of the scale-out job a run belongs to (Flink's /jobs/{id}/taskmanagers). */
export const JobWorkers = z
  .object({
    job: z.string(),
    group: z.string(),
    topic: z.string(),
    /** The group's state (Stable, PreparingRebalance, CompletingRebalance, Empty, Dead). */
    state: z.string(),
    workers: z.array(JobWorker),
    partitions: z.array(WorkerPartition),
    rebalances: z.array(WorkerRebalance),
  })
  .meta({ id: 'JobWorkers' });
export type JobWorkers = z.infer<typeof JobWorkers>;
