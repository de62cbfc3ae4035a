import type { Kafka, Message, Producer, Transaction } from 'kafkajs';
import { z } from 'zod';
import type { SinkContext } from '../SourceFunction.js';
import { TwoPhaseCommitSink } from '../TwoPhaseCommitSink.js';
import { createKafkaClient, jobLogger, loadKafkaJs } from './client.js';
import { PARTITION_OWNERSHIP_SERVICE, type PartitionOwnership } from './PartitionOwnership.js';
import { KafkaSinkConfig, parseRoleConfig, type KafkaSinkConfigParsed } from './config.js';
import { fromStored, recordSerializer, StoredMessage, toStored, type OutMessage } from './KafkaRecordSerializer.js';

/** One checkpoint interval's records: plain data, kept in the checkpoint until its Kafka transaction is committed. */
export const KafkaTransaction = z.object({
  /** The transactional.id that writes it: `<prefix>-<subtask index>`. */
  transactionalId: z.string(),
  /** The run (attempt) that wrote it: a commit marker counts only for the same lineage, never one of an earlier run. */
  lineage: z.string(),
  records: z.array(StoredMessage),
});
export type KafkaTransaction = z.infer<typeof KafkaTransaction>;

const WriterState = z.object({
  transactionalId: z.string(),
  pending: z.array(z.object({ checkpointId: z.number(), txn: KafkaTransaction })),
});

/** A sink subtask's checkpointed state: its id and the transactions pre-committed but not known to be committed. */
export const KafkaTransactionalSinkState = WriterState.extend({
  /** Restored states of other transactional ids still being settled when the checkpoint was taken. */
  settling: z.array(WriterState).optional(),
});
export type KafkaTransactionalSinkState = z.infer<typeof KafkaTransactionalSinkState>;

/** What a transaction has been given to kafkajs so far (not checkpointed). */
interface Live {
  /** The Kafka transaction, begun when this is the oldest open transaction and has records to send. */
  begun?: Promise<Transaction>;
  /** Records handed to the send chain. */
  queued: number;
  /** Tail of this transaction's sends, one produce request at a time; never rejects (failures go to `error`). */
  sending: Promise<void>;
}

/**
 * Flink's KafkaSink with DeliveryGuarantee.EXACTLY_ONCE, on kafkajs: a transactional producer per sink subtask
 * (transactional.id = `<prefix>-<subtask index>`). The records of a checkpoint interval go into one Kafka transaction,
 * which is flushed at the checkpoint (pre-commit) and committed when the checkpoint completes; the commit also commits
 * a marker (the checkpoint id, as the offset of partition 0 of the sink topic in a consumer group named after the
 * transactional id), atomically with the records. A producer holds one transaction at a time, so the records after a
 * checkpoint wait in memory until the previous transaction is committed.
 *
 * Recovery: kafkajs cannot resume another producer's transaction (Flink does it through the Java client's internals),
 * so the checkpoint keeps the records of its pending transactions. A restored subtask first opens a producer with each
 * transactional id it takes over — InitProducerId fences the old writer and aborts its open transaction — and then
 * writes again, in one transaction with the marker, the pending records whose marker is not yet committed. For a
 * read_committed reader this is the same as committing the old transaction: its aborted copy is never visible, and a
 * transaction that did commit is not written twice. At another parallelism, new subtask i takes over every old id j
 * with j mod parallelism = i, so no transaction of a vanished subtask stays open.
 */
