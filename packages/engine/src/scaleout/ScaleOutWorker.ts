import type { Consumer, ConsumerGroupJoinPayload } from '@platformatic/kafka';
import { CheckpointCoordinator } from '../checkpoint/CheckpointCoordinator.js';
import { loadPlatformaticKafka, platformaticConnection } from '../connectors/kafka/client.js';
import { KafkaSourceConfig, parseRoleConfig } from '../connectors/kafka/config.js';
import type { OffsetEntry } from '../connectors/kafka/KafkaSourceFunction.js';
import { PARTITION_OWNERSHIP_SERVICE, type PartitionOwnership } from '../connectors/kafka/PartitionOwnership.js';
import { resolveSecrets } from '../connectors/secrets.js';
import type { PipelineGraph } from '../graph/PipelineGraph.js';
import { Job } from '../runtime/Job.js';
import type { JobServices } from '../runtime/JobServices.js';
import { PartitionCheckpoints } from './PartitionCheckpoints.js';

export interface ScaleOutWorkerOptions {
  /** The job every worker runs: one Kafka source on one topic partitioned by key group (see keyGroupPartitions.ts). */
  graph: PipelineGraph;
  /** The job's name: its consumer group is `flowbook-<jobName>`, its checkpoints are kept under it. */
  jobName: string;
  /** Shared checkpoint storage of the job's workers: a postgresql:// URL (or a folder every worker can reach). */
  checkpointLocation: string;
  services?: JobServices;
  /** Group session timeout: how long a worker that died (kill -9) keeps its partitions. Default 10 s. */
  sessionTimeoutMs?: number;
  log?: (line: string) => void;
}

/** What a worker reports: each generation of the group and what it took from it. */
export interface WorkerAssignment {
  generation: number;
  memberId: string;
  partitions: number[];
  /** The checkpoint id restored per partition (absent: the partition started from the source's startFrom). */
  restored: number | undefined;
}

/**
 * One worker of a job scaled out on Kafka, as Kafka Streams does it: every worker runs the same graph and joins the
 * consumer group `flowbook-<job>` for the source topic; the group protocol (classic, eager: @platformatic/kafka's
 * client-side assignment) gives each worker some partitions. For each generation the worker runs the graph as one
 * job reading only its partitions, first restoring their key groups and offsets from the last checkpoint of each
 * partition (written by whichever worker owned it); it checkpoints them per partition (PartitionCheckpoints). When
 * the group rebalances, the worker cancels its job before it rejoins: what it had not checkpointed is read again by
 * the next owner from the checkpointed offsets, so sinks must be idempotent (PostgreSQL upserts) or transactional.
 */
export class ScaleOutWorker {
  private consumer: Consumer | undefined;
  private job: Job | undefined;
  /** The job's run(): settles when it ends. */
  private running: Promise<unknown> = Promise.resolve();
  private coordinator: CheckpointCoordinator | undefined;
  private checkpoints: PartitionCheckpoints | undefined;
  /** Generation changes run one after the other. */
  private chain: Promise<void> = Promise.resolve();
  private nextCheckpointId = 1;
  /** Counts rebalances and joins: an assignment started for an older one is dropped. */
  private epoch = 0;
  private stopped = false;
  private failure: ((e: unknown) => void) | undefined;
  readonly assignments: WorkerAssignment[] = [];
  private readonly topic: string;
  private readonly groupId: string;
  private readonly log: (line: string) => void;
  private readonly connection: ReturnType<typeof platformaticConnection>;
  private resolveStopped: () => void = () => {};

