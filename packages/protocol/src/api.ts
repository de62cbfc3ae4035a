import { z } from 'zod';
import { CellStatus, OperatorMetrics, Row } from './messages.js';
import { CellId, GraphJson, NotebookName } from './notebook.js';
import { ScaleOutJobName, WorkerRebalance } from './workers.js';

/** REST API v1 bodies (`/api/v1/...`): validated by the server, typed for the web, and turned into the OpenAPI description. */

export const ApiError = z.object({ error: z.string(), code: z.string() }).meta({ id: 'ApiError' });
export type ApiError = z.infer<typeof ApiError>;


export const JobSummary = z
  .object({
    jobId: z.string(),
    name: z.string(),
    kind: z.enum(['cell', 'graph']),
    notebook: z.string().optional(),
    cellId: z.string().optional(),
    status: CellStatus,
    startedAt: z.number(),
    finishedAt: z.number().optional(),
    durationMs: z.number(),
    recordsIn: z.number(),
    recordsOut: z.number(),
    lateRecordsDropped: z.number(),
    deadLetters: z.number(),
    error: z.string().optional(),
    /** Times the job was restarted after a failure (restart strategy). */
    restarts: z.number(),
    /** The newest completed checkpoint. */
    lastCheckpoint: z.object({ id: z.number(), completedAt: z.number(), durationMs: z.number(), sizeBytes: z.number() }).optional(),
    /** How far event time is behind the wall clock at the sinks (ms), for event-time jobs. */
    watermarkLagMs: z.number().optional(),
    /**
     * Wall-clock time since the sinks' watermark last advanced (ms): the processing delay, small while the job keeps up
     * even when its event time is far in the past (a generator replaying old data).
     */
    watermarkIdleMs: z.number().optional(),
    /** Share of the last second the job's thread was busy; near 1 its sources are back-pressured. */
    busy: z.number().optional(),
    /** The TaskManager process the running job is deployed on (see /api/v1/taskmanagers). */
    taskManager: z.string().optional(),
    /** The scale-out job this run is a worker of (its workers: GET /api/v1/jobs/{id}/workers). */
    scaleOutJob: z.string().optional(),
  })
  .meta({ id: 'JobSummary' });
export type JobSummary = z.infer<typeof JobSummary>;

export const JobList = z.object({ jobs: z.array(JobSummary) }).meta({ id: 'JobList' });
export type JobList = z.infer<typeof JobList>;

/** A job's checkpoints (GET /jobs/{id}/checkpoints, and in JobDetail): history, declined count, and what it was restored from. */
export const CheckpointHistory = z
  .object({
    history: z.array(
      z.object({ id: z.number(), status: z.enum(['completed', 'failed']), triggeredAt: z.number(), durationMs: z.number(), sizeBytes: z.number(), error: z.string().optional() }),
    ),
    declined: z.number(),
    restoredFrom: z.number().optional(),
  })
  .meta({ id: 'CheckpointHistory' });
export type CheckpointHistory = z.infer<typeof CheckpointHistory>;

export const JobDetail = JobSummary.extend({
  operators: z.array(OperatorMetrics),
  errorStack: z.string().optional(),
  errorLine: z.number().optional(),
  logs: z.array(z.string()),
  /** Status changes in order, with their times. */
  timeline: z.array(z.object({ status: CellStatus, at: z.number() })),
  resumed: z.boolean(),
  /** Checkpoints of jobs that enableCheckpointing(...): history, declined count, and the checkpoint it was restored from. */
  checkpoints: CheckpointHistory.optional(),
  /** The pipeline graph, when the job was submitted as one. */
  graph: z.unknown().optional(),
  /** Failures in order, including those the job restarted from; `line` is the user's cell line. */
  exceptions: z.array(z.object({ at: z.number(), attempt: z.number(), message: z.string(), line: z.number().optional(), stack: z.string().optional() })),
  /** The restore point name of the savepoint the job was stopped with: where a restart resumes by default. */
  stoppedWithSavepoint: z.string().optional(),
  /** A scale-out worker: each generation of its group (a rebalance) and the partitions it got, for the timeline. */
  rebalances: z.array(WorkerRebalance).optional(),
  /** How the job runs (from its graph's config). */
  config: z
    .object({
      parallelism: z.number(),
      maxParallelism: z.number(),
      autoWatermarkInterval: z.number(),
      checkpointInterval: z.number().optional(),
      restartStrategy: z.record(z.string(), z.unknown()).optional(),
    })
    .optional(),
}).meta({ id: 'JobDetail' });
export type JobDetail = z.infer<typeof JobDetail>;

