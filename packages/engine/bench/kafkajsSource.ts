// The Kafka source as it was before it moved to @platformatic/kafka (commit 660e06d~1): a kafkajs consumer group with
// eachBatch. Kept only as the benchmark's baseline (kafka.ts runs the same job on both sources); not part of the engine.
import type { Admin, AssignerProtocol as Protocol, Consumer, EachBatchPayload, IHeaders, KafkaMessage, PartitionAssigner } from 'kafkajs';
import { MIN_WATERMARK, NO_TIMESTAMP } from '../src/time/Watermark.js';
import type { SourceContext, SourceFunction } from '../src/connectors/SourceFunction.js';
import { createKafkaClient, jobLogger, loadKafkaJs, tpKey } from '../src/connectors/kafka/client.js';
import { KafkaSourceConfig, parseRoleConfig, type KafkaSourceConfigParsed } from '../src/connectors/kafka/config.js';
import { PartitionWatermarks } from '../src/connectors/kafka/PartitionWatermarks.js';
import { subtaskOfPartition } from '../src/connectors/kafka/SubtaskAssigner.js';
import type { KafkaRecord, OffsetEntry } from '../src/connectors/kafka/KafkaSourceFunction.js';
import { KafkaSourceState } from '../src/connectors/kafka/KafkaSourceFunction.js';

/** How often watermarks are re-evaluated without records (idleness), as Flink's default autoWatermarkInterval. */
const WATERMARK_INTERVAL_MS = 200;
/** Records of a fetch emitted as one batch; the source yields to the event loop (timers, checkpoints, heartbeats) between. */
const CHUNK = 2048;
/** Checkpoints taken but not yet completed whose offsets are kept for committing. */
const MAX_PENDING_COMMITS = 16;

interface Position {
  topic: string;
  partition: number;
  /** Next offset to emit. */
  offset: number;
}

/**
 * Reads Kafka topics through a kafkajs consumer group (Flink's KafkaSource). Offsets are tracked by the source, not by
 * the group: every emitted record advances its partition's position synchronously, checkpoints store the positions,
 * a restored source seeks there on partition assignment, and completed checkpoints commit them to the group.
 */
export class KafkajsSourceFunction implements SourceFunction<unknown> {
  private readonly c: KafkaSourceConfigParsed;
  private readonly positions = new Map<string, Position>();
  /** Bounded mode: the high watermark of each partition when the job started. */
  private endOffsets: Map<string, number> | undefined;
  private readonly pendingCommits = new Map<number, OffsetEntry[]>();
  private subscribed = new Set<string>();
  private consumer: Consumer | undefined;
  private admin: Admin | undefined;
  private joined = false;
  private running = true;
  private failure: unknown;
  private wake: () => void = () => {};
  private ctx!: SourceContext;
  private log: (line: string) => void = () => {};
  private watermarks!: PartitionWatermarks;
  private lastWatermark = MIN_WATERMARK;
  private markedIdle = false;
  /** The batch being filled (emitChunk): lent to the engine for the length of one call. */
  private readonly values: unknown[] = new Array<unknown>(CHUNK);
  private readonly timestamps = new Float64Array(CHUNK);
  /** Set by decode(): the record's event time, or why it is malformed. */
  private eventTime = Number.NaN;
  private dead: { raw: unknown; error: string } | undefined;
  /** This source subtask among `parallelism`: it reads partitions i with i mod parallelism = subtask. */
  private subtask = 0;
  private parallelism = 1;

  constructor(config: unknown) {
    this.c = parseRoleConfig(KafkaSourceConfig, config, 'source');
  }

