import type { Admin, Consumer, KafkaRecord as WireRecord, RecordsBatch } from '@platformatic/kafka';
import { z } from 'zod';
import { MIN_WATERMARK, NO_TIMESTAMP } from '../../time/Watermark.js';
import type { SourceContext, SourceFunction } from '../SourceFunction.js';
import { jobLogger, loadPlatformaticKafka, platformaticConnection, tpKey } from './client.js';
import { KafkaSourceConfig, parseRoleConfig, type KafkaSourceConfigParsed } from './config.js';
import { PartitionWatermarks } from './PartitionWatermarks.js';
import { subtaskOfPartition } from './SubtaskAssigner.js';
import { PARTITION_OWNERSHIP_SERVICE, type PartitionOwnership } from './PartitionOwnership.js';

/** What the source emits per Kafka record (unless `valueOnly`). */
export interface KafkaRecord<V = unknown> {
  topic: string;
  partition: number;
  offset: number;
  /** UTF-8 key, or null. */
  key: string | null;
  value: V;
  /** Read-only: records without headers share one frozen empty object. */
  headers: Readonly<Record<string, string | string[]>>;
  /** The Kafka record timestamp (epoch ms; -1 when the record has none). */
  timestamp: number;
}

const OffsetEntry = z.object({
  topic: z.string(),
  partition: z.number().int().nonnegative(),
  offset: z.string().regex(/^\d+$/),
  /**
   * The partition's highest event time so far: its watermark goes on from there after a restore, also in another
   * process (a partition moved to another scale-out worker), instead of holding the minimum back until its next record.
   */
  maxTimestamp: z.number().optional(),
});
export type OffsetEntry = z.infer<typeof OffsetEntry>;
/** Checkpointed state: per topic/partition, the offset of the next record to emit (Kafka's committed-offset convention). */
export const KafkaSourceState = z.object({ offsets: z.array(OffsetEntry) });
export type KafkaSourceState = z.infer<typeof KafkaSourceState>;

/** How often watermarks are re-evaluated without records (idleness), as Flink's default autoWatermarkInterval. */
const WATERMARK_INTERVAL_MS = 200;
/** Records emitted as one batch; the source yields to the event loop (timers, checkpoints) between batches. */
const CHUNK = 2048;
/** Checkpoints taken but not yet completed whose offsets are kept for committing. */
const MAX_PENDING_COMMITS = 16;
/** Most bytes per fetch: kafkajs' default (per partition: the config's fetchMaxBytesPerPartition). */
const MAX_BYTES = 10 * 1024 * 1024;
/** Failed fetches in a row (each retried by the client first) before the job fails and its restart strategy takes over. */
const MAX_FETCH_FAILURES = 5;
// Record batch attribute bits (Kafka's DefaultRecordBatch).
const LOG_APPEND_TIME = 1 << 3;
const IS_CONTROL = 1 << 5;
const EARLIEST = -2n;
const LATEST = -1n;

interface Position {
  topic: string;
  partition: number;
  /** Next offset to emit. */
  offset: number;
}

/** A partition this subtask reads (a FLIP-27 split): where its leader is. */
interface Split {
  key: string;
  topic: string;
  topicId: string;
  partition: number;
  leader: number;
}

/**
 * Reads Kafka topics with @platformatic/kafka's Fetch API, as Flink's KafkaSource reads splits: partition i of each
 * topic belongs to source subtask i mod parallelism, no consumer group assigns them. The source owns the offsets:
 * every emitted record advances its partition's position synchronously, checkpoints store the positions, a restored
 * source fetches from there, and completed checkpoints commit them to the group (for monitoring and 'committed').
 */
