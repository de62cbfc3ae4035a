import type { SinkContext, SinkFunction } from './SourceFunction.js';

/** The id a transaction gets when bounded input ends: above every checkpoint id, so nothing after it commits twice. */
export const FINAL_TRANSACTION_ID = Number.MAX_SAFE_INTEGER;

export interface Lineage<TXN> {
  /** Identifies a writer's lineage of transactions: commits are deduplicated per lineage and checkpoint id. */
  transactionalIdPrefix: string;
  /** Pre-committed transactions not yet known to be committed, oldest first. */
  pending: { checkpointId: number; txn: TXN }[];
}

export interface TwoPhaseState<TXN> extends Lineage<TXN> {
  /** Restored transactions of earlier lineages whose commit is still running: a checkpoint taken meanwhile keeps them. */
  inherited?: Lineage<TXN>[];
}

/**
 * Flink's TwoPhaseCommitSinkFunction: records go into the current transaction; at a checkpoint barrier the
 * transaction is pre-committed and kept in the checkpoint; when the checkpoint completes it is committed. After a
 * failure, the restored pending transactions are committed again, so `commit` must be idempotent (the subclass
 * records which transactions it committed, atomically with their data). Without checkpointing, each transaction is
 * committed as soon as it is pre-committed (`flushEvery`), which is at-least-once in Flink's terms.
 *
 * Transactions are plain data (they go into the checkpoint JSON).
 */
export abstract class TwoPhaseCommitSink<IN, TXN> implements SinkFunction<IN> {
  protected ctx!: SinkContext;
  protected transactionalIdPrefix = '';
  private current: TXN | undefined;
  private pending: { checkpointId: number; txn: TXN }[] = [];
  /** Restored transactions of other lineages, by lineage, until their commit is done. */
  private readonly inherited = new Map<string, Lineage<TXN>>();
  /** Pending transactions whose commit is running. */
  private readonly committing = new Set<{ checkpointId: number; txn: TXN }>();
  /** Commits run one after another, in checkpoint order. */
  private commitChain: Promise<void> = Promise.resolve();
  private flushTimer: ReturnType<typeof setInterval> | undefined;
  private autoCommitSeq = 0;

  protected abstract beginTransaction(): TXN;
  protected abstract invokeInTransaction(txn: TXN, value: IN, timestamp: number): void;
  /** Records buffered in the transaction (for size-based flushing without checkpoints). */
  protected abstract transactionSize(txn: TXN): number;
  /** At the barrier: make the transaction ready to commit (flush, close files). Synchronous: the snapshot is taken now. */
  protected preCommit(_txn: TXN): void {}
  /**
   * Makes the transaction durable and visible; must be idempotent per (lineage, checkpointId): it is called again
   * after a restore, by one or several new writers, with the lineage that wrote the transaction.
   */
  protected abstract commit(txn: TXN, checkpointId: number, lineage: string): Promise<void>;
  protected abort(_txn: TXN): void {}
  /** Without checkpointing: commit when this many records are buffered, or every `flushIntervalMs`. */
  protected flushEvery = { records: 1000, intervalMs: 1000 };