  constructor(private readonly o: ScaleOutWorkerOptions) {
    this.log = o.log ?? ((l) => console.log(l));
    const sources = o.graph.nodes.filter((n) => n.type === 'source');
    const kafka = sources.filter((n) => (n.config as { connector?: string }).connector === 'kafka');
    if (sources.length !== 1 || kafka.length !== 1) throw new Error('a scale-out worker runs a job with exactly one source, a Kafka source');
    const config = parseRoleConfig(KafkaSourceConfig, resolveSecrets((kafka[0]!.config as { config: unknown }).config, 'kafka source'), 'source');
    if (config.topics?.length !== 1) throw new Error('a scale-out worker reads one topic (partitioned by key group), not a pattern or several');
    if (o.graph.config.checkpointInterval === undefined) throw new Error('a scale-out worker needs checkpointing (enableCheckpointing): partitions move with their checkpoints');
    this.topic = config.topics[0]!;
    this.groupId = `flowbook-${o.jobName}`;
    this.connection = platformaticConnection(config);
  }

  /** Joins the group; resolves when the worker is stopped, rejects when its job fails. */
  async run(): Promise<void> {
    const { Consumer } = await loadPlatformaticKafka();
    const session = this.o.sessionTimeoutMs ?? 10_000;
    const consumer = new Consumer({ ...this.connection, groupId: this.groupId, sessionTimeout: session, rebalanceTimeout: session * 2, heartbeatInterval: Math.max(200, Math.floor(session / 5)), retries: 3, retryDelay: 250 });
    this.consumer = consumer;
    const partitions = (await consumer.metadata({ topics: [this.topic], forceUpdate: true })).topics.get(this.topic)?.partitionsCount;
    if (partitions === undefined) throw new Error(`topic "${this.topic}" does not exist`);
    const done = new Promise<void>((resolve, reject) => {
      this.failure = reject;
      this.resolveStopped = resolve;
    });
    // Eager rebalancing: every member gives up all its partitions before it rejoins, so the job stops at once (this
    // handler runs between two of its batches); its cleanup waits its turn in the chain.
    consumer.on('consumer:group:rebalance', () => {
      this.epoch++;
      this.job?.cancel();
      void this.enqueue(() => this.revoke());
    });
    consumer.on('consumer:group:join', (p: ConsumerGroupJoinPayload) => {
      const epoch = ++this.epoch;
      void this.enqueue(() => this.assign(p, partitions, epoch));
    });
    consumer.topics.trackAll(this.topic);
    await consumer.joinGroup({});
    return done;
  }

  /** Leaves the group (its partitions move to the other workers at once) after stopping the job. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.enqueue(() => this.revoke());
    const consumer = this.consumer;
    if (consumer !== undefined) {
      await (consumer.leaveGroup as () => Promise<void>).call(consumer).catch(() => {});
      await (consumer.close as (force: boolean) => Promise<void>).call(consumer, true).catch(() => {});
    }
    this.resolveStopped();
  }

  private enqueue(step: () => Promise<void>): Promise<void> {
    this.chain = this.chain.then(step).catch((e: unknown) => this.failure?.(e));
    return this.chain;
  }

  /** Cancels the running job; its checkpoint in flight, if any, completes or fails first. */
  private async revoke(): Promise<void> {
    const job = this.job;
    if (job === undefined) return;
    this.job = undefined;
    const stoppedCheckpoints = this.coordinator?.stop();
    job.cancel();
    await stoppedCheckpoints;
    await this.running.catch(() => {});
    await this.checkpoints?.close();
    this.log(`worker ${this.consumer?.memberId}: released partitions`);
  }

