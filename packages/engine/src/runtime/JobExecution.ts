import type { PipelineGraph } from '../graph/PipelineGraph.js';
import { effectiveRestartStrategy, RestartBackoff } from '../restart/RestartStrategy.js';
import { Job, type JobOptions, type JobSnapshot, type JobStatus } from './Job.js';

export interface RestartInfo {
  /** The attempt about to start (the first run is attempt 0). */
  attempt: number;
  error: unknown;
  delayMs: number;
  /** The checkpoint the next attempt restores, if any. */
  restoreCheckpointId?: number;
}

export interface JobExecutionHooks {
  /** Each attempt's Job, before it runs: hosts attach checkpointing and metrics to it. */
  onAttempt?(job: Job, attempt: number): void;
  /** A failure the strategy restarts from; the host reports it (UI, metrics). */
  onRestart?(info: RestartInfo): void;
  /** The latest completed checkpoint to restart from; without one a restart begins from scratch, as in Flink. */
  latestCheckpoint?(): Promise<JobSnapshot | undefined> | JobSnapshot | undefined;
}

/**
 * One submitted job across its attempts: runs the graph, and when it fails restarts it from the latest completed
 * checkpoint as the graph's restart strategy allows (Flink's JobMaster with a RestartBackoffTimeStrategy).
 */
export class JobExecution {
  attempt = 0;
  readonly failures: { at: number; message: string; stack?: string; attempt: number }[] = [];
  private current: Job;
  private cancelled = false;
  private wake: (() => void) | undefined;
  private readonly backoff: RestartBackoff;

  constructor(
    readonly graph: PipelineGraph,
    private readonly options: JobOptions,
    private readonly hooks: JobExecutionHooks = {},
  ) {
    this.backoff = new RestartBackoff(effectiveRestartStrategy(graph.config.restartStrategy, graph.config.checkpointInterval !== undefined));
    this.current = new Job(graph, options);
  }

  /** The attempt running now (or the last one). */
  get job(): Job {
    return this.current;
  }

  get restarts(): number {
    return this.attempt;
  }

  async run(): Promise<JobStatus> {
    this.hooks.onAttempt?.(this.current, 0);
    for (;;) {
      try {
        return await this.current.run();
      } catch (e) {
        if (this.cancelled) return 'cancelled';
        const err = e instanceof Error ? e : new Error(String(e));
        this.failures.push({ at: Date.now(), message: err.message, ...(err.stack ? { stack: err.stack } : {}), attempt: this.attempt });
        if (this.failures.length > 100) this.failures.shift();
        const decision = this.backoff.onFailure(Date.now());
        if (!decision.restart) throw e;
        const restoreFrom = await this.hooks.latestCheckpoint?.();
        this.attempt++;
        this.hooks.onRestart?.({ attempt: this.attempt, error: e, delayMs: decision.delayMs, ...(restoreFrom ? { restoreCheckpointId: restoreFrom.checkpointId } : {}) });
        await this.sleep(decision.delayMs);
        if (this.cancelled) return 'cancelled';
        const { restoreFrom: _initial, ...rest } = this.options;
        this.current = new Job(this.graph, { ...rest, ...(restoreFrom ? { restoreFrom } : {}) });
        this.hooks.onAttempt?.(this.current, this.attempt);
      }
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(t);
        resolve();
      };
    });
  }

  /** Cancels the running attempt, or a restart that is waiting for its delay. */
  cancel(): void {
    this.cancelled = true;
    this.current.cancel();
    this.wake?.();
  }
}
