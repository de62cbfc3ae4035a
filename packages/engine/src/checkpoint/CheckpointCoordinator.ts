import type { Job } from '../runtime/Job.js';
import type { CheckpointStorage } from './CheckpointStorage.js';

export interface CheckpointStats {
  id: number;
  status: 'completed' | 'failed';
  triggeredAt: number;
  durationMs: number;
  sizeBytes: number;
  error?: string;
}

export interface CheckpointConfig {
  intervalMs: number;
  /** A checkpoint whose write takes longer is declined. */
  timeoutMs?: number;
  /** Pause after one checkpoint completes before the next starts. */
  minPauseMs?: number;
}

/**
 * Triggers checkpoints of a running job. The snapshot itself is taken between two event-loop turns, where nothing is
 * in flight between the job's operators (a consistent cut, as Flink's aligned barriers make one), and is a private
 * copy (keyed state encoded into fresh typed-array columns, other values copied); encoding the container's header
 * and the durable write then happen asynchronously while the job keeps processing. Only after the write completes are
 * operators notified (sinks commit, sources may commit offsets). At most one checkpoint at a time.
 */
export class CheckpointCoordinator {
  readonly history: CheckpointStats[] = [];
  declined = 0;
  private timer: NodeJS.Timeout | undefined;
  private inFlight = false;
  private lastCompletedAt = 0;
  private nextId: number;

  constructor(
    private readonly job: Job,
    private readonly storage: Pick<CheckpointStorage, 'write'>,
    private readonly config: CheckpointConfig,
    firstId = 1,
  ) {
    this.nextId = firstId;
  }

  start(): void {
    this.timer = setInterval(() => void this.trigger(), this.config.intervalMs);
    this.timer.unref();
  }

  /** Stops triggering; resolves once the checkpoint in flight, if any, has completed or failed. */
  stop(): Promise<void> {
    clearInterval(this.timer);
    return this.current.then(() => undefined);
  }

  private current: Promise<unknown> = Promise.resolve();

  /** Takes one checkpoint now (unless one is in flight or within the min pause); resolves with its stats. */
  trigger(): Promise<CheckpointStats | undefined> {
    const p = this.triggerNow();
    this.current = p.catch(() => undefined);
    return p;
  }

  private async triggerNow(): Promise<CheckpointStats | undefined> {
    if (this.inFlight || this.job.status !== 'running') return undefined;
    if (this.config.minPauseMs && Date.now() - this.lastCompletedAt < this.config.minPauseMs) return undefined;
    this.inFlight = true;
    const id = this.nextId++;
    const triggeredAt = Date.now();
    try {
      // In one thread the snapshot is taken right here; across slots, when the barriers have passed every subtask.
      // The timeout covers the whole checkpoint, as Flink's: the barriers' way through the job and the write.
      const taken = this.job.checkpoint(id).then((snapshot) => this.storage.write(snapshot));
      const timeout = this.config.timeoutMs;
      const done = timeout
        ? await Promise.race([taken, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`checkpoint ${id} timed out after ${timeout} ms`)), timeout).unref())])
        : await taken;
      this.job.notifyCheckpointComplete(id);
      const stats: CheckpointStats = { id, status: 'completed', triggeredAt, durationMs: Date.now() - triggeredAt, sizeBytes: done.sizeBytes };
      this.record(stats);
      this.lastCompletedAt = Date.now();
      return stats;
    } catch (e) {
      // A failed checkpoint is declined and counted; the job keeps running and committed results stay committed.
      this.declined++;
      const stats: CheckpointStats = { id, status: 'failed', triggeredAt, durationMs: Date.now() - triggeredAt, sizeBytes: 0, error: (e as Error).message };
      this.record(stats);
      return stats;
    } finally {
      this.inFlight = false;
    }
  }

  private record(s: CheckpointStats): void {
    this.history.push(s);
    if (this.history.length > 100) this.history.shift();
  }
}