  private async assign(p: ConsumerGroupJoinPayload, partitions: number, epoch: number): Promise<void> {
    await this.revoke();
    // A newer rebalance or generation came meanwhile: this one's partitions may be another worker's already.
    if (this.stopped || epoch !== this.epoch) return;
    const owned = (p.assignments ?? []).filter((a) => a.topic === this.topic).flatMap((a) => a.partitions).sort((a, b) => a - b);
    const entry: WorkerAssignment = { generation: p.generationId ?? -1, memberId: p.memberId, partitions: owned, restored: undefined };
    this.assignments.push(entry);
    this.log(`worker ${p.memberId}: generation ${entry.generation}, partitions [${owned.join(', ')}] of ${this.topic}`);
    if (owned.length === 0) return;
    const graph = this.o.graph;
    const checkpoints = new PartitionCheckpoints({
      location: this.o.checkpointLocation,
      jobKey: 'scale-out',
      jobName: this.o.jobName,
      topic: this.topic,
      partitions,
      maxParallelism: graph.config.maxParallelism,
      owned,
      warn: this.log,
    });
    this.checkpoints = checkpoints;
    // Restored before the job processes a record: the partitions' key groups and offsets, from whoever wrote them.
    const restoreFrom = await this.checkpoints.latest();
    if (epoch !== this.epoch) {
      await this.checkpoints.close();
      return;
    }
    entry.restored = restoreFrom?.checkpointId;
    const restored = this.checkpoints.restored;
    this.log(`worker ${p.memberId}: restored ${owned.map((q, i) => `partition ${q} from ${restored[i] === undefined ? 'its start (no checkpoint yet)' : `checkpoint ${restored[i]}`}`).join(', ')}`);
    // Ids go on from the newest restored one, so a partition's next checkpoint is its newest.
    this.nextCheckpointId = Math.max(this.nextCheckpointId, (restoreFrom?.checkpointId ?? 0) + 1);
    const ownership: PartitionOwnership = {
      owns: (topic, partition) => topic === this.topic && owned.includes(partition),
      commit: (offsets) => this.commit(offsets),
      writerId: `p${owned[0]}-g${entry.generation}`,
      partitions: owned,
    };
    const job = new Job(oneSubtaskPerNode(graph), { services: { ...this.o.services, [PARTITION_OWNERSHIP_SERVICE]: ownership }, ...(restoreFrom ? { restoreFrom } : {}) });
    this.job = job;
    const coordinator = new CheckpointCoordinator(job, this.checkpoints, { intervalMs: graph.config.checkpointInterval!, timeoutMs: 60_000 }, this.nextCheckpointId);
    this.coordinator = coordinator;
    // The coordinator numbers on from here in the next generation.
    let reported = 0;
    const track = setInterval(() => {
      this.nextCheckpointId = Math.max(this.nextCheckpointId, ...coordinator.history.map((h) => h.id + 1));
      for (const h of coordinator.history.slice(reported)) if (h.status === 'failed') this.log(`worker ${p.memberId}: checkpoint ${h.id} failed: ${h.error}`);
      // An input that is not partitioned by key group: the worker fails rather than run without checkpoints.
      if (checkpoints.misconfigured !== undefined && this.job === job) this.failure?.(checkpoints.misconfigured);
      reported = coordinator.history.length;
      if (++ticks % 10 === 0) this.log(`worker ${p.memberId}: ${job.metrics().map((m) => `${m.nodeId} in ${m.recordsIn} out ${m.recordsOut} wm ${m.watermark}`).join('; ')}`);
    }, 500);
    let ticks = 0;
    track.unref();
    this.running = job.run().finally(() => clearInterval(track));
    // A job that ends while it owns its partitions failed (or, reading an unbounded topic, should not have ended).
    this.running.then(
      () => {
        if (this.job === job && job.status !== 'cancelled') this.failure?.(new Error('the job ended while it owned partitions'));
      },
      (e: unknown) => {
        if (this.job === job) this.failure?.(e);
      },
    );
    coordinator.start();
  }

  /** Offsets of owned partitions, committed by this member of the generation (for monitoring: lag, tooling). */
  private async commit(offsets: OffsetEntry[]): Promise<void> {
    const consumer = this.consumer;
    if (consumer === undefined || offsets.length === 0) return;
    await consumer.commit({ offsets: offsets.map((o) => ({ topic: o.topic, partition: o.partition, offset: BigInt(o.offset), leaderEpoch: -1 })) });
  }
}

/** Each worker runs one subtask of every node: the group, not the job's parallelism, spreads the work. */
function oneSubtaskPerNode(graph: PipelineGraph): PipelineGraph {
  return { ...graph, config: { ...graph.config, parallelism: 1 }, nodes: graph.nodes.map(({ parallelism: _p, ...n }) => n) };
}