  open(ctx: SinkContext): void | Promise<void> {
    this.ctx = ctx;
    // One lineage of transactions per subtask: parallel writers never commit (or skip) each other's transactions.
    const subtask = (ctx.parallelism ?? 1) > 1 ? `-${ctx.subtaskIndex ?? 0}` : '';
    this.transactionalIdPrefix ||= `${ctx.nodeId}${subtask}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
    this.current = this.beginTransaction();
    if (!ctx.checkpointing) {
      this.flushTimer = setInterval(() => this.autoCommit(), this.flushEvery.intervalMs);
      this.flushTimer.unref?.();
    }
  }

  invoke(value: IN, timestamp: number): void {
    this.invokeInTransaction(this.current!, value, timestamp);
    if (!this.ctx.checkpointing && this.transactionSize(this.current!) >= this.flushEvery.records) this.autoCommit();
  }

  /** A batch joins the current transaction in one call (a full transaction still commits at once without checkpoints). */
  invokeBatch(values: readonly IN[], timestamps: Float64Array, length: number): void {
    const auto = !this.ctx.checkpointing;
    for (let i = 0; i < length; i++) {
      this.invokeInTransaction(this.current!, values[i]!, timestamps[i]!);
      if (auto && this.transactionSize(this.current!) >= this.flushEvery.records) this.autoCommit();
    }
  }

  /** Without checkpoints: each full transaction commits at once, under increasing ids. */
  private autoCommit(): void {
    if (this.current === undefined || this.transactionSize(this.current) === 0) return;
    const txn = this.current;
    this.preCommit(txn);
    this.current = this.beginTransaction();
    const id = ++this.autoCommitSeq;
    this.enqueueCommit(txn, id).catch((e: unknown) => this.ctx.failJob(e));
  }

  private enqueueCommit(txn: TXN, checkpointId: number, lineage = this.transactionalIdPrefix): Promise<void> {
    const next = this.commitChain.then(() => this.commit(txn, checkpointId, lineage));
    // A failed commit must not block later ones forever; the caller sees (and fails the job on) this one's error.
    this.commitChain = next.catch(() => {});
    return next;
  }

  snapshotState(checkpointId: number): TwoPhaseState<TXN> {
    // Closed (a checkpoint taken while the job drains its sinks): no transaction to pre-commit, nothing more to begin.
    if (this.current !== undefined) {
      const txn = this.current;
      this.preCommit(txn);
      this.pending.push({ checkpointId, txn });
      this.current = this.beginTransaction();
    }
    const inherited = [...this.inherited.values()];
    return structuredClone({ transactionalIdPrefix: this.transactionalIdPrefix, pending: this.pending, ...(inherited.length > 0 ? { inherited } : {}) });
  }

  /**
   * Commits are asynchronous, so a transaction stays pending (in the snapshots taken meanwhile) until its commit has
   * succeeded: a commit that fails fails the job, and the next checkpoint's restore must still hold the transaction.
   */
  notifyCheckpointComplete(checkpointId: number): Promise<void> {
    const ready = this.pending.filter((p) => p.checkpointId <= checkpointId && !this.committing.has(p));
    return Promise.all(
      ready.map((p) => {
        this.committing.add(p);
        return this.enqueueCommit(p.txn, p.checkpointId).then(
          () => {
            this.committing.delete(p);
            this.pending = this.pending.filter((q) => q !== p);
          },
          (e: unknown) => {
            this.committing.delete(p);
            throw e;
          },
        );
      }),
    ).then(() => {});
  }

  /** Commits what the checkpoint had pre-committed: its checkpoint completed, or the job would not restore it. */
  restoreState(state: unknown): Promise<void> {
    return this.recommit([state as TwoPhaseState<TXN>]);
  }

  /**
   * After a change of parallelism: new subtask i commits what old subtasks j with j mod parallelism = i left pending, so
   * each transaction is committed by one subtask. Every transaction commits under the lineage that wrote it, so a
   * transaction that several new writers restore (a scale-out worker's state is kept with each of its partitions)
   * or that its writer committed already is written once.
   */
  restoreRescaledState(states: unknown[], subtaskIndex: number): Promise<void> {
    const now = this.ctx.parallelism ?? 1;
    return this.recommit((states as (TwoPhaseState<TXN> | undefined)[]).filter((s, j): s is TwoPhaseState<TXN> => s !== undefined && j % now === subtaskIndex));
  }

  /**
   * Restored pending transactions, grouped by lineage (each checkpoint id once), committed in checkpoint order under
   * their own lineage; this sink keeps the lineage it began with in open(), so its new transactions never share
   * (and never skip) an inherited lineage's checkpoint ids. Until committed they stay in this sink's snapshots.
   */
  private recommit(states: TwoPhaseState<TXN>[]): Promise<void> {
    const added: { lineage: Lineage<TXN>; entry: { checkpointId: number; txn: TXN } }[] = [];
    for (const s of states.flatMap((s) => [s, ...(s.inherited ?? [])])) {
      if (s.pending.length === 0) continue;
      const lineage = this.inherited.get(s.transactionalIdPrefix) ?? { transactionalIdPrefix: s.transactionalIdPrefix, pending: [] };
      this.inherited.set(s.transactionalIdPrefix, lineage);
      for (const entry of s.pending) {
        if (lineage.pending.some((q) => q.checkpointId === entry.checkpointId)) continue;
        lineage.pending.push(entry);
        added.push({ lineage, entry });
      }
    }
    added.sort((a, b) => a.entry.checkpointId - b.entry.checkpointId);
    const commits = added.map(({ lineage, entry }) =>
      this.enqueueCommit(entry.txn, entry.checkpointId, lineage.transactionalIdPrefix).then(() => {
        lineage.pending = lineage.pending.filter((q) => q !== entry);
        if (lineage.pending.length === 0) this.inherited.delete(lineage.transactionalIdPrefix);
      }),
    );
    return Promise.all(commits).then(() => {});
  }

  /** End of bounded input: everything left commits as the final transaction. */
  finish(): Promise<void> {
    clearInterval(this.flushTimer);
    const txn = this.current!;
    this.current = this.beginTransaction();
    this.preCommit(txn);
    const pending = this.pending.filter((p) => !this.committing.has(p));
    this.pending = [];
    return Promise.all([...pending.map((p) => this.enqueueCommit(p.txn, p.checkpointId)), this.enqueueCommit(txn, FINAL_TRANSACTION_ID)]).then(() => {});
  }

  close(): void | Promise<void> {
    clearInterval(this.flushTimer);
    // Cancelled or failed: what was not pre-committed is dropped; a restore replays it from the source.
    if (this.current !== undefined) this.abort(this.current);
    this.current = undefined;
    return this.commitChain;
  }
}