  async run(ctx: SourceContext): Promise<void> {
    this.ctx = ctx;
    this.subtask = ctx.subtaskIndex ?? 0;
    this.parallelism = ctx.parallelism ?? 1;
    this.log = jobLogger(ctx.services);
    this.watermarks = new PartitionWatermarks(this.c.maxOutOfOrdernessMs, this.c.idlenessMs, () => ctx.getCurrentProcessingTime());
    let admin: Admin | undefined;
    try {
      const kafka = await createKafkaClient(this.c, this.log);
      admin = this.admin = kafka.admin();
      await admin.connect();
      const topics = await this.resolveTopics(admin);
      if (topics === undefined || !this.live()) return;
      this.subscribed = new Set(topics);
      await this.lookupOffsets(admin, topics);
      if (!this.live() || this.boundedDone()) return;

      const { AssignerProtocol } = await loadKafkaJs();
      const consumer = (this.consumer = kafka.consumer({
        groupId: this.c.groupId,
        // Partition i goes to subtask i mod parallelism, whatever order the subtasks join in.
        partitionAssigners: [subtaskAssigner(AssignerProtocol, { subtask: this.subtask, parallelism: this.parallelism })],
        maxWaitTimeInMs: this.c.fetchMaxWaitMs,
        // Heartbeats must come well within the session timeout (kafkajs' default interval is 3 s).
        ...(this.c.sessionTimeoutMs !== undefined ? { sessionTimeout: this.c.sessionTimeoutMs, heartbeatInterval: Math.min(3000, Math.floor(this.c.sessionTimeoutMs / 3)) } : {}),
      }));
      consumer.on(consumer.events.GROUP_JOIN, (e) => this.onAssignment(e.payload.memberAssignment));
      // Batches that only held control records or aborted messages never reach eachBatch: move past them.
      consumer.on(consumer.events.END_BATCH_PROCESS, (e) => {
        if (e.payload.batchSize === 0 && e.payload.lastOffset != null) this.advance(e.payload.topic, e.payload.partition, Number(e.payload.lastOffset) + 1);
      });
      consumer.on(consumer.events.CRASH, (e) => {
        if (!e.payload.restart) this.fail(this.kafkaError(e.payload.error));
      });
      await consumer.connect();
      await consumer.subscribe({ topics, fromBeginning: true });
      await consumer.run({ autoCommit: false, eachBatchAutoResolve: false, partitionsConsumedConcurrently: 1, eachBatch: (p) => this.onBatch(p) });
      while (this.live() && !this.boundedDone()) {
        this.emitWatermark();
        await this.pause(WATERMARK_INTERVAL_MS);
      }
    } catch (e) {
      // Errors while cancelling (a request cut short by disconnect) are not failures.
      if (this.running && ctx.isRunning()) this.failure ??= this.kafkaError(e);
    } finally {
      this.running = false;
      await this.consumer?.disconnect().catch((e: Error) => this.log(`kafka source: disconnect failed: ${e.message}`));
      await admin?.disconnect().catch(() => {});
    }
    if (this.failure !== undefined) throw this.failure;
  }

  cancel(): void {
    this.running = false;
    this.wake();
  }