export class KafkaTransactionalSinkWriter extends TwoPhaseCommitSink<unknown, KafkaTransaction> {
  private readonly c: KafkaSinkConfigParsed;
  private readonly serialize: (value: unknown, timestamp: number) => OutMessage;
  private transactionalId = '';
  private lineage = '';
  private kafka: Promise<Kafka> | undefined;
  private producer: Promise<Producer> | undefined;
  /** Done when the transactions a restored checkpoint left are settled; the own producer starts after it. */
  private recovery: Promise<void> = Promise.resolve();
  private readonly live = new WeakMap<KafkaTransaction, Live>();
  /** Restored states not settled yet: a checkpoint taken meanwhile keeps them. */
  private settling: KafkaTransactionalSinkState[] = [];
  /** A scale-out worker's partitions (see PartitionOwnership). */
  private owner: PartitionOwnership | undefined;
  /** Transactions begun and not yet committed, oldest first: only the first may hold the producer's Kafka transaction. */
  private readonly openTxns: KafkaTransaction[] = [];
  private timer: NodeJS.Timeout | undefined;
  /** Inside invokeBatch: sends wait for the end of the batch. */
  private batching = false;
  private closing = false;
  private error: Error | undefined;
  private log: (line: string) => void = () => {};

  constructor(config: unknown) {
    super();
    this.c = parseRoleConfig(KafkaSinkConfig, config, 'sink');
    if (this.c.transactionalIdPrefix === undefined) throw new Error('kafka sink: exactly-once needs "transactionalIdPrefix"');
    this.serialize = recordSerializer(this.c);
  }

  override open(ctx: SinkContext): Promise<void> {
    this.log = jobLogger(ctx.services);
    // A scale-out worker (every one runs subtask 0) writes under an id of its own for the partitions it holds.
    const owner = (this.owner = ctx.services[PARTITION_OWNERSHIP_SERVICE] as PartitionOwnership | undefined);
    this.transactionalId = owner?.writerId !== undefined ? `${this.c.transactionalIdPrefix}-${owner.writerId}` : this.idOf(ctx.subtaskIndex ?? 0);
    this.lineage = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
    void super.open(ctx);
    // The warning kafkajs gives for the bounded retries below does not apply: a send that fails fails the job, its
    // transaction is aborted and the restore writes the checkpoint's records again.
    this.kafka = createKafkaClient(this.c, (line) => {
      if (!line.includes('Limiting retries for the idempotent producer')) this.log(line);
    });
    return this.kafka.then(() => {});
  }

  private idOf(subtask: number): string {
    return `${this.c.transactionalIdPrefix}-${subtask}`;
  }

  protected beginTransaction(): KafkaTransaction {
    const txn: KafkaTransaction = { transactionalId: this.transactionalId, lineage: this.lineage, records: [] };
    this.live.set(txn, { queued: 0, sending: Promise.resolve() });
    this.openTxns.push(txn);
    return txn;
  }

  protected invokeInTransaction(txn: KafkaTransaction, value: unknown, timestamp: number): void {
    if (this.error) throw this.error;
    txn.records.push(toStored(this.serialize(value, timestamp)));
    if (!this.batching && txn === this.openTxns[0]) this.pump(txn, false);
  }

  override invokeBatch(values: readonly unknown[], timestamps: Float64Array, length: number): void {
    this.batching = true;
    try {
      super.invokeBatch(values, timestamps, length);
    } finally {
      this.batching = false;
    }
    const head = this.openTxns[0];
    if (head !== undefined) this.pump(head, false);
  }

  protected transactionSize(txn: KafkaTransaction): number {
    return txn.records.length;
  }

  /** At the checkpoint: everything of the transaction is sent (if it holds the producer now; else when it gets it). */
  protected override preCommit(txn: KafkaTransaction): void {
    if (txn === this.openTxns[0]) this.pump(txn, true);
  }

  /** Sends full batches of the producer's transaction, and the rest when `all` (or after lingerMs). */
  private pump(txn: KafkaTransaction, all: boolean): void {
    const l = this.live.get(txn);
    if (l === undefined) return;
    while (txn.records.length - l.queued >= this.c.batchSize) this.send(txn, l, l.queued + this.c.batchSize);
    if (txn.records.length === l.queued) return;
    if (all || this.c.lingerMs === 0) {
      clearTimeout(this.timer);
      this.timer = undefined;
      this.send(txn, l, txn.records.length);
    } else {
      this.timer ??= setTimeout(() => {
        this.timer = undefined;
        const head = this.openTxns[0];
        if (head !== undefined) this.pump(head, true);
      }, this.c.lingerMs);
    }
  }

