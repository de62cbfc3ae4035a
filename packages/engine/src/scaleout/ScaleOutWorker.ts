import type { Consumer, ConsumerGroupJoinPayload } from '@platformatic/kafka';
import { loadPlatformaticKafka, platformaticConnection } from '../connectors/kafka/client.js';
import { KafkaSourceConfig, parseRoleConfig } from '../connectors/kafka/config.js';
import type { OffsetEntry } from '../connectors/kafka/KafkaSourceFunction.js';
import { resolveSecrets } from '../connectors/secrets.js';
import type { PipelineGraph } from '../graph/PipelineGraph.js';
import type { Job } from '../runtime/Job.js';
import type { JobServices } from '../runtime/JobServices.js';
import { ensureTopic } from './ensureTopic.js';
import { registerRepartitionConnector } from './repartition/connector.js';
import { splitAtKeyBy, type SubTopologies } from './subTopologies.js';
import { SubTopologyRun } from './SubTopologyRun.js';

export interface ScaleOutWorkerOptions {
  /** The job every worker runs: one Kafka source on one topic. */
  graph: PipelineGraph;
  /**
   * Whether a keyBy goes through a repartition topic (default true), as Kafka Streams does for a key the input is not
   * partitioned by; false when the source topic is already partitioned by key group on the keyBy's key (partitionForKey).
   */
  repartition?: boolean;
  /** Partitions of a repartition topic the worker creates (default: the source topic's). */
  repartitionPartitions?: number;
  /** The job's name: its consumer group is `flowbook-<jobName>`, its checkpoints are kept under it. */
  jobName: string;
  /** Shared checkpoint storage of the job's workers: a postgresql:// URL (or a folder every worker can reach). */
  checkpointLocation: string;
  services?: JobServices;
  /** Group session timeout: how long a worker that died (kill -9) keeps its partitions. Default 10 s. */
  sessionTimeoutMs?: number;
  log?: (line: string) => void;
  /** Each generation's assignment, once its partitions are restored (a host reports rebalances). */
  onAssignment?: (assignment: WorkerAssignment) => void;
}

/** What a worker reports: each generation of the group and what it took from it. */
export interface WorkerAssignment {
  generation: number;
  memberId: string;
  partitions: number[];
  /** The repartition topic's partitions it owns (a job split at its keyBy). */
  repartitioned?: number[];
  /** The checkpoint id restored per partition (absent: the partition started from the source's startFrom). */
  restored: number | undefined;
}

/**
 * One worker of a job scaled out on Kafka, as Kafka Streams does it: every worker runs the same graph and joins the
 * consumer group `flowbook-<job>` for the source topic; the group protocol (classic, eager: @platformatic/kafka's
 * client-side assignment) gives each worker some partitions. For each generation the worker runs the graph as one
 * job reading only its partitions, first restoring their key groups and offsets from the last checkpoint of each
 * partition (written by whichever worker owned it); it checkpoints them per partition (PartitionCheckpoints). A job
 * with a keyBy is split there through a repartition topic (subTopologies.ts): the group then assigns partitions of
 * both topics, and the worker runs part 1 per owned source partition and part 2 per owned repartition partition. When
 * the group rebalances, the worker cancels its jobs before it rejoins: what it had not checkpointed is read again by
 * the next owner from the checkpointed offsets, so sinks must be idempotent (PostgreSQL upserts) or transactional.
 */
