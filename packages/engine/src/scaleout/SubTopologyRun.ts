import { CheckpointCoordinator } from '../checkpoint/CheckpointCoordinator.js';
import type { OffsetEntry } from '../connectors/kafka/KafkaSourceFunction.js';
import { PARTITION_OWNERSHIP_SERVICE, type PartitionOwnership } from '../connectors/kafka/PartitionOwnership.js';
import type { PipelineGraph } from '../graph/PipelineGraph.js';
import { Job } from '../runtime/Job.js';
import type { JobServices } from '../runtime/JobServices.js';
import { PartitionCheckpoints } from './PartitionCheckpoints.js';

export interface SubTopologyRunOptions {
  /** The graph (or one part of it, see subTopologies.ts) reading `owned` partitions of `topic`. */
  graph: PipelineGraph;
  topic: string;
  partitions: number;
  owned: number[];
  /** Storage scope of the checkpoints: with the key-group range of each partition, one row per partition. */
  jobName: string;
  checkpointLocation: string;
  services: JobServices | undefined;
  /** The group generation this run belongs to: it names the run's transactional writers (PartitionOwnership.writerId). */
  generation: number;
  /** Checkpoint ids go on from here (or from the newest restored one). */
  firstCheckpointId: number;
  /** Commits the owned partitions' offsets through the group member. */
  commit(offsets: OffsetEntry[]): Promise<void>;
  /** The run failed (or ended while owning its partitions). */
  fail(e: unknown): void;
  log(line: string): void;
  /** What the worker's log lines call it. */
  label: string;
}

/**
 * One job of a scale-out worker for one group generation: the graph over the partitions of one topic the worker owns,
 * restored from their checkpoints (whoever wrote them) before it processes a record, checkpointed per partition.
 */
export class SubTopologyRun {
  private job: Job | undefined;
  private coordinator: CheckpointCoordinator | undefined;
  private running: Promise<unknown> = Promise.resolve();
  private track: NodeJS.Timeout | undefined;
  private readonly checkpoints: PartitionCheckpoints;
  private next: number;
  /** Per owned partition, the checkpoint restored (undefined: none yet). */
  restored: (number | undefined)[] = [];

  constructor(private readonly o: SubTopologyRunOptions) {
    this.next = o.firstCheckpointId;
    this.checkpoints = new PartitionCheckpoints({
      location: o.checkpointLocation,
      jobKey: 'scale-out',
      jobName: o.jobName,
      topic: o.topic,
      partitions: o.partitions,
      maxParallelism: o.graph.config.maxParallelism,
      owned: o.owned,
      warn: o.log,
    });
  }

  /** The running job (undefined before start() and after stop()). */
  get currentJob(): Job | undefined {
    return this.job;
  }

  /** Reads the partitions' latest checkpoints; returns the newest id restored. */
  async restore(): Promise<number | undefined> {
    this.restoreFrom = await this.checkpoints.latest();
    this.restored = this.checkpoints.restored;
    this.next = Math.max(this.next, (this.restoreFrom?.checkpointId ?? 0) + 1);
    return this.restoreFrom?.checkpointId;
  }
  private restoreFrom: Awaited<ReturnType<PartitionCheckpoints['latest']>>;

  /** Starts the job from what restore() read, and its checkpoints. */
  start(): void {
    const { o } = this;
    const ownership: PartitionOwnership = {
      owns: (topic, partition) => topic === o.topic && o.owned.includes(partition),
      commit: (offsets) => o.commit(offsets),
      // No other live worker runs this topic's lowest owned partition in this generation: its writers' id.
      writerId: `p${o.owned[0]}-g${o.generation}`,
      partitions: o.owned,
    };
    const job = new Job(o.graph, { services: { ...o.services, [PARTITION_OWNERSHIP_SERVICE]: ownership }, ...(this.restoreFrom ? { restoreFrom: this.restoreFrom } : {}) });
    this.job = job;
    const coordinator = new CheckpointCoordinator(job, this.checkpoints, { intervalMs: o.graph.config.checkpointInterval!, timeoutMs: 60_000 }, this.next);
    this.coordinator = coordinator;
    let reported = 0;
    let ticks = 0;
    this.track = setInterval(() => {
      this.next = Math.max(this.next, ...coordinator.history.map((h) => h.id + 1));
      for (const h of coordinator.history.slice(reported)) if (h.status === 'failed') o.log(`${o.label}: checkpoint ${h.id} failed: ${h.error}`);
      // An input that is not partitioned by key group: the worker fails rather than run without checkpoints.
      if (this.checkpoints.misconfigured !== undefined && this.job === job) o.fail(this.checkpoints.misconfigured);
      reported = coordinator.history.length;
      if (++ticks % 10 === 0) o.log(`${o.label}: ${job.metrics().map((m) => `${m.nodeId} in ${m.recordsIn} out ${m.recordsOut} wm ${m.watermark}`).join('; ')}`);
    }, 500);
    this.track.unref();
    this.running = job.run().finally(() => clearInterval(this.track));
    // A job that ends while it owns its partitions failed (or, reading an unbounded topic, should not have ended).
    this.running.then(
      () => {
        if (this.job === job && job.status !== 'cancelled') o.fail(new Error(`${o.label}: the job ended while it owned partitions`));
      },
      (e: unknown) => {
        if (this.job === job) o.fail(e);
      },
    );
    coordinator.start();
  }

  /** The id the next checkpoint of this worker may take (ids only grow, across generations). */
  nextCheckpointId(): number {
    return Math.max(this.next, ...(this.coordinator?.history.map((h) => h.id + 1) ?? []));
  }

  /** Stops at once (between two batches): called when the group rebalances. */
  cancel(): void {
    this.job?.cancel();
  }

  /** Cancels the job; its checkpoint in flight, if any, completes or fails first. */
  async stop(): Promise<void> {
    const job = this.job;
    this.job = undefined;
    const stoppedCheckpoints = this.coordinator?.stop();
    job?.cancel();
    await stoppedCheckpoints;
    await this.running.catch(() => {});
    clearInterval(this.track);
    await this.checkpoints.close();
  }
}