  private send(txn: KafkaTransaction, l: Live, end: number): void {
    const messages = txn.records.slice(l.queued, end).map(fromStored) as Message[];
    l.queued = end;
    l.sending = l.sending.then(async () => {
      if (this.error) return;
      try {
        const t = await this.begin(txn, l);
        await t.send({ topic: this.c.topic, messages });
      } catch (e) {
        this.failed(e);
      }
    });
  }

  private begin(txn: KafkaTransaction, l: Live): Promise<Transaction> {
    return (l.begun ??= this.ownProducer().then((p) => p.transaction()));
  }

  /** The subtask's producer, connected once the restored transactions are settled (its first transaction fences them). */
  private ownProducer(): Promise<Producer> {
    return (this.producer ??= (async () => {
      await this.recovery;
      const p = await this.newProducer(this.transactionalId);
      await p.connect();
      return p;
    })());
  }

  private async newProducer(transactionalId: string): Promise<Producer> {
    const { Partitioners } = await loadKafkaJs();
    const kafka = await this.kafka!;
    return kafka.producer({
      transactionalId,
      idempotent: true,
      maxInFlightRequests: 1,
      transactionTimeout: this.c.transactionTimeoutMs,
      // kafkajs retries an idempotent producer's requests forever: a broker that stays away would stall the job
      // instead of failing it. 10 retries with its backoff (0.3 s doubling, at most 30 s) give up after about 2 min,
      // as the Java client's delivery.timeout.ms does.
      retry: { retries: 10 },
      createPartitioner: Partitioners.DefaultPartitioner,
      allowAutoTopicCreation: true,
    });
  }

  /** The marker committed with a transaction: checkpoint id and lineage, in the group named after the transactional id. */
  private marker(txn: KafkaTransaction, checkpointId: number) {
    return { consumerGroupId: txn.transactionalId, topics: [{ topic: this.c.topic, partitions: [{ partition: 0, offset: String(checkpointId), metadata: txn.lineage }] }] };
  }

  /** Commits the transaction of a completed checkpoint (commits run one at a time, oldest first). */
  protected async commit(txn: KafkaTransaction, checkpointId: number): Promise<void> {
    if (this.error) throw this.error;
    const l = this.live.get(txn);
    if (l === undefined) return;
    if (this.openTxns[0] !== txn) throw new Error(`kafka sink ${this.c.topic}: transaction of checkpoint ${checkpointId} committed out of order`);
    if (txn.records.length > 0) {
      this.pump(txn, true);
      await l.sending;
      if (this.error) throw this.error;
      try {
        const t = await this.begin(txn, l);
        await withRetries(() => t.sendOffsets(this.marker(txn, checkpointId)));
        await t.commit();
      } catch (e) {
        this.failed(e);
        throw this.error;
      }
    }
    this.openTxns.shift();
    this.live.delete(txn);
    // The next interval's records have waited for the producer: they go out now.
    const next = this.openTxns[0];
    if (next !== undefined) this.pump(next, false);
  }

  override snapshotState(checkpointId: number) {
    // A sink that failed to write must not let a checkpoint complete.
    if (this.error) throw this.error;
    return { ...super.snapshotState(checkpointId), transactionalId: this.transactionalId, ...(this.settling.length > 0 ? { settling: structuredClone(this.settling) } : {}) };
  }

  /** Checkpoints that complete after close() began are not this writer's to commit (as Flink does not notify closed tasks). */
  override notifyCheckpointComplete(checkpointId: number): Promise<void> {
    if (this.closing) return Promise.resolve();
    return super.notifyCheckpointComplete(checkpointId);
  }