  snapshotState(checkpointId: number): KafkaSourceState {
    const offsets = [...this.positions.values()]
      .sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition))
      .map((p) => ({ topic: p.topic, partition: p.partition, offset: String(p.offset) }));
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
      if ((this.positions.get(key)?.offset ?? -1) < offset) this.positions.set(key, { topic: o.topic, partition: o.partition, offset });
    }
  }

  /** After a change of parallelism: every partition's position from the old subtask that read it (positions only grow). */
  restoreUnionState(states: unknown[]): void {
    for (const state of states) {
      if (state === undefined) continue;
      this.restoreState(state);
    }
  }

  /** Commits the checkpoint's positions to the consumer group (for monitoring, and for startFrom 'committed'). */
  async notifyCheckpointComplete(checkpointId: number): Promise<void> {
    const offsets = this.pendingCommits.get(checkpointId);
    for (const id of [...this.pendingCommits.keys()]) if (id <= checkpointId) this.pendingCommits.delete(id);
    const consumer = this.consumer;
    // Before the group is joined there is nothing to commit with; a later checkpoint commits newer offsets.
    if (offsets === undefined || consumer === undefined || !this.joined || !this.running) return;
    const mine = offsets.filter((o) => this.subscribed.has(o.topic));
    if (mine.length === 0) return;
    try {
      await consumer.commitOffsets(mine);
    } catch (e) {
      this.log(`kafka source: committing the offsets of checkpoint ${checkpointId} failed: ${(e as Error).message}`);
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
    const err = e as Error;
    return new Error(`kafka source (${this.c.brokers.join(',')}): ${err?.message ?? String(e)}`, { cause: e });
  }

  /** Sleeps `ms`, waking early on cancel, failure or the end of a bounded input. */
  private pause(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      this.wake = resolve;
      void this.ctx.sleep(ms).then(resolve);
    });
  }

  /** The topics to read: the configured ones, or those matching the pattern (waiting until one exists). */
  private async resolveTopics(admin: Admin): Promise<string[] | undefined> {
    if (this.c.topics !== undefined) return this.c.topics;
    // Whole-name match, as Flink's topic pattern (java.util.regex matches()).
    const re = new RegExp(`^(?:${this.c.topicPattern})$`);
    let logged = false;
    while (this.live()) {
      const matching = (await admin.listTopics()).filter((t) => !t.startsWith('__') && re.test(t)).sort();
      if (matching.length > 0) return matching;
      if (!logged) this.log(`kafka source: no topic matches /${this.c.topicPattern}/ yet; checking every 2 s`);
      logged = true;
      await this.pause(2000);
    }
    return undefined;
  }

  /**
   * Sets the start position of every partition that has none from a restored checkpoint (restored offsets win), and
   * in bounded mode the end offsets, from one listing so both see the same partitions.
   */
  private async lookupOffsets(admin: Admin, topics: string[]): Promise<void> {
    const start = this.c.startFrom;
    const committed = new Map<string, number>();
    if (start === 'committed') {
      for (const t of await admin.fetchOffsets({ groupId: this.c.groupId, topics })) {
        for (const p of t.partitions) if (Number(p.offset) >= 0) committed.set(tpKey(t.topic, p.partition), Number(p.offset));
      }
    }
    if (this.c.bounded) this.endOffsets ??= new Map();
    for (const topic of topics) {
      const listed = await admin.fetchTopicOffsets(topic);
      const byTime = typeof start === 'object' ? new Map((await admin.fetchTopicOffsetsByTimestamp(topic, start.timestamp)).map((o) => [o.partition, Number(o.offset)])) : undefined;
      for (const o of listed) {
        // Other subtasks' partitions: neither read nor waited for here.
        if (subtaskOfPartition(o.partition, this.parallelism) !== this.subtask) continue;
        const key = tpKey(topic, o.partition);
        const low = Number(o.low);
        const high = Number(o.high);
        // The end of a bounded read is fixed at the first listing.
        if (this.endOffsets !== undefined && !this.endOffsets.has(key)) this.endOffsets.set(key, high);
        if (this.positions.has(key)) continue;
        let offset: number;
        if (start === 'earliest') offset = low;
        else if (start === 'latest') offset = high;
        else if (start === 'committed') offset = Math.min(Math.max(committed.get(key) ?? low, low), high);
        else offset = byTime?.get(o.partition) ?? high;
        this.positions.set(key, { topic, partition: o.partition, offset });
      }
    }
  }

  private isPartitionDone(key: string): boolean {
    if (this.endOffsets === undefined) return false;
    const end = this.endOffsets.get(key);
    // Partitions that appeared after the start are not part of a bounded read.
    return end === undefined || (this.positions.get(key)?.offset ?? 0) >= end;
  }

  private boundedDone(): boolean {
    if (this.endOffsets === undefined) return false;
    for (const key of this.endOffsets.keys()) if (!this.isPartitionDone(key)) return false;
    return true;
  }

  /** Runs synchronously in kafkajs' GROUP_JOIN event, before the first fetch of the new assignment. */
  private onAssignment(assignment: Record<string, number[]>): void {
    const consumer = this.consumer!;
    this.joined = true;
    const active: string[] = [];
    const unknown: { topic: string; partition: number }[] = [];
    for (const [topic, partitions] of Object.entries(assignment)) {
      for (const partition of partitions) {
        const key = tpKey(topic, partition);
        const pos = this.positions.get(key);
        if (this.isPartitionDone(key)) {
          consumer.pause([{ topic, partitions: [partition] }]);
          continue;
        }
        active.push(key);
        // Always seek: the group's committed offset may lag behind (or run ahead of) what this job has emitted.
        if (pos !== undefined) consumer.seek({ topic, partition, offset: String(pos.offset) });
        else unknown.push({ topic, partition });
      }
    }
    this.watermarks.assign(active);
    if (unknown.length > 0) void this.startNewPartitions(unknown);
  }

  /** Partitions created after the job started: paused until their start offset is looked up. */
  private async startNewPartitions(parts: { topic: string; partition: number }[]): Promise<void> {
    const consumer = this.consumer!;
    const byTopic = (ps: typeof parts) => [...new Set(ps.map((p) => p.topic))].map((topic) => ({ topic, partitions: ps.filter((p) => p.topic === topic).map((p) => p.partition) }));
    consumer.pause(byTopic(parts));
    try {
      await this.lookupOffsets(this.admin!, [...new Set(parts.map((p) => p.topic))]);
      if (!this.live()) return;
      for (const p of parts) {
        const pos = this.positions.get(tpKey(p.topic, p.partition));
        if (pos !== undefined) consumer.seek({ topic: p.topic, partition: p.partition, offset: String(pos.offset) });
      }
      consumer.resume(byTopic(parts));
    } catch (e) {
      if (this.live()) this.fail(this.kafkaError(e));
    }
  }

  private advance(topic: string, partition: number, next: number): void {
    const pos = this.positions.get(tpKey(topic, partition));
    if (pos !== undefined && next > pos.offset) pos.offset = next;
  }

  private async onBatch({ batch, resolveOffset, heartbeat, isRunning, isStale, pause }: EachBatchPayload): Promise<void> {
    const { topic, partition } = batch;
    const key = tpKey(topic, partition);
    const pos = this.positions.get(key);
    if (pos === undefined) return;
    const end = this.endOffsets?.get(key) ?? (this.endOffsets !== undefined ? -1 : Number.POSITIVE_INFINITY);
    const messages = batch.messages;
    let i = 0;
    while (i < messages.length) {
      // isStale: a seek is pending for this partition (new assignment); the rest of the batch is fetched again from there.
      if (!this.live() || !isRunning() || isStale()) return;
      const r = this.emitChunk(pos, messages, i, end);
      // kafkajs fetches on after the last resolved offset.
      if (r.lastOffset !== undefined) resolveOffset(r.lastOffset);
      i = r.next;
      if (r.ended) {
        this.partitionEnded(key, pause);
        return;
      }
      if (i < messages.length) {
        this.emitWatermark();
        await this.ctx.yield();
        await heartbeat();
      }
    }
    if (!this.live() || isStale()) return;
    // Past control records and aborted messages at the end of the batch too.
    if (messages.length > 0) this.advance(topic, partition, Math.min(Number(batch.lastOffset()) + 1, end));
    if (this.isPartitionDone(key)) this.partitionEnded(key, pause);
    this.emitWatermark();
  }

  private partitionEnded(key: string, pause: () => void): void {
    pause();
    this.watermarks.remove(key);
    if (this.boundedDone()) this.wake();
  }

  /**
   * Decodes up to CHUNK messages from `from` into the batch arrays and emits them in one collectBatchWithTimestamps,
   * advancing the partition's position in the same synchronous step (a checkpoint sees all of the chunk or none).
   * A malformed record goes to the dead-letter output after the records before it, so outputs keep Kafka's order.
   */
  private emitChunk(pos: Position, messages: KafkaMessage[], from: number, end: number): { next: number; ended: boolean; lastOffset: string | undefined } {
    const { topic, partition } = pos;
    const values = this.values;
    const timestamps = this.timestamps;
    const stop = Math.min(messages.length, from + CHUNK);
    let n = 0;
    let maxTs = Number.NEGATIVE_INFINITY;
    let i = from;
    let ended = false;
    let lastOffset: string | undefined;
    try {
      for (; i < stop; i++) {
        const m = messages[i]!;
        const offset = Number(m.offset);
        if (offset < pos.offset) continue;
        if (offset >= end) {
          ended = true;
          break;
        }
        pos.offset = offset + 1;
        lastOffset = m.offset;
        const rec = this.decode(topic, partition, m, offset);
        if (rec === undefined) {
          // Records before the malformed one go out first.
          if (n > 0) this.ctx.collectBatchWithTimestamps(values, timestamps, n);
          n = 0;
          this.ctx.deadLetter(this.dead!.raw, this.dead!.error, `${topic}/${partition}@${offset}`);
          continue;
        }
        values[n] = rec;
        const t = this.eventTime;
        timestamps[n++] = Number.isFinite(t) ? t : NO_TIMESTAMP;
        if (t > maxTs) maxTs = t;
      }
      if (maxTs > Number.NEGATIVE_INFINITY) this.watermarks.onRecord(tpKey(topic, partition), maxTs);
      // Downstream operators run inside this call: their errors fail the job (kafkajs would only log and retry them).
      if (n > 0) this.ctx.collectBatchWithTimestamps(values, timestamps, n);
    } catch (e) {
      this.fail(e);
    }
    // Lent arrays: drop the references so records do not outlive the batch here.
    values.fill(undefined, 0, i - from);
    return { next: i, ended, lastOffset };
  }

  /**
   * One Kafka record as the source emits it, its event time in `eventTime` (NaN when it has none); undefined for a
   * malformed record, whose raw value and error are left in `dead`.
   */
  private decode(topic: string, partition: number, m: KafkaMessage, offset: number): unknown {
    let value: unknown;
    if (this.c.format === 'bytes') value = m.value;
    else if (m.value === null) value = null;
    else if (this.c.format === 'string') value = m.value.toString('utf8');
    else {
      const raw = m.value.toString('utf8');
      try {
        value = JSON.parse(raw);
      } catch (e) {
        this.dead = { raw, error: `invalid JSON: ${(e as Error).message}` };
        return undefined;
      }
    }
    const recordTs = Number(m.timestamp);
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
      : ({ topic, partition, offset, key: m.key === null ? null : m.key.toString('utf8'), value, headers: decodeHeaders(m.headers), timestamp: recordTs } satisfies KafkaRecord);
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

function decodeHeaders(headers: IHeaders | undefined): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  if (headers === undefined) return out;
  // for-in, not Object.entries: no array per record for the common case of no headers.
  for (const k in headers) {
    const v = headers[k];
    if (v === undefined) continue;
    out[k] = Array.isArray(v) ? v.map((x) => x.toString()) : v.toString();
  }
  return out;
}

