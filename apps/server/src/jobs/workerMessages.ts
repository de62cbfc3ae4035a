import type { MessagePort } from 'node:worker_threads';
import type { CheckpointStats, OperatorMetricsSnapshot } from '@flowbook/engine';

/** Messages between the job manager and a job's worker thread (server-internal). */
export interface WorkerInput {
  /** A cell's TypeScript compiled to an ES module (by the job manager), or */
  code?: string;
  /** a pipeline graph (JSON) to run as it is. */
  graph?: unknown;
  /** The folder of the cell's notebook, visible to the cell as the global `notebookDir` (for data files next to it). */
  notebookDir?: string;
  /**
   * Where this cell's checkpoints go; jobs that enableCheckpointing(...) are checkpointed there, each under its own
   * name. `jobName`: the job a restore below is for (the name its previous run reported), else the cell's first job.
   */
  checkpointStorage?: { location: string; jobKey: string; jobName?: string };
  /** Start the first job from the latest complete checkpoint (a job resumed after a server restart), or from a named checkpoint or savepoint of the cell. */
  restoreLatest?: boolean;
  restoreFrom?: string;
  /** Dynamic form values, visible to the cell as the global `params`. */
  params?: Record<string, string | number | boolean>;
  cellId: string;
  /** Values for `${secret:NAME}` placeholders in connector configs (from the server's secrets file). */
  secrets?: Record<string, string>;
  /** The entry of peer slot threads (slotPeer.ts), for jobs with parallelism > 1. */
  slotPeerUrl?: string;
  /**
   * Run the cell as a worker of this scale-out job (ScaleOutWorker): its execute() joins the consumer group
   * `flowbook-<jobName>`; partitions, key groups and offsets are checkpointed to `checkpointLocation` (PostgreSQL).
   */
  scaleOut?: { jobName: string; checkpointLocation: string };
  /** Set by the TaskManager: its pool of warm peer threads (PeerThreadPool.serve), which outlives this job's thread. */
  peerThreads?: MessagePort;
  /** Coalescing interval for result rows, ms. */
  flushMs: number;
}

export type ToWorker =
  | { type: 'cancel' }
  | { type: 'savepoint'; requestId: string; stop: boolean; drain?: boolean }
  /** Opens (or keeps open) a data tap on a node and asks for its records after `afterSeq`. */
  | { type: 'tap'; requestId: string; nodeId: string; capacity: number; afterSeq: number }
  /** A scale-out worker describes its job's group and checkpoints (it holds the connector's secrets; the server does not). */
  | { type: 'workers'; requestId: string };

export type { CellErrorInfo } from '@flowbook/engine';
import type { CellErrorInfo, RestartStrategy, TappedRecord } from '@flowbook/engine';
import type { JobWorkers } from '@flowbook/protocol';

export type FromWorker =
  | { type: 'started'; jobName: string; graph: unknown; restartStrategy: RestartStrategy }
  | { type: 'restart'; attempt: number; delayMs: number; error: CellErrorInfo; restoreCheckpointId?: number }
  /** `bytes`: approximate JSON size of the rows. */
  | { type: 'results'; sink: string; rows: Record<string, unknown>[]; total: number; bytes: number }
  | { type: 'log'; lines: string[] }
  | { type: 'metrics'; operators: OperatorMetricsSnapshot[]; busy?: number }
  | { type: 'checkpoints'; history: CheckpointStats[]; declined: number; restoredFrom?: number }
  | { type: 'savepoint'; requestId: string; path?: string; error?: string }
  | { type: 'tap'; requestId: string; records?: TappedRecord[]; seq?: number; error?: string }
  | { type: 'workers'; requestId: string; workers?: Omit<JobWorkers, 'rebalances'>; error?: string }
  /** A scale-out worker's partitions in a new generation of its group (a rebalance). */
  | { type: 'assignment'; generation: number; memberId: string; partitions: number[]; at: number }
  | { type: 'done'; status: 'finished' | 'cancelled' }
  | { type: 'error'; error: CellErrorInfo };