  /** Same parallelism: settles what this subtask's checkpoint left before the producer starts. */
  override restoreState(state: unknown): Promise<void> {
    const s = parseState(state);
    return (this.recovery = this.recover([s]));
  }

  /**
   * Another parallelism: this subtask takes over the ids of old subtasks j with j mod parallelism = subtaskIndex, so that
   * each old id is fenced (its open transaction aborted) and its pending records written once, by one subtask.
   */
  override restoreRescaledState(states: unknown[], subtaskIndex: number): Promise<void> {
    const now = this.ctx.parallelism ?? 1;
    const mine = states.flatMap((s, j) => (j % now !== subtaskIndex ? [] : [s === undefined ? { transactionalId: this.idOf(j), pending: [] } : parseState(s)]));
    return (this.recovery = this.recover(mine));
  }

  /**
   * Settles the restored states one transactional id at a time (a scale-out worker's state is restored from each of
   * its partitions: the pending transactions of one id are joined, each checkpoint once).
   */
  private async recover(states: KafkaTransactionalSinkState[]): Promise<void> {
    const byId = new Map<string, KafkaTransactionalSinkState>();
    for (const s of states.flatMap((s) => [s, ...(s.settling ?? [])])) {
      if (!this.settles(s.transactionalId)) continue;
      const known = byId.get(s.transactionalId) ?? { transactionalId: s.transactionalId, pending: [] };
      for (const p of s.pending) if (!known.pending.some((q) => q.checkpointId === p.checkpointId)) known.pending.push(p);
      known.pending.sort((a, b) => a.checkpointId - b.checkpointId);
      byId.set(s.transactionalId, known);
    }
    // Kept in snapshots until settled, except the own id's: its marker will carry this writer's lineage, which a
    // later restore would take as "not committed" for the old one (its loss window is the settling itself).
    this.settling = [...byId.values()].filter((s) => s.pending.length > 0 && s.transactionalId !== this.transactionalId);
    try {
      for (const s of byId.values()) {
        await this.recoverFenced(s);
        this.settling = this.settling.filter((x) => x !== s);
      }
    } catch (e) {
      this.failed(e);
      throw this.error;
    }
  }

  /**
   * A scale-out worker's state is restored by every new owner of one of its partitions, but only the owner of the
   * partition its id names (`p<m>-g<generation>`: the worker owned m and wrote its row at every checkpoint) settles
   * it: one settler per id, and someone owns m in every generation, so every old id is fenced.
   */
  private settles(transactionalId: string): boolean {
    const named = this.owner?.partitions === undefined ? undefined : /-p(\d+)-g-?\d+$/.exec(transactionalId);
    return named == null || this.owner!.partitions!.includes(Number(named[1]));
  }