export class KafkaSourceFunction implements SourceFunction<unknown> {
  private readonly c: KafkaSourceConfigParsed;
  private readonly positions = new Map<string, Position>();
  /** Bounded mode: the end offset (last stable offset) of each partition when the job started. */
  private endOffsets: Map<string, number> | undefined;
  private readonly pendingCommits = new Map<number, OffsetEntry[]>();
  /** The partitions this subtask reads, by topic/partition. */
  private readonly splits = new Map<string, Split>();
  private topics: string[] = [];
  private consumer: Consumer | undefined;
  private admin: Admin | undefined;
  private running = true;
  private failure: unknown;
  private wake: () => void = () => {};
  private ctx!: SourceContext;
  private log: (line: string) => void = () => {};
  private watermarks!: PartitionWatermarks;
  private lastWatermark = MIN_WATERMARK;
  private markedIdle = false;
  /** The batch being filled (emitRecords): lent to the engine for the length of one call. */
  private readonly values: unknown[] = new Array<unknown>(CHUNK);
  private readonly timestamps = new Float64Array(CHUNK);
  private filled = 0;
  /** Set by decode(): the record's event time, or why it is malformed. */
  private eventTime = Number.NaN;
  private dead: { raw: unknown; error: string } | undefined;
  /** This source subtask among `parallelism`: it reads partitions i with i mod parallelism = subtask. */
  private subtask = 0;
  private parallelism = 1;
  /** Restored per-partition event-time progress, applied when the partition is read again. */
  private readonly restoredMaxTimestamps = new Map<string, number>();
  /** Partitions assigned by a consumer group (a scale-out worker), instead of `partition mod parallelism`. */
  private ownership: PartitionOwnership | undefined;

  constructor(config: unknown) {
    this.c = parseRoleConfig(KafkaSourceConfig, config, 'source');
  }

  async run(ctx: SourceContext): Promise<void> {
    this.ctx = ctx;
    this.subtask = ctx.subtaskIndex ?? 0;
    this.parallelism = ctx.parallelism ?? 1;
    this.ownership = ctx.services[PARTITION_OWNERSHIP_SERVICE] as PartitionOwnership | undefined;
    this.log = jobLogger(ctx.services);
    this.watermarks = new PartitionWatermarks(this.c.maxOutOfOrdernessMs, this.c.idlenessMs, () => ctx.getCurrentProcessingTime());
    let ticker: Promise<void> | undefined;
    try {
      const { Admin, Consumer, FetchIsolationLevels } = await loadPlatformaticKafka();
      const connection = { ...platformaticConnection(this.c), retries: 3, retryDelay: 250 };
      this.admin = new Admin(connection);
      // A group id is required by the client's Consumer; it never joins the group (fetch() reads assigned partitions).
      this.consumer = new Consumer({ ...connection, groupId: this.c.groupId, isolationLevel: FetchIsolationLevels.READ_COMMITTED, maxWaitTime: this.c.fetchMaxWaitMs });
      const topics = await this.resolveTopics();
      if (topics === undefined || !this.live()) return;
      this.topics = topics;
      await this.discoverPartitions(true);
      if (!this.live() || this.boundedDone()) return;
      ticker = this.tickWatermarks();
      let lastDiscovery = Date.now();
      while (this.live() && !this.boundedDone()) {
        if (this.endOffsets === undefined && Date.now() - lastDiscovery >= this.c.partitionDiscoveryIntervalMs) {
          lastDiscovery = Date.now();
          await this.discoverPartitions(false);
        }
        await this.fetchRound();
      }
    } catch (e) {
      // Errors while cancelling (a request cut short by close) are not failures.
      if (this.running && ctx.isRunning()) this.failure ??= this.kafkaError(e);
    } finally {
      this.running = false;
      this.wake();
      await (this.consumer && forceClose(this.consumer))?.catch((e: Error) => this.log(`kafka source: closing the consumer failed: ${e.message}`));
      await this.admin?.close().catch(() => {});
      await ticker;
    }
    if (this.failure !== undefined) throw this.failure;
  }

  cancel(): void {
    this.running = false;
    this.wake();
    // Cuts a fetch waiting on the broker short.
    if (this.consumer !== undefined) void forceClose(this.consumer).catch(() => {});
  }