export class ScaleOutWorker {
  private consumer: Consumer | undefined;
  /** The jobs of the current generation: one over the owned partitions, or one per partition of each part of a split job. */
  private runs: SubTopologyRun[] = [];
  /** The job split at its keyBy (undefined: it runs whole on a topic partitioned by key group). */
  private readonly split: SubTopologies | undefined;
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
    registerRepartitionConnector();
    this.split = o.repartition === false ? undefined : splitAtKeyBy(oneSubtaskPerNode(o.graph), o.jobName);
  }

  /** The jobs of the current generation: one, or parts 1 and 2 per owned partition (none while it owns none). */
  get currentJobs(): Job[] {
    return this.runs.flatMap((r) => (r.currentJob ? [r.currentJob] : []));
  }

  /** The job of the current generation that holds the sinks (the last part 2, or the whole job). */
  get currentJob(): Job | undefined {
    return this.currentJobs.at(-1);
  }

  /** Joins the group; resolves when the worker is stopped, rejects when its job fails. */
  async run(): Promise<void> {
    const { Consumer } = await loadPlatformaticKafka();
    const session = this.o.sessionTimeoutMs ?? 10_000;
    const consumer = new Consumer({ ...this.connection, groupId: this.groupId, sessionTimeout: session, rebalanceTimeout: session * 2, heartbeatInterval: Math.max(200, Math.floor(session / 5)), retries: 3, retryDelay: 250 });
    this.consumer = consumer;
    const partitions = (await consumer.metadata({ topics: [this.topic], forceUpdate: true })).topics.get(this.topic)?.partitionsCount;
    if (partitions === undefined) throw new Error(`topic "${this.topic}" does not exist`);
    const split = this.split;
    const repartitions = split && (await ensureTopic(this.connection, split.topic, this.o.repartitionPartitions ?? partitions));
    const done = new Promise<void>((resolve, reject) => {
      this.failure = reject;
      this.resolveStopped = resolve;
    });
    // Eager rebalancing: every member gives up all its partitions before it rejoins, so the job stops at once (this
    // handler runs between two of its batches); its cleanup waits its turn in the chain.
    consumer.on('consumer:group:rebalance', () => {
      this.epoch++;
      for (const r of this.runs) r.cancel();
      void this.enqueue(() => this.revoke());
    });
    consumer.on('consumer:group:join', (p: ConsumerGroupJoinPayload) => {
      const epoch = ++this.epoch;
      void this.enqueue(() => this.assign(p, partitions, repartitions, epoch));
    });
    consumer.topics.trackAll(this.topic, ...(split ? [split.topic] : []));
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

  /** Cancels the running jobs; their checkpoints in flight, if any, complete or fail first. */
  private async revoke(): Promise<void> {
    const runs = this.runs;
    if (runs.length === 0) return;
    this.runs = [];
    await Promise.all(runs.map((r) => r.stop()));
    this.nextCheckpointId = Math.max(this.nextCheckpointId, ...runs.map((r) => r.nextCheckpointId()));
    this.log(`worker ${this.consumer?.memberId}: released partitions`);
  }

  private async assign(p: ConsumerGroupJoinPayload, partitions: number, repartitions: number | undefined, epoch: number): Promise<void> {
    await this.revoke();
    // A newer rebalance or generation came meanwhile: this one's partitions may be another worker's already.
    if (this.stopped || epoch !== this.epoch) return;
    const ownedOf = (topic: string) => (p.assignments ?? []).filter((a) => a.topic === topic).flatMap((a) => a.partitions).sort((a, b) => a - b);
    const owned = ownedOf(this.topic);
    const split = this.split;
    const repartitioned = split ? ownedOf(split.topic) : [];
    const entry: WorkerAssignment = { generation: p.generationId ?? -1, memberId: p.memberId, partitions: owned, ...(split ? { repartitioned } : {}), restored: undefined };
    this.assignments.push(entry);
    this.log(`worker ${p.memberId}: generation ${entry.generation}, partitions [${owned.join(', ')}] of ${this.topic}${split ? `, partitions [${repartitioned.join(', ')}] of ${split.topic}` : ''}`);
    const run = (graph: PipelineGraph, topic: string, count: number, parts: number[], jobName: string, label: string) =>
      new SubTopologyRun({
        graph,
        topic,
        partitions: count,
        owned: parts,
        jobName,
        checkpointLocation: this.o.checkpointLocation,
        services: this.o.services,
        firstCheckpointId: this.nextCheckpointId,
        generation: entry.generation,
        commit: (offsets) => this.commit(offsets),
        fail: (e) => {
          if (this.runs.length > 0) this.failure?.(e);
        },
        log: this.log,
        label: `worker ${p.memberId} ${label}`,
      });
    const runs: { run: SubTopologyRun; topic: string; parts: number[] }[] = [];
    if (split === undefined) {
      if (owned.length > 0) runs.push({ run: run(oneSubtaskPerNode(this.o.graph), this.topic, partitions, owned, this.o.jobName, 'job'), topic: this.topic, parts: owned });
    } else {
      // Part 1 per source partition: each writes the repartition topic as its own writer, replayed from its own offsets.
      for (const q of owned) runs.push({ run: run(split.part1(q, repartitions!), this.topic, partitions, [q], this.o.jobName, `part 1 (${this.topic}/${q})`), topic: this.topic, parts: [q] });
      // Part 2 per repartition partition: the keyed state of its key groups and the watermarks of its writers.
      for (const q of repartitioned) runs.push({ run: run(split.part2(repartitions!, partitions), split.topic, repartitions!, [q], `${this.o.jobName}/${split.operatorId}`, `part 2 (${split.topic}/${q})`), topic: split.topic, parts: [q] });
    }
    if (runs.length === 0) return this.o.onAssignment?.(entry);
    // Restored before any job processes a record: the partitions' key groups and offsets, from whoever wrote them.
    const restored = await Promise.all(runs.map((r) => r.run.restore()));
    if (epoch !== this.epoch) {
      await Promise.all(runs.map((r) => r.run.stop()));
      return;
    }
    const ids = restored.filter((id): id is number => id !== undefined);
    entry.restored = ids.length > 0 ? Math.max(...ids) : undefined;
    this.o.onAssignment?.(entry);
    const described = runs.flatMap((r) => r.parts.map((q, i) => `${split ? `${r.topic} ` : ''}partition ${q} from ${r.run.restored[i] === undefined ? 'its start (no checkpoint yet)' : `checkpoint ${r.run.restored[i]}`}`));
    this.log(`worker ${p.memberId}: restored ${described.join(', ')}`);
    this.runs = runs.map((r) => r.run);
    for (const r of this.runs) r.start();
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