/** A job's live sinks and their newest rows (bounded as kept for late joiners): how pipelines run over REST show results. */
export const JobResults = z
  .object({ sinks: z.array(z.object({ sink: z.string(), total: z.number(), rows: z.array(Row) })) })
  .meta({ id: 'JobResults' });
export type JobResults = z.infer<typeof JobResults>;

export const SubmitPipeline = z
  .union([
    z.object({ graph: GraphJson, name: z.string().optional() }),
    z.object({
      notebook: NotebookName,
      cellId: z.string(),
      /** Resume from the cell's latest checkpoint or a named checkpoint/savepoint (Flink's `run -s`); fresh when absent. */
      from: z.string().min(1).optional(),
      /**
       * Run the cell as one more worker of the scale-out job of this name (consumer group `flowbook-<job>`), with the
       * server's PostgreSQL checkpoint storage shared by the job's workers (see `flowbook worker`).
       */
      scaleOutJob: ScaleOutJobName.optional(),
    }),
  ])
  .meta({ id: 'SubmitPipeline' });
export type SubmitPipeline = z.infer<typeof SubmitPipeline>;

export const Submitted = z.object({ jobId: z.string() }).meta({ id: 'Submitted' });
export type Submitted = z.infer<typeof Submitted>;

export const SavepointRequest = z
  .object({
    stop: z.boolean().default(false),
    /** With stop: fire every window and timer first (the final watermark), then take the savepoint (Flink's --drain). */
    drain: z.boolean().default(false),
  })
  .meta({ id: 'SavepointRequest' });
export const SavepointResult = z.object({ jobId: z.string(), path: z.string(), stopped: z.boolean() }).meta({ id: 'SavepointResult' });

/** A complete checkpoint or savepoint a job can resume from; `name` is its folder (chk-12, savepoint-40-…) or row name. */
export const RestorePoint = z
  .object({ kind: z.enum(['checkpoint', 'savepoint']), name: z.string(), id: z.number(), timestamp: z.number(), sizeBytes: z.number() })
  .meta({ id: 'RestorePoint' });
export type RestorePoint = z.infer<typeof RestorePoint>;
export const RestorePoints = z.object({ restorePoints: z.array(RestorePoint) }).meta({ id: 'RestorePoints' });
export type RestorePoints = z.infer<typeof RestorePoints>;
/** Restart a cell's job: from the latest checkpoint, a named checkpoint or savepoint, or from scratch ('none'). */
export const RestartRequest = z
  .object({
    /** Absent: the savepoint the job was stopped with, else the latest checkpoint (as Flink restarts). */
    from: z.string().optional(),
  })
  .meta({ id: 'RestartRequest' });
export type RestartRequest = z.input<typeof RestartRequest>;

/** A node's data tap: the last records it emitted, with event time and watermark (`seq` counts every record seen). */
export const TapRecords = z
  .object({
    nodeId: z.string(),
    seq: z.number(),
    capacity: z.number(),
    records: z.array(
      z.object({ seq: z.number(), value: z.unknown(), timestamp: z.number().nullable(), watermark: z.number().nullable(), at: z.number(), tag: z.string().optional() }),
    ),
  })
  .meta({ id: 'TapRecords' });
export type TapRecords = z.infer<typeof TapRecords>;

export const RunNotebookResult = z.object({ jobs: z.array(z.object({ cellId: z.string(), jobId: z.string() })) }).meta({ id: 'RunNotebookResult' });

/** POST /notebooks/{name}/clear-outputs: the cells whose saved outputs to clear (all runnable cells when absent). */
export const ClearOutputsRequest = z.object({ cellIds: z.array(CellId).max(10_000).optional() }).meta({ id: 'ClearOutputsRequest' });
export type ClearOutputsRequest = z.infer<typeof ClearOutputsRequest>;

/** What clear-outputs did: cells cleared, and running cells left alone (they keep their outputs). */
export const ClearOutputsResult = z.object({ cleared: z.array(z.string()), running: z.array(z.string()) }).meta({ id: 'ClearOutputsResult' });
export type ClearOutputsResult = z.infer<typeof ClearOutputsResult>;