  /**
   * Several new owners may settle one old id at once (each took some of a dead worker's partitions): the later one's
   * InitProducerId fences the earlier one's rewrite, which then starts over and finds the marker committed.
   */
  private async recoverFenced(s: KafkaTransactionalSinkState): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.recoverOne(s);
      } catch (e) {
        if (!isFenced(e) || attempt >= 10) throw e;
        this.log(`kafka sink ${this.c.topic}: settling ${s.transactionalId} was fenced by another writer; again (${attempt})`);
        await new Promise((r) => setTimeout(r, 200 + Math.random() * 800));
      }
    }
  }

  private async recoverOne(s: Pick<KafkaTransactionalSinkState, 'transactionalId' | 'pending'>): Promise<void> {
    const producer = await this.newProducer(s.transactionalId);
    await producer.connect();
    try {
      // InitProducerId: the old writer with this id is fenced, and its open transaction aborted, before this returns.
      const t = await producer.transaction();
      const todo = await this.notCommitted(s);
      if (todo.length === 0) return void (await t.abort());
      const records = todo.flatMap((p) => p.txn.records);
      for (let at = 0; at < records.length; at += this.c.batchSize) {
        await t.send({ topic: this.c.topic, messages: records.slice(at, at + this.c.batchSize).map(fromStored) as Message[] });
      }
      const last = todo[todo.length - 1]!;
      await withRetries(() => t.sendOffsets(this.marker(last.txn, last.checkpointId)));
      await t.commit();
      this.log(`kafka sink ${this.c.topic}: ${s.transactionalId} wrote again ${records.length} records of checkpoint(s) ${todo.map((p) => p.checkpointId).join(', ')}, aborted before their commit`);
    } finally {
      await producer.disconnect().catch(() => {});
    }
  }

  /** The pending transactions whose marker is not committed (read after the fence, so no commit is still in flight). */
  private async notCommitted(s: Pick<KafkaTransactionalSinkState, 'transactionalId' | 'pending'>): Promise<KafkaTransactionalSinkState['pending']> {
    if (s.pending.length === 0) return [];
    const admin = (await this.kafka!).admin();
    await admin.connect();
    try {
      const [topic] = await admin.fetchOffsets({ groupId: s.transactionalId, topics: [this.c.topic] });
      const p0 = topic?.partitions.find((p) => p.partition === 0);
      const committed = p0 !== undefined && Number(p0.offset) >= 0 ? { id: Number(p0.offset), lineage: p0.metadata } : undefined;
      return s.pending.filter((p) => committed === undefined || committed.lineage !== p.txn.lineage || committed.id < p.checkpointId);
    } finally {
      await admin.disconnect().catch(() => {});
    }
  }

  /** Cancelled or failed: an open Kafka transaction is aborted (its records are in the checkpoint, if that completes). */
  override async close(): Promise<void> {
    // A commit already enqueued (finish(), a completed checkpoint) still runs; later notifications are ignored: after a
    // failure the transaction is aborted below and a restore writes its records again.
    this.closing = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    await super.close();
    const head = this.openTxns[0];
    const l = head === undefined ? undefined : this.live.get(head);
    if (l?.begun !== undefined) {
      await l.sending;
      const t = await l.begun.catch(() => undefined);
      if (t?.isActive()) await t.abort().catch((e: Error) => this.log(`kafka sink ${this.c.topic}: abort failed: ${e.message}`));
    }
    this.openTxns.length = 0;
    const p = await this.producer?.catch(() => undefined);
    await p?.disconnect().catch((e: Error) => this.log(`kafka sink: disconnect failed: ${e.message}`));
  }

  private failed(e: unknown): void {
    if (this.error) return;
    this.error = new Error(`kafka sink ${this.c.topic} (${this.transactionalId}): ${(e as Error)?.message ?? String(e)}`, { cause: e });
    this.ctx.failJob(this.error);
  }
}

/**
 * Retries what kafkajs gives up on too early: on a new cluster the group coordinator (the __consumer_offsets topic) is
 * created by the first group request, and the marker's offset commit may be that request.
 */
async function withRetries<T>(fn: () => Promise<T>, attempts = 20): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await fn();
    } catch (e) {
      const retriable = (e as { retriable?: boolean }).retriable === true || /coordinator/i.test((e as Error).message);
      if (!retriable || i >= attempts) throw e;
      await new Promise((r) => setTimeout(r, Math.min(100 * i, 1000)));
    }
  }
}

/** Another producer with the same transactional.id took over (InitProducerId gave it a newer epoch). */
function isFenced(e: unknown): boolean {
  const text = (x: unknown): string => (x instanceof Error ? `${(x as { type?: string }).type ?? ''} ${x.message} ${text((x as { cause?: unknown }).cause)}` : '');
  return /PRODUCER_FENCED|INVALID_PRODUCER_EPOCH|fenced/i.test(text(e));
}

function parseState(state: unknown): KafkaTransactionalSinkState {
  const parsed = KafkaTransactionalSinkState.safeParse(state);
  if (!parsed.success) throw new Error(`kafka sink (exactly-once): cannot restore from this checkpoint: ${parsed.error.issues[0]?.message}`);
  return parsed.data;
}