  snapshotState(checkpointId: number): KafkaSourceState {
    const offsets = [...this.positions.values()]
      .sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition))
      .map((p) => {
        const maxTimestamp = this.watermarks?.maxTimestampOf(tpKey(p.topic, p.partition));
        return { topic: p.topic, partition: p.partition, offset: String(p.offset), ...(maxTimestamp !== undefined ? { maxTimestamp } : {}) };
      });
    this.pendingCommits.set(checkpointId, offsets);
    for (const id of this.pendingCommits.keys()) if (this.pendingCommits.size > MAX_PENDING_COMMITS) this.pendingCommits.delete(id);
    return { offsets };
  }

  restoreState(state: unknown): void {
    const parsed = KafkaSourceState.safeParse(state);
    if (!parsed.success) throw new Error(`kafka source: cannot restore from this checkpoint: ${parsed.error.issues[0]?.message}`);
    for (const o of parsed.data.offsets) {
      const key = tpKey(o.topic, o.partition);
      const offset = Number(o.offset);
      // Several old subtasks' states (restoreUnionState): the furthest position of a partition wins.
      if ((this.positions.get(key)?.offset ?? -1) < offset) {
        this.positions.set(key, { topic: o.topic, partition: o.partition, offset });
        if (o.maxTimestamp !== undefined) this.restoredMaxTimestamps.set(key, o.maxTimestamp);
      }
    }
  }

  /** After a change of parallelism: every partition's position from the old subtask that read it (positions only grow). */
  restoreUnionState(states: unknown[]): void {
    for (const state of states) {
      if (state === undefined) continue;
      this.restoreState(state);
    }
  }

  /**
   * Commits the checkpoint's positions of this subtask's partitions to the consumer group (for monitoring, and for
   * startFrom 'committed'), as a simple (memberless) commit: never offsets of partitions another subtask reads.
   */
  async notifyCheckpointComplete(checkpointId: number): Promise<void> {
    const offsets = this.pendingCommits.get(checkpointId);
    for (const id of [...this.pendingCommits.keys()]) if (id <= checkpointId) this.pendingCommits.delete(id);
    const admin = this.admin;
    if (offsets === undefined || admin === undefined || !this.running) return;
    const byTopic = new Map<string, { partition: number; offset: bigint }[]>();
    for (const o of offsets) {
      if (!this.splits.has(tpKey(o.topic, o.partition))) continue;
      let list = byTopic.get(o.topic);
      if (list === undefined) byTopic.set(o.topic, (list = []));
      list.push({ partition: o.partition, offset: BigInt(o.offset) });
    }
    if (byTopic.size === 0) return;
    try {
      // A group member commits with its generation: the admin API refuses to alter the offsets of a group with members.
      if (this.ownership !== undefined) return await this.ownership.commit(offsets.filter((o) => this.splits.has(tpKey(o.topic, o.partition))));
      await admin.alterConsumerGroupOffsets({ groupId: this.c.groupId, topics: [...byTopic].map(([name, partitionOffsets]) => ({ name, partitionOffsets })) });
    } catch (e) {
      if (this.running) this.log(`kafka source: committing the offsets of checkpoint ${checkpointId} failed: ${describe(e)}`);
    }
  }

  private live(): boolean {
    return this.running && this.ctx.isRunning() && this.failure === undefined;
  }

  private fail(e: unknown): void {
    this.failure ??= e;
    this.running = false;
    this.wake();
  }

  private kafkaError(e: unknown): Error {
    return new Error(`kafka source (${this.c.brokers.join(',')}): ${describe(e)}`, { cause: e });
  }

  private debug(line: string): void {
    if (this.c.logLevel === 'info' || this.c.logLevel === 'debug') this.log(line);
  }

  /** Sleeps `ms`, waking early on cancel, failure or the end of a bounded input. */
  private pause(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      this.wake = resolve;
      void this.ctx.sleep(ms).then(resolve);
    });
  }

  /** Watermarks (and idleness) are re-evaluated on a timer too, so quiet partitions time out without records. */
  private async tickWatermarks(): Promise<void> {
    while (this.live()) {
      this.emitWatermark();
      await this.ctx.sleep(WATERMARK_INTERVAL_MS);
    }
  }

  /** The topics to read: the configured ones, or those matching the pattern (waiting until one exists). */
  private async resolveTopics(): Promise<string[] | undefined> {
    if (this.c.topics !== undefined) return this.c.topics;
    // Whole-name match, as Flink's topic pattern (java.util.regex matches()).
    const re = new RegExp(`^(?:${this.c.topicPattern})$`);
    let logged = false;
    while (this.live()) {
      const matching = (await this.admin!.listTopics()).filter((t) => !t.startsWith('__') && re.test(t)).sort();
      if (matching.length > 0) return matching;
      if (!logged) this.log(`kafka source: no topic matches /${this.c.topicPattern}/ yet; checking every 2 s`);
      logged = true;
      await this.pause(2000);
    }
    return undefined;
  }

  /**
   * Reads the topics' metadata: this subtask's partitions and their leaders. Partitions seen for the first time get a
   * start position (restored offsets win over `startFrom`), and at the job's start in bounded mode an end offset.
   */
  private async discoverPartitions(first: boolean): Promise<void> {
    const consumer = this.consumer!;
    const metadata = await consumer.metadata({ topics: this.topics, forceUpdate: true });
    const fresh: Split[] = [];
    for (const topic of this.topics) {
      const t = metadata.topics.get(topic);
      if (t === undefined) continue;
      for (let partition = 0; partition < t.partitionsCount; partition++) {
        // Other subtasks' partitions: neither read nor waited for here.
        if (this.ownership ? !this.ownership.owns(topic, partition) : subtaskOfPartition(partition, this.parallelism) !== this.subtask) continue;
        const key = tpKey(topic, partition);
        const split: Split = { key, topic, topicId: t.id, partition, leader: t.partitions[partition]!.leader };
        if (!this.splits.has(key)) fresh.push(split);
        this.splits.set(key, split);
      }
    }
    // The end of a bounded read is fixed at the job's start; partitions that appear later are not part of it.
    if (this.c.bounded && first) this.endOffsets ??= new Map();
    if (fresh.length === 0) return;
    if (!first) this.log(`kafka source: reading new partitions ${fresh.map((s) => s.key).join(', ')} from ${JSON.stringify(this.c.startFrom)}`);
    await this.lookupOffsets(fresh, first);
    const active = fresh.filter((s) => !this.isPartitionDone(s.key)).map((s) => s.key);
    if (first) this.watermarks.assign(active);
    else for (const key of active) this.watermarks.add(key);
    for (const key of active) {
      const restored = this.restoredMaxTimestamps.get(key);
      if (restored !== undefined) this.watermarks.onRecord(key, restored);
    }
  }

  /** Start offsets per `startFrom` for partitions without a restored one; at the start of a bounded read, end offsets. */
  private async lookupOffsets(splits: Split[], first: boolean): Promise<void> {
    const consumer = this.consumer!;
    const topics = [...new Set(splits.map((s) => s.topic))];
    const partitions: Record<string, number[]> = {};
    for (const s of splits) (partitions[s.topic] ??= []).push(s.partition);
    const list = (timestamp: bigint) => consumer.listOffsets({ topics, partitions, timestamp });
    const [low, high] = await Promise.all([list(EARLIEST), list(LATEST)]);
    const start = this.c.startFrom;
    const byTime = typeof start === 'object' ? await list(BigInt(start.timestamp)) : undefined;
    const committed = new Map<string, number>();
    if (start === 'committed') {
      const groups = await this.admin!.listConsumerGroupOffsets({ groups: [{ groupId: this.c.groupId, topics: topics.map((name) => ({ name, partitionIndexes: partitions[name]! })) }] });
      for (const g of groups) for (const t of g.topics) for (const p of t.partitions) if (p.committedOffset >= 0n) committed.set(tpKey(t.name, p.partitionIndex), Number(p.committedOffset));
    }
    for (const s of splits) {
      const lo = Number(low.get(s.topic)![s.partition]!);
      const hi = Number(high.get(s.topic)![s.partition]!);
      if (this.endOffsets !== undefined && first && !this.endOffsets.has(s.key)) this.endOffsets.set(s.key, hi);
      if (this.positions.has(s.key)) continue;
      let offset: number;
      if (start === 'earliest') offset = lo;
      else if (start === 'latest') offset = hi;
      else if (start === 'committed') offset = Math.min(Math.max(committed.get(s.key) ?? lo, lo), hi);
      else {
        const t = Number(byTime!.get(s.topic)![s.partition]!);
        offset = t >= 0 ? t : hi;
      }
      this.positions.set(s.key, { topic: s.topic, partition: s.partition, offset });
    }
  }

  private isPartitionDone(key: string): boolean {
    if (this.endOffsets === undefined) return false;
    const end = this.endOffsets.get(key);
    return end === undefined || (this.positions.get(key)?.offset ?? 0) >= end;
  }

  private boundedDone(): boolean {
    if (this.endOffsets === undefined) return false;
    for (const key of this.endOffsets.keys()) if (!this.isPartitionDone(key)) return false;
    return true;
  }

  private fetchFailures = 0;
  /** Per leader, the Fetch sent ahead (fetchFrom) and the partitions and offsets it asked for. */
  private readonly prefetched = new Map<number, { signature: string; response: Promise<FetchResult> }>();

  /** One Fetch to each leader of this subtask's partitions (concurrently); each response is emitted as it arrives. */
  private async fetchRound(): Promise<void> {
    const byLeader = new Map<number, Split[]>();
    for (const s of this.splits.values()) {
      if (this.isPartitionDone(s.key)) continue;
      let list = byLeader.get(s.leader);
      if (list === undefined) byLeader.set(s.leader, (list = []));
      list.push(s);
    }
    if (byLeader.size === 0) {
      // No partition of ours (more subtasks than partitions): idle, as Flink's reader without splits, until one comes.
      if (!this.markedIdle) this.ctx.markAsTemporarilyIdle();
      this.markedIdle = true;
      await this.pause(Math.min(this.c.partitionDiscoveryIntervalMs, 1000));
      return;
    }
    // Fetches sent ahead to a leader no partition of ours has any more (leader moved, partitions ended) are dropped.
    for (const node of [...this.prefetched.keys()]) if (!byLeader.has(node)) this.prefetched.delete(node);
    const results = await Promise.allSettled([...byLeader].map(([leader, splits]) => this.fetchFrom(leader, splits)));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed === undefined) {
      this.fetchFailures = 0;
      return;
    }
    if (!this.live()) return;
    await this.recover(failed.reason);
  }

  /**
   * Fetches from one leader and emits the response. The next Fetch to the same leader is sent before this response is
   * emitted (its offsets follow from the batches received), so the broker works while the engine does: one request in
   * flight per leader, as kafkajs fetches ahead of eachBatch. The early response is used only if it asked for exactly
   * the positions the partitions have when it is needed; otherwise (a dead letter past a batch end, a bounded end,
   * new partitions, a restore) it is dropped and fetched again.
   */
  private async fetchFrom(node: number, splits: Split[]): Promise<void> {
    const asked = splits.map((s) => this.positions.get(s.key)!.offset);
    const signature = fetchSignature(splits, asked);
    const early = this.prefetched.get(node);
    this.prefetched.delete(node);
    let response: FetchResult;
    if (early !== undefined && early.signature === signature) response = await early.response;
    else {
      early?.response.catch(() => {});
      response = await this.fetchRequest(node, splits, asked);
    }
    const bySplit = new Map<Split, RecordsBatch[]>();
    const next = [...asked];
    for (const t of response.responses) {
      for (const p of t.partitions) {
        const i = splits.findIndex((s) => s.topicId === t.topicId && s.partition === p.partitionIndex);
        const last = p.records?.at(-1);
        if (i < 0 || last === undefined) continue;
        bySplit.set(splits[i]!, p.records!);
        next[i] = Math.max(next[i]!, Number(last.firstOffset) + last.lastOffsetDelta + 1);
      }
    }
    if (this.live() && bySplit.size > 0) {
      const ahead = this.fetchRequest(node, splits, next);
      // Settled later (used, or dropped and its error ignored); never an unhandled rejection.
      ahead.catch(() => {});
      this.prefetched.set(node, { signature: fetchSignature(splits, next), response: ahead });
    }
    for (const [split, batches] of bySplit) {
      if (!this.live()) return;
      await this.emitBatches(split, batches);
    }
    this.emitWatermark();
  }

  private fetchRequest(node: number, splits: Split[], offsets: number[]): Promise<FetchResult> {
    const byTopicId = new Map<string, { partition: number; fetchOffset: bigint; partitionMaxBytes: number; currentLeaderEpoch: number; lastFetchedEpoch: number }[]>();
    splits.forEach((s, i) => {
      let list = byTopicId.get(s.topicId);
      if (list === undefined) byTopicId.set(s.topicId, (list = []));
      list.push({ partition: s.partition, fetchOffset: BigInt(offsets[i]!), partitionMaxBytes: this.c.fetchMaxBytesPerPartition, currentLeaderEpoch: -1, lastFetchedEpoch: -1 });
    });
    return this.consumer!.fetch({ node, maxBytes: MAX_BYTES, topics: [...byTopicId].map(([topicId, partitions]) => ({ topicId, partitions })) });
  }

  /**
   * After a failed fetch: stale metadata (leader moved, partition unknown) is read again, an offset out of range is
   * moved into the partition's range (Flink's reset strategy), anything else is retried after a pause; the job fails
   * after MAX_FETCH_FAILURES in a row.
   */
  private async recover(error: unknown): Promise<void> {
    const e = error as { findBy?: (k: string, v: unknown) => unknown };
    this.fetchFailures++;
    if (this.fetchFailures > MAX_FETCH_FAILURES) throw error;
    this.log(`kafka source: fetch failed (${this.fetchFailures}/${MAX_FETCH_FAILURES}), retrying: ${describe(error)}`);
    if (e.findBy?.('apiId', 'OFFSET_OUT_OF_RANGE')) {
      await this.clampOffsets();
      return;
    }
    if (e.findBy?.('hasStaleMetadata', true)) this.consumer!.clearMetadata();
    await this.pause(250 * this.fetchFailures);
    if (this.live()) await this.discoverPartitions(false);
  }

  /** Positions outside [log start, end] (records deleted by retention, or a checkpoint from a recreated topic). */
  private async clampOffsets(): Promise<void> {
    const splits = [...this.splits.values()];
    const topics = [...new Set(splits.map((s) => s.topic))];
    const [low, high] = await Promise.all([EARLIEST, LATEST].map((timestamp) => this.consumer!.listOffsets({ topics, timestamp })));
    for (const s of splits) {
      const pos = this.positions.get(s.key)!;
      const lo = Number(low!.get(s.topic)![s.partition]!);
      const hi = Number(high!.get(s.topic)![s.partition]!);
      const to = pos.offset < lo ? lo : pos.offset > hi ? hi : pos.offset;
      if (to !== pos.offset) this.log(`kafka source: offset ${pos.offset} of ${s.key} is out of range [${lo}, ${hi}]; reading from ${to}`);
      pos.offset = to;
    }
  }

  /**
   * Emits a partition's fetched record batches in engine batches of up to CHUNK records, advancing the partition's
   * position with each record in the same synchronous step (a checkpoint sees all of an engine batch or none), and
   * yielding to the event loop between engine batches. A malformed record goes to the dead-letter output after the
   * records before it, so outputs keep Kafka's order.
   */
  private async emitBatches(split: Split, batches: RecordsBatch[]): Promise<void> {
    const { key, topic, partition } = split;
    const pos = this.positions.get(key)!;
    const end = this.endOffsets?.get(key) ?? (this.endOffsets !== undefined ? -1 : Number.POSITIVE_INFINITY);
    let maxTs = Number.NEGATIVE_INFINITY;
    let ended = false;
    for (const batch of batches) {
      const base = Number(batch.firstOffset);
      const next = base + batch.lastOffsetDelta + 1;
      // Commit/abort markers carry no data; aborted batches were removed by the client (read_committed).
      if ((batch.attributes & IS_CONTROL) !== 0 || next <= pos.offset) {
        if (next > pos.offset) pos.offset = Math.min(next, end);
        continue;
      }
      const logAppendTime = (batch.attributes & LOG_APPEND_TIME) !== 0;
      const baseTs = Number(logAppendTime ? batch.maxTimestamp : batch.firstTimestamp);
      const records = batch.records;
      for (let i = 0; i < records.length; i++) {
        const r = records[i]!;
        const offset = base + r.offsetDelta;
        if (offset < pos.offset) continue;
        if (offset >= end) {
          ended = true;
          break;
        }
        const recordTs = logAppendTime ? baseTs : baseTs + Number(r.timestampDelta);
        const value = this.decode(topic, partition, r, offset, recordTs);
        if (value === undefined) {
          this.flush(key, maxTs);
          maxTs = Number.NEGATIVE_INFINITY;
          pos.offset = offset + 1;
          this.ctx.deadLetter(this.dead!.raw, this.dead!.error, `${topic}/${partition}@${offset}`);
          continue;
        }
        const n = this.filled++;
        this.values[n] = value;
        const t = this.eventTime;
        this.timestamps[n] = Number.isFinite(t) ? t : NO_TIMESTAMP;
        if (t > maxTs) maxTs = t;
        pos.offset = offset + 1;
        if (this.filled === CHUNK) {
          this.flush(key, maxTs);
          maxTs = Number.NEGATIVE_INFINITY;
          this.emitWatermark();
          await this.ctx.yield();
          if (!this.live()) return;
        }
      }
      if (ended) break;
      // Past records the batch no longer holds (compacted away) too.
      if (next > pos.offset) pos.offset = Math.min(next, end);
    }
    this.flush(key, maxTs);
    if (this.isPartitionDone(key)) {
      this.watermarks.remove(key);
      if (this.boundedDone()) this.wake();
    }
  }

  /** Hands the filled records to the engine in one call; downstream operators run inside it, their errors fail the job. */
  private flush(key: string, maxTs: number): void {
    const n = this.filled;
    if (maxTs > Number.NEGATIVE_INFINITY) this.watermarks.onRecord(key, maxTs);
    if (n === 0) return;
    this.filled = 0;
    try {
      this.ctx.collectBatchWithTimestamps(this.values, this.timestamps, n);
    } catch (e) {
      this.fail(e);
      throw e;
    } finally {
      // Lent arrays: drop the references so records do not outlive the batch here.
      this.values.fill(undefined, 0, n);
    }
  }

  /**
   * One Kafka record as the source emits it, its event time in `eventTime` (NaN when it has none); undefined for a
   * malformed record, whose raw value and error are left in `dead`.
   */
  private decode(topic: string, partition: number, r: WireRecord, offset: number, recordTs: number): unknown {
    let value: unknown;
    const bytes = r.value;
    if (this.c.format === 'bytes') value = bytes;
    else if (bytes === null) value = null;
    else if (this.c.format === 'string') value = bytes.toString('utf8');
    else {
      const raw = bytes.toString('utf8');
      try {
        value = JSON.parse(raw);
      } catch (e) {
        this.dead = { raw, error: `invalid JSON: ${(e as Error).message}` };
        return undefined;
      }
    }
    let eventTime = recordTs >= 0 ? recordTs : Number.NaN;
    if (this.c.timestampField !== undefined) {
      const t = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[this.c.timestampField] : undefined;
      eventTime = typeof t === 'number' ? t : typeof t === 'string' ? Date.parse(t) : Number.NaN;
      if (!Number.isFinite(eventTime)) {
        this.dead = { raw: value, error: `timestamp field "${this.c.timestampField}" is missing or not a time: ${JSON.stringify(t)}` };
        return undefined;
      }
    }
    this.eventTime = eventTime;
    return this.c.valueOnly
      ? value
      : ({ topic, partition, offset, key: r.key === null ? null : r.key.toString('utf8'), value, headers: decodeHeaders(r.headers), timestamp: recordTs } satisfies KafkaRecord);
  }

  private emitWatermark(): void {
    const { watermark, allIdle } = this.watermarks.current();
    try {
      if (allIdle) {
        if (!this.markedIdle) this.ctx.markAsTemporarilyIdle();
        this.markedIdle = true;
      } else if (watermark > this.lastWatermark) {
        this.lastWatermark = watermark;
        // A watermark also makes the downstream channel active again.
        this.markedIdle = false;
        this.ctx.emitWatermark(watermark);
      }
    } catch (e) {
      // Windows and timers fire inside emitWatermark: their user functions' errors fail the job.
      this.fail(e);
    }
  }
}