/** What each member of the group says about itself: which source subtask it is. */
interface SubtaskInfo {
  subtask: number;
  parallelism: number;
}

/** Partition `partition` belongs to subtask `partition mod parallelism` (Flink's KafkaSource assigns splits so). */

/**
 * A kafkajs partition assigner that gives partition i of every topic to source subtask i mod p: each subtask of a
 * job always reads the same partitions, so the offsets in its checkpointed state are those of its partitions, and
 * nothing is read twice while subtasks join. Members that are the same subtask (two jobs sharing a group id to scale
 * out) share that subtask's partitions; partitions whose subtask has not joined yet wait for it (its join is a
 * rebalance). Partitions added later go through the same rule when kafkajs' metadata refresh triggers a rebalance.
 */
function subtaskAssigner(protocol: typeof Protocol, self: SubtaskInfo): PartitionAssigner {
  return ({ cluster }) => ({
    name: 'FlowbookSubtaskAssigner',
    version: 1,
    async assign({ members, topics }) {
      const info = new Map<string, SubtaskInfo>();
      for (const m of members) {
        const meta = protocol.MemberMetadata.decode(m.memberMetadata);
        let parsed: SubtaskInfo = { subtask: 0, parallelism: 1 };
        try {
          if (meta?.userData && meta.userData.length > 0) parsed = JSON.parse(meta.userData.toString('utf8')) as SubtaskInfo;
        } catch {
          // A member without subtask info (another client) counts as subtask 0 of 1.
        }
        info.set(m.memberId, parsed);
      }
      const parallelism = Math.max(1, ...[...info.values()].map((i) => i.parallelism));
      // Members by subtask, in a fixed order, so that every rebalance gives the same answer.
      const bySubtask = new Map<number, string[]>();
      for (const id of [...info.keys()].sort()) {
        const s = info.get(id)!.subtask;
        bySubtask.set(s, [...(bySubtask.get(s) ?? []), id]);
      }
      const assignment = new Map<string, Record<string, number[]>>(members.map((m) => [m.memberId, {}]));
      for (const topic of topics) {
        for (const { partitionId } of cluster.findTopicPartitionMetadata(topic)) {
          const candidates = bySubtask.get(subtaskOfPartition(partitionId, parallelism));
          if (candidates === undefined) continue;
          const member = candidates[Math.floor(partitionId / parallelism) % candidates.length]!;
          (assignment.get(member)![topic] ??= []).push(partitionId);
        }
      }
      return [...assignment].map(([memberId, a]) => ({ memberId, memberAssignment: protocol.MemberAssignment.encode({ version: 1, assignment: a, userData: Buffer.alloc(0) }) }));
    },
    protocol({ topics }) {
      return { name: 'FlowbookSubtaskAssigner', metadata: protocol.MemberMetadata.encode({ version: 1, topics, userData: Buffer.from(JSON.stringify(self)) }) };
    },
  });
}