type FetchResult = Awaited<ReturnType<Consumer['fetch']>> & { responses: { topicId: string; partitions: { partitionIndex: number; records?: RecordsBatch[] }[] }[] };

/** Which partitions a Fetch asked for, and from which offsets. */
const fetchSignature = (splits: Split[], offsets: number[]): string => splits.map((s, i) => `${s.key}@${offsets[i]}`).join(',');

/** Closes without waiting for in-flight requests; typed by hand: the callback overload of close() is picked for `close(true)`. */
const forceClose = (consumer: Consumer): Promise<void> => (consumer.close as (force: boolean) => Promise<void>).call(consumer, true);

/** The headers of every record without any: one frozen object, not an allocation per record. */
const NO_HEADERS: Record<string, string | string[]> = Object.freeze({});

/** Header pairs as an object of UTF-8 strings; a repeated header becomes an array, in order. */
function decodeHeaders(headers: WireRecord['headers']): Record<string, string | string[]> {
  if (headers.length === 0) return NO_HEADERS;
  const out: Record<string, string | string[]> = {};
  for (let i = 0; i < headers.length; i++) {
    const [k, v] = headers[i]!;
    if (k === null || v === null) continue;
    const name = k.toString('utf8');
    const value = v.toString('utf8');
    const prev = out[name];
    out[name] = prev === undefined ? value : Array.isArray(prev) ? [...prev, value] : [prev, value];
  }
  return out;
}

/** A client error's message with the protocol errors inside it (the outer message alone says only "response with error"). */
function describe(e: unknown): string {
  const err = e as Error & { errors?: unknown[] };
  const inner = Array.isArray(err?.errors) ? err.errors.map((x) => (x as Error)?.message).filter(Boolean) : [];
  return `${err?.message ?? String(e)}${inner.length > 0 ? ` (${[...new Set(inner)].join('; ')})` : ''}`;
}
