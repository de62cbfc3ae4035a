import { randomUUID } from 'node:crypto';
import path from 'node:path';
import {
  LIMITS,
  truncateLogLine,
  RESULT_COALESCE_MS,
  RESULT_ROWS_KEPT,
  type CellRef,
  type CellStatus,
  type CellStatusMessage,
  type JobMetrics,
  type JobWorkers,
  type Row,
  type ServerToClientEvents,
} from '@flowbook/protocol';
import * as engineModule from '@flowbook/engine';
import { CellCompileError, compileCell, DEFAULT_YOUNG_GENERATION_MB, functionIssues, GraphValidationError, migrateGraph, type PipelineGraph, openCheckpointStorage, RestartBackoff, RestartStrategyConfig, type CheckpointStats, type OperatorMetricsSnapshot, type RestorePoint, type TappedRecord } from '@flowbook/engine';
import { crashLoopStrategy, type RunningJobsFile } from './RunningJobsFile.js';
import type { SlotHandle } from './taskmanager/SlotHandle.js';
import { TaskManagerPool } from './taskmanager/TaskManagerPool.js';
import type { SecretsFile } from './SecretsFile.js';
import { appendBounded } from './resultWindow.js';
import { jobTotals } from './jobTotals.js';
import { trackSinkWatermark } from './sinkWatermark.js';
import type { CellErrorInfo, FromWorker, ToWorker, WorkerInput } from './workerMessages.js';

/** What a cell runs: a code cell's TypeScript, or a pipeline cell's graph JSON as drawn (node ids kept, so metrics map onto the canvas). */
export type CellProgram = string | { graph: Record<string, unknown> };

/** Where the manager sends what cells produce: the socket.io room of the notebook. */
export type Broadcast = <E extends keyof ServerToClientEvents>(notebook: string, event: E, payload: Parameters<ServerToClientEvents[E]>[0]) => void;

export interface CellRun {
  /** The notebook cell that runs this job; undefined for pipelines submitted through the REST API. */
  ref: CellRef | undefined;
  jobId: string;
  /** What runs: a cell's TypeScript or a pipeline graph. */
  kind: 'cell' | 'graph';
  status: CellStatus;
  startedAt: number;
  finishedAt?: number;
  error?: CellErrorInfo;
  jobName?: string;
  /** The notebook's and cell's titles when the job started, to name the job (see jobName.ts). */
  titles?: { notebook: string; cell: string };
  /** The savepoint (restore point name) the job was stopped with: where a restart resumes by default, as in Flink. */
  stopSavepoint?: string;
  /** The newest rows per sink (bounded per series of its chart), for clients that join later. */
  results: Map<string, { rows: Row[]; total: number; rowBytes?: number }>;
  logs: string[];
  metrics?: JobMetrics;
  operators?: OperatorMetricsSnapshot[];
  graph?: unknown;
  /** Started again after a server restart. */
  resumed?: boolean;
  /** Checkpoint history reported by the worker (jobs that enableCheckpointing). */
  checkpoints?: { history: CheckpointStats[]; declined: number; restoredFrom?: number };
  /** Share of the last second the job's thread was busy (backpressure on its sources when near 1). */
  busy?: number;
  /** The sinks' lowest watermark and when it last moved: event-time lag and processing delay are told apart. */
  sinkWatermark?: { value: number; advancedAt: number };
  /** Each sink's chart series field, so the kept rows are bounded per series. */
  seriesBySink?: Record<string, string>;
  /** What ran, so the job can be restarted from a checkpoint. */
  program?: CellProgram;
  params?: Record<string, string | number | boolean>;
  /** Restarts after failures (restart strategy), and every failure with its attempt. */
  restarts: number;
  exceptions: { at: number; attempt: number; message: string; line?: number; stack?: string }[];
  restartStrategy?: Record<string, unknown>;
  /** Every status change with its time, for the job page's timeline. */
  timeline: { status: CellStatus; at: number }[];
  /** Totals for Prometheus: result messages sent to browsers and rows coalesced into them. */
  resultMessages: number;
  resultRows: number;
  /** The job's slot on a TaskManager process while it runs. */
  worker?: SlotHandle;
  killTimer?: NodeJS.Timeout;
  /** What the worker was started with, to deploy it again after its TaskManager or worker was lost. */
  input?: WorkerInput;
  /** Times the job was lost with its process or worker (and the server died while it ran), across server restarts. */
  failures: number[];
  /** Restarts counted before the current worker (its own restart attempts add to these). */
  attemptBase: number;
  restartTimer?: NodeJS.Timeout;
  /** A worker of a scale-out job: the job, the shared checkpoints, and each generation of its group it saw. */
  scaleOut?: { jobName: string; checkpointLocation: string; memberId?: string; rebalances: { generation: number; at: number; partitions: number[] }[] };
}

/** A run's completed checkpoints (its history also holds declined ones), oldest first. */
export function completedCheckpoints(run: CellRun): CheckpointStats[] {
  return run.checkpoints?.history.filter((h) => h.status === 'completed') ?? [];
}

/** The syntax errors of a pipeline graph's user functions, one line per node, or undefined when all compile. */
function syntaxIssues(graph: unknown): string | undefined {
  let issues;
  try {
    issues = functionIssues(migrateGraph(graph as PipelineGraph));
  } catch {
    return undefined; // not a graph the engine reads: the worker reports that with its own message
  }
  return issues.length > 0 ? new GraphValidationError(issues).message : undefined;
}

/** Checkpoint storage key prefix of pipeline graphs submitted over the REST API (cells use notebook/cell). */
const GRAPH_JOBS_KEY = 'api-jobs';

/** How a job is named in metrics and lists: its job name, else its cell, else 'pipeline'. */
export function jobLabel(run: CellRun): string {
  return run.jobName ?? run.ref?.cellId ?? 'pipeline';
}

/** What a cell may import from '@flowbook/engine': the worker's engine exports the same names as this one. */
const ENGINE_EXPORTS = Object.keys(engineModule);

/** Finished jobs kept for the Jobs dashboard and the REST API. */
const HISTORY_KEPT = 200;
const CANCEL_GRACE_MS = 1500;

/**
 * Runs each code cell in its own worker thread and relays what it produces to the notebook's room.
 * One run per cell: re-running a cell tears down its previous job first.
 */
export class JobManager {
  /** The current run of each cell. */
  private readonly runs = new Map<string, CellRun>();
  /** Every job by id, newest last (bounded history). */
  private readonly jobs = new Map<string, CellRun>();

  private shuttingDown = false;

  constructor(
    private readonly broadcast: Broadcast,
    /** resourceLimits of each job's worker (old and young generation, MiB). */
    private readonly workerMemory: { maxOldGenerationSizeMb: number; maxYoungGenerationSizeMb: number } = { maxOldGenerationSizeMb: 1024, maxYoungGenerationSizeMb: DEFAULT_YOUNG_GENERATION_MB },
    private readonly runningFile?: RunningJobsFile,
    /** Called when a cell's run ends, to save its results with the notebook. */
    private readonly onCellEnded?: (run: CellRun & { ref: CellRef }) => void,
    /** The notebooks folder: cells get their notebook's folder as `notebookDir`. */
    private readonly notebooksDir?: string,
    /** Where cells' checkpoints and savepoints go: a folder (<dir>/<notebook>/<cell>/) or a postgresql:// URL. */
    private readonly checkpointsDir?: string,
    /** Values for `${secret:NAME}` in connector configs, read at each job start. */
    private readonly secrets?: SecretsFile,
    /** Rows kept per series of each sink for clients that join later (FLOWBOOK_RESULT_POINTS_PER_SERIES). */
    private readonly pointsPerSeries: number = RESULT_ROWS_KEPT,
    /** The TaskManager processes jobs run in. */
    readonly taskManagers = new TaskManagerPool({ slots: 2, max: 4, memoryMb: 1024, heartbeatTimeoutMs: 10_000, idleMs: 60_000 }),
  ) {}



  /** Job names of cells resumed after a server restart, from the running-jobs file: whose checkpoints they restore. */
  private readonly savedJobNames = new Map<string, string>();
  private readonly savepointRequests = new Map<string, (r: { path?: string; error?: string }) => void>();
  private readonly workersRequests = new Map<string, (r: Extract<FromWorker, { type: 'workers' }>) => void>();
  private readonly tapRequests = new Map<string, (r: { records?: TappedRecord[]; seq?: number; error?: string }) => void>();

  /**
   * Starts again the cells that were running when the previous server process stopped or died. A server that died while
   * a job ran counts as one more failure of the job, so a job that keeps taking the server down is not resumed forever:
   * once its restart strategy gives up, it is listed as failed with the reason instead.
   */
  async resumeRunningJobs(): Promise<CellRun[]> {
    const resumed: CellRun[] = [];
    const state = this.runningFile?.loadState();
    for (const e of state?.jobs ?? []) {
      const ref = { notebook: e.notebook, cellId: e.cellId };
      const now = Date.now();
      const failures = state!.cleanShutdown ? (e.failures ?? []) : [...(e.failures ?? []), now];
      const decision = state!.cleanShutdown ? { restart: true, delayMs: 0 } : replayFailures(crashLoopStrategy(e.restartStrategy), failures);
      if (!decision.restart) {
        const run = this.newRun(ref, 'cell');
        run.program = e.graph ? { graph: e.graph } : e.source;
        run.params = e.params ?? {};
        run.failures = failures;
        run.restarts = failures.length - 1;
        this.runs.set(this.key(ref), run);
        run.status = 'running';
        const message = `not resumed after the server restarted: the job failed ${failures.length} times (the server or its TaskManager stopped while it ran), and its restart strategy gives up`;
        this.finish(run, 'error', { message });
        // Written now: the next server start must not find it again.
        this.runningFile?.rewrite();
        console.warn(`${ref.notebook}/${ref.cellId}: ${message}`);
        continue;
      }
      if (e.jobName !== undefined) this.savedJobNames.set(this.key(ref), e.jobName);
      const start = async () => {
        const run = await this.run(ref, e.graph ? { graph: e.graph } : e.source, e.params, true, e.series, failures, e.scaleOutJob);
        run.resumed = true;
        return run;
      };
      // A job resumed after a crash waits its strategy's backoff, as after any other failure.
      if (decision.delayMs > 0) setTimeout(() => void start(), decision.delayMs).unref();
      else resumed.push(await start());
    }
    return resumed;
  }

  private key(ref: CellRef): string {
    return `${ref.notebook}\u0000${ref.cellId}`;
  }

  runsOf(notebook: string): (CellRun & { ref: CellRef })[] {
    return [...this.runs.values()].filter((r): r is CellRun & { ref: CellRef } => r.ref?.notebook === notebook);
  }

  byId(jobId: string): CellRun | undefined {
    return this.jobs.get(jobId);
  }

  allJobs(): CellRun[] {
    return [...this.jobs.values()];
  }

  get(ref: CellRef): CellRun | undefined {
    return this.runs.get(this.key(ref));
  }

  statusMessage(run: CellRun & { ref: CellRef }): CellStatusMessage {
    return {
      ...run.ref,
      jobId: run.jobId,
      status: run.status,
      startedAt: run.startedAt,
      ...(run.finishedAt !== undefined ? { finishedAt: run.finishedAt } : {}),
      ...(run.error ? { error: run.error } : {}),
      ...(run.restarts > 0 ? { restarts: run.restarts, lastFailure: run.exceptions.at(-1)?.message ?? '' } : {}),
    };
  }

  /** Runs a cell's code; re-running a cell first tears down its previous job. */
  /**
   * Runs a cell's code; re-running a cell first tears down its previous job. `restore` resumes its state: 'latest'
   * (the newest complete checkpoint) or the name of one of the cell's checkpoints or savepoints.
   */
  async run(
    ref: CellRef,
    program: CellProgram,
    params: Record<string, string | number | boolean> = {},
    restore: boolean | 'latest' | string = false,
    seriesBySink?: Record<string, string>,
    /** Failures so far of a job resumed after a server restart (its restart strategy goes on counting from them). */
    failures: number[] = [],
    /** Run the cell as a worker of this scale-out job (its checkpoints in this server's PostgreSQL storage). */
    scaleOutJob?: string,
  ): Promise<CellRun> {
    const source = typeof program === 'string' ? program : '';
    const graph = typeof program === 'string' ? undefined : program.graph;
    const previous = this.get(ref);
    // Checkpoints are kept per job name: a restore reads those of the job this cell ran last.
    const restoreJobName = previous?.jobName ?? this.savedJobNames.get(this.key(ref));
    this.savedJobNames.delete(this.key(ref));
    if (previous?.worker || previous?.restartTimer) await this.stop(previous, 'cancelled');
    const run = this.newRun(ref, 'cell');
    run.failures = failures;
    run.restarts = run.attemptBase = failures.length;
    if (failures.length > 0) run.exceptions.push({ at: failures.at(-1)!, attempt: failures.length - 1, message: 'the server stopped while the job ran' });
    run.program = program;
    if (seriesBySink) run.seriesBySink = seriesBySink;
    run.params = params;
    const restoreLatest = restore === true || restore === 'latest';
    const restoreFrom = typeof restore === 'string' && restore !== 'latest' ? restore : undefined;
    this.runs.set(this.key(ref), run);
    try {
      this.runningFile?.set({ ...ref, source, ...(graph ? { graph } : {}), ...(seriesBySink ? { series: seriesBySink } : {}), params, jobId: run.jobId, startedAt: run.startedAt, failures, ...(scaleOutJob !== undefined ? { scaleOutJob } : {}) });
    } catch (e) {
      // This run fails alone (its cell shows why); the file and other jobs are untouched.
      this.finish(run, 'error', { message: `could not record the running job: ${(e as Error).message}` });
      return run;
    }
    const notebookDir = this.notebooksDir ? path.dirname(path.join(this.notebooksDir, ref.notebook)) : undefined;
    const checkpointStorage = this.checkpointsDir
      ? { location: this.checkpointsDir, jobKey: `${ref.notebook}/${ref.cellId}`, ...(restore !== false && restoreJobName !== undefined ? { jobName: restoreJobName } : {}) }
      : undefined;
    if (scaleOutJob !== undefined) {
      // The job's workers share their checkpoints: only a storage every machine reaches (not this server's folder).
      if (!this.checkpointsDir?.startsWith('postgres')) {
        this.finish(run, 'error', { message: 'a scale-out worker needs the server\'s checkpoints in PostgreSQL (FLOWBOOK_CHECKPOINTS=postgresql://…), shared by the job\'s workers' });
        return run;
      }
      run.scaleOut = { jobName: scaleOutJob, checkpointLocation: this.checkpointsDir, rebalances: [] };
    }
    let code: string | undefined;
    if (graph) {
      // A pipeline cell's functions compile before it runs, as a code cell's TypeScript does: the error names the node.
      const issues = syntaxIssues(graph);
      if (issues !== undefined) {
        this.finish(run, 'error', { message: issues });
        return run;
      }
    } else {
      try {
        code = await compileCell(source, ENGINE_EXPORTS);
      } catch (e) {
        this.finish(run, 'error', e instanceof CellCompileError ? e.info : { message: (e as Error).message });
        return run;
      }
    }
    return this.startWorker(run, {
      ...(graph ? { graph } : { code }),
      params,
      cellId: ref.cellId,
      flushMs: RESULT_COALESCE_MS,
      ...(notebookDir ? { notebookDir } : {}),
      ...(checkpointStorage && !run.scaleOut ? { checkpointStorage, restoreLatest, ...(restoreFrom ? { restoreFrom } : {}) } : {}),
      ...(run.scaleOut ? { scaleOut: { jobName: run.scaleOut.jobName, checkpointLocation: run.scaleOut.checkpointLocation } } : {}),
    });
  }

  /** Runs a pipeline graph (JSON) submitted through the REST API. */
  async submitGraph(graph: unknown, name?: string): Promise<CellRun> {
    const run = this.newRun(undefined, 'graph');
    run.graph = graph;
    if (name) run.jobName = name;
    // Checkpoints (config.checkpointInterval) and savepoints go where a cell's do, under the job's own id.
    const checkpointStorage = this.checkpointsDir ? { location: this.checkpointsDir, jobKey: `${GRAPH_JOBS_KEY}/${run.jobId}` } : undefined;
    return this.startWorker(run, { graph, cellId: run.jobId.slice(0, 8), flushMs: RESULT_COALESCE_MS, ...(checkpointStorage ? { checkpointStorage } : {}) });
  }

  private newRun(ref: CellRef | undefined, kind: CellRun['kind']): CellRun {
    const run: CellRun = { ref, kind, jobId: randomUUID(), status: 'pending', startedAt: Date.now(), results: new Map(), logs: [], resultMessages: 0, resultRows: 0, timeline: [], restarts: 0, exceptions: [], failures: [], attemptBase: 0 };
    this.jobs.set(run.jobId, run);
    if (this.jobs.size > HISTORY_KEPT) {
      for (const [id, j] of this.jobs) {
        if (this.jobs.size <= HISTORY_KEPT) break;
        if (!j.worker && !j.restartTimer) this.jobs.delete(id);
      }
    }
    return run;
  }

  private async startWorker(run: CellRun, input: WorkerInput): Promise<CellRun> {
    this.publishStatus(run);
    try {
      const secrets = this.secrets?.load();
      if (secrets && Object.keys(secrets).length > 0) input = { ...input, secrets };
    } catch (e) {
      this.finish(run, 'error', { message: (e as Error).message });
      return run;
    }
    run.input = input;
    // The job runs in a slot of a TaskManager process: whatever it does there, this process stays up.
    const worker = await this.taskManagers.deploy(run.jobId, input, this.workerMemory);
    run.worker = worker;
    run.status = 'running';
    this.publishStatus(run);
    worker.on('output', (text: string) => this.appendLogs(run, text.split('\n').filter(Boolean)));
    worker.on('message', (m: FromWorker) => this.onMessage(run, m));
    worker.on('error', (e: Error) => this.onWorkerLost(run, worker, { message: e.message, ...(e.stack ? { stack: e.stack } : {}) }));
    worker.on('exit', (code: number) => this.onWorkerLost(run, worker, { message: `the job's worker exited with code ${code}` }));
    return run;
  }

  /**
   * The job's worker or its whole TaskManager is gone without the job ending (killed, exited, out of memory): restart it
   * from its latest checkpoint as its restart strategy says, or fail it with what happened.
   */
  private onWorkerLost(run: CellRun, worker: SlotHandle, error: CellErrorInfo): void {
    if (run.worker !== worker || run.status !== 'running') return; // ended already, or an old worker of a restarted job
    run.worker = undefined;
    void worker.terminate();
    const now = Date.now();
    const strategy = run.restartStrategy && !this.shuttingDown ? RestartStrategyConfig.parse(run.restartStrategy) : undefined;
    run.failures = [...run.failures, now];
    const decision = strategy ? replayFailures(strategy, run.failures) : { restart: false, delayMs: 0 };
    if (!decision.restart || !run.input) {
      this.finish(run, 'error', error);
      return;
    }
    run.restarts++;
    run.attemptBase = run.restarts;
    run.exceptions.push({ at: now, attempt: run.restarts - 1, ...error });
    if (run.exceptions.length > 100) run.exceptions.shift();
    if (run.ref) this.runningFile?.update(run.ref, { failures: run.failures });
    const resumable = run.input.checkpointStorage !== undefined;
    this.appendLogs(run, [`job failed: ${error.message}; restart ${run.restarts} in ${decision.delayMs} ms from ${resumable ? 'its latest checkpoint' : 'the beginning'}`]);
    if (run.ref) this.broadcast(run.ref.notebook, 'cell.status', this.statusMessage(run as CellRun & { ref: CellRef }));
    // The restarted worker restores the checkpoints of the job this run reported (kept per job name).
    const checkpointStorage = run.input.checkpointStorage && run.jobName !== undefined ? { ...run.input.checkpointStorage, jobName: run.jobName } : run.input.checkpointStorage;
    const input: WorkerInput = { ...run.input, ...(checkpointStorage ? { checkpointStorage } : {}), ...(resumable ? { restoreLatest: true } : {}) };
    delete input.restoreFrom;
    run.restartTimer = setTimeout(() => {
      run.restartTimer = undefined;
      if (run.status === 'running' && !this.shuttingDown) void this.startWorker(run, input);
    }, decision.delayMs);
  }

  private onMessage(run: CellRun, m: FromWorker): void {
    if (run.status !== 'running') return; // a late message from a run that was cancelled or replaced
    switch (m.type) {
      case 'started':
        run.jobName = m.jobName;
        run.graph = m.graph;
        run.restartStrategy = m.restartStrategy;
        // The job takes as many slots as its highest parallelism.
        if (run.worker) run.worker.slots = highestParallelism(m.graph);
        if (run.ref) this.runningFile?.update(run.ref, { restartStrategy: m.restartStrategy, jobName: m.jobName });
        break;
      case 'restart': {
        // The job failed and restarts from its latest checkpoint: the cell keeps running, and says so in its log.
        run.restarts = run.attemptBase + m.attempt;
        run.exceptions.push({ at: Date.now(), attempt: run.restarts - 1, ...m.error });
        if (run.exceptions.length > 100) run.exceptions.shift();
        const from = m.restoreCheckpointId !== undefined ? `checkpoint ${m.restoreCheckpointId}` : 'the beginning (no checkpoint yet)';
        this.appendLogs(run, [`job failed: ${m.error.message}${m.error.line !== undefined ? ` (line ${m.error.line})` : ''}; restart ${run.restarts} in ${m.delayMs} ms from ${from}`]);
        if (run.ref) this.broadcast(run.ref.notebook, 'cell.status', this.statusMessage(run as CellRun & { ref: CellRef }));
        break;
      }
      case 'results': {
        let r = run.results.get(m.sink);
        if (r === undefined) run.results.set(m.sink, (r = { rows: [], total: 0 }));
        r.total = m.total;
        // Bytes bound the kept rows too: as many as the sink's average row size allows.
        const rowBytes = m.rows.length > 0 ? Math.max(1, m.bytes / m.rows.length) : 1;
        r.rowBytes = r.rowBytes === undefined ? rowBytes : r.rowBytes * 0.8 + rowBytes * 0.2;
        r.rows = appendBounded(r.rows, m.rows, this.pointsPerSeries, run.seriesBySink?.[m.sink]);
        const byBytes = Math.max(1, Math.floor(LIMITS.keptBytesPerSink / r.rowBytes));
        if (r.rows.length > byBytes) r.rows = r.rows.slice(-byBytes);
        const perMessage = Math.max(1, Math.min(LIMITS.messageRows, Math.floor(LIMITS.messageBytes / rowBytes)));
        const rows = m.rows.length > perMessage ? m.rows.slice(-perMessage) : m.rows;
        run.resultMessages++;
        run.resultRows += m.rows.length;
        if (run.ref) this.broadcast(run.ref.notebook, 'result.append', { ...run.ref, sink: m.sink, rows, total: m.total, bytes: Math.round(rowBytes * rows.length) });
        break;
      }
      case 'log':
        this.appendLogs(run, m.lines);
        break;
      case 'metrics': {
        const ops = m.operators;
        run.operators = ops;
        trackSinkWatermark(run, ops, Date.now());
        if (m.busy !== undefined) run.busy = m.busy;
        if (!run.ref) break;
        run.metrics = {
          ...run.ref,
          jobId: run.jobId,
          ...jobTotals(ops),
          operators: ops,
          ...(m.busy !== undefined ? { busy: m.busy } : {}),
        };
        this.broadcast(run.ref.notebook, 'job.metrics', run.metrics);
        break;
      }
      case 'checkpoints':
        run.checkpoints = { history: m.history, declined: m.declined, ...(m.restoredFrom !== undefined ? { restoredFrom: m.restoredFrom } : {}) };
        break;
      case 'savepoint':
        this.savepointRequests.get(m.requestId)?.(m);
        this.savepointRequests.delete(m.requestId);
        break;
      case 'tap':
        this.tapRequests.get(m.requestId)?.(m);
        this.tapRequests.delete(m.requestId);
        break;
      case 'workers':
        this.workersRequests.get(m.requestId)?.(m);
        this.workersRequests.delete(m.requestId);
        break;
      case 'assignment':
        if (run.scaleOut) {
          run.scaleOut.memberId = m.memberId;
          run.scaleOut.rebalances.push({ generation: m.generation, at: m.at, partitions: m.partitions });
          if (run.scaleOut.rebalances.length > 100) run.scaleOut.rebalances.shift();
        }
        break;
      case 'done':
        // The job has ended: its thread only exits now, and its slots are free for the next job (a rerun of the cell
        // finds its warm peer threads in this TaskManager, not a full one).
        if (run.worker) run.worker.slots = 0;
        this.finish(run, m.status);
        break;
      case 'error':
        if (run.worker) run.worker.slots = 0;
        this.finish(run, 'error', m.error);
        break;
    }
  }

  private appendLogs(run: CellRun, lines: string[]): void {
    if (lines.length === 0) return;
    // Bounded by lines and by length: what the worker printed to stdout did not pass its console.
    if (lines.length > LIMITS.logLines.workerPending) lines = lines.slice(-LIMITS.logLines.workerPending);
    lines = lines.map(truncateLogLine);
    run.logs.push(...lines);
    if (run.logs.length > LIMITS.logLines.kept) run.logs.splice(0, run.logs.length - LIMITS.logLines.kept);
    if (run.ref) this.broadcast(run.ref.notebook, 'cell.log', { ...run.ref, lines });
  }

  private finish(run: CellRun, status: CellStatus, error?: CellErrorInfo): void {
    if (run.status !== 'running' && run.status !== 'pending') return;
    run.status = status;
    run.finishedAt = Date.now();
    if (error) {
      run.error = error;
      run.exceptions.push({ at: run.finishedAt, attempt: run.restarts, message: error.message, ...(error.line !== undefined ? { line: error.line } : {}), ...(error.stack ? { stack: error.stack } : {}) });
    }
    // A server shutting down leaves its running jobs in the file, to resume them at the next start.
    if (run.ref && !this.shuttingDown && this.get(run.ref) === run) {
      // A file that cannot be written must not keep the run from ending, its status from going out or its results from being saved.
      try {
        this.runningFile?.delete(run.ref);
      } catch (e) {
        console.error(`running-jobs file: ${(e as Error).message}`);
      }
    }
    clearTimeout(run.killTimer);
    clearTimeout(run.restartTimer);
    run.restartTimer = undefined;
    const w = run.worker;
    run.worker = undefined;
    // Give the worker a moment to exit by itself; then make sure it is gone.
    if (w) setTimeout(() => void w.terminate(), 200).unref();
    this.publishStatus(run);
    if (run.ref && !this.shuttingDown) this.onCellEnded?.(run as CellRun & { ref: CellRef });
  }

  private publishStatus(run: CellRun): void {
    if (run.timeline.at(-1)?.status !== run.status) run.timeline.push({ status: run.status, at: Date.now() });
    if (run.ref) this.broadcast(run.ref.notebook, 'cell.status', this.statusMessage(run as CellRun & { ref: CellRef }));
  }

  /**
   * Forgets a cell's last run once its outputs are cleared: late joiners get no replay of it, and everyone in the
   * notebook's room is told the cell is 'ready' (empty) again. A running cell is left alone (false).
   */
  clearOutputs(ref: CellRef): boolean {
    const run = this.get(ref);
    if (run && (run.worker || run.restartTimer || run.status === 'pending' || run.status === 'running')) return false;
    this.runs.delete(this.key(ref));
    this.broadcast(ref.notebook, 'cell.status', { ...ref, status: 'ready' });
    return true;
  }

  /** Cancels a cell's job: asks the worker to stop its jobs, and terminates it if user code does not yield (an endless loop). */
  cancel(ref: CellRef): boolean {
    const run = this.get(ref);
    return run ? this.cancelJob(run.jobId) : false;
  }

  /** Takes a savepoint of a running job (and stops it when `stop`); resolves with where it was written. */
  savepoint(jobId: string, stop: boolean, drain = false): Promise<{ path?: string; error?: string }> {
    const run = this.jobs.get(jobId);
    if (!run?.worker) return Promise.resolve({ error: 'the job is not running' });
    const requestId = randomUUID();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.savepointRequests.delete(requestId);
        resolve({ error: 'savepoint timed out' });
      }, 60_000);
      this.savepointRequests.set(requestId, (r) => {
        clearTimeout(timer);
        // Both storages end a savepoint's path with its restore point name (folder or postgres:<job>/<name>).
        if (stop && r.path) run.stopSavepoint = r.path.split(/[\\/]/).pop();
        resolve(r);
      });
      run.worker!.postMessage({ type: 'savepoint', requestId, stop, drain } satisfies ToWorker);
    });
  }

  /** Reads a node's data tap of a running job (opening it on first read): records after `afterSeq`, newest last. */
  tap(jobId: string, nodeId: string, capacity: number, afterSeq: number): Promise<{ records?: TappedRecord[]; seq?: number; error?: string }> {
    const run = this.jobs.get(jobId);
    if (!run?.worker) return Promise.resolve({ error: 'the job is not running' });
    const requestId = randomUUID();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.tapRequests.delete(requestId);
        resolve({ error: 'the job did not answer (busy in user code?)' });
      }, 5000);
      this.tapRequests.set(requestId, (r) => {
        clearTimeout(timer);
        resolve(r);
      });
      run.worker!.postMessage({ type: 'tap', requestId, nodeId, capacity, afterSeq } satisfies ToWorker);
    });
  }

  /**
   * The workers of the scale-out job a running worker belongs to, as its worker thread describes them (it has the
   * connector's secrets), with the rebalances it reported.
   */
  workers(jobId: string): Promise<{ workers?: JobWorkers; error?: string }> {
    const run = this.jobs.get(jobId);
    if (!run?.worker || !run.scaleOut) return Promise.resolve({ error: 'the job is not running' });
    const rebalances = run.scaleOut.rebalances;
    const requestId = randomUUID();
    return new Promise((resolve) => {
      // Kafka and PostgreSQL answer within their own timeouts; a busy cell thread may not.
      const timer = setTimeout(() => {
        this.workersRequests.delete(requestId);
        resolve({ error: 'the worker did not answer in 15 s' });
      }, 15_000);
      this.workersRequests.set(requestId, (r) => {
        clearTimeout(timer);
        resolve(r.workers ? { workers: { ...r.workers, rebalances } } : { error: r.error ?? 'no answer' });
      });
      run.worker!.postMessage({ type: 'workers', requestId } satisfies ToWorker);
    });
  }

  cancelJob(jobId: string): boolean {
    const run = this.jobs.get(jobId);
    if (!run || (!run.worker && !run.restartTimer)) return false;
    void this.stop(run, 'cancelled');
    return true;
  }

  private stop(run: CellRun, status: CellStatus): Promise<void> {
    const w = run.worker;
    if (!w) {
      // Waiting to restart after a failure: nothing runs, so it ends at once.
      if (run.restartTimer) this.finish(run, status);
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => {
      w.once('exit', () => resolve());
      w.postMessage({ type: 'cancel' } satisfies ToWorker);
      run.killTimer = setTimeout(() => {
        void w.terminate();
        this.finish(run, status);
      }, CANCEL_GRACE_MS);
      run.killTimer.unref();
      // The worker's own 'done' message finishes the run as cancelled; an exit without it is forced here.
      w.once('exit', () => this.finish(run, status));
    });
  }

  /** The checkpoints and savepoints a cell's job can be resumed from, newest first. */
  async restorePoints(ref: CellRef): Promise<RestorePoint[]> {
    if (!this.checkpointsDir) return [];
    // Those of the job the cell ran last (checkpoints are kept per job name), else of the cell from before job names.
    const jobName = this.get(ref)?.jobName ?? this.savedJobNames.get(this.key(ref));
    const storage = openCheckpointStorage(this.checkpointsDir, `${ref.notebook}/${ref.cellId}`, () => {}, jobName !== undefined ? { jobName } : {});
    try {
      return await storage.restorePoints();
    } finally {
      await storage.close?.();
    }
  }

  async shutdown(): Promise<void> {
    this.shuttingDown = true;
    for (const r of this.jobs.values()) clearTimeout(r.restartTimer);
    await Promise.all([...this.jobs.values()].map((r) => (r.worker ? r.worker.terminate() : undefined)));
    await this.taskManagers.shutdown();
    this.runningFile?.markCleanShutdown();
  }
}

/** Replays a job's failures through its restart strategy: whether the newest one is restarted, and after how long. */
function replayFailures(strategy: RestartStrategyConfig, failures: number[]): { restart: boolean; delayMs: number } {
  const backoff = new RestartBackoff(strategy);
  let decision = { restart: true, delayMs: 0 };
  for (const at of failures) decision = backoff.onFailure(at);
  return decision;
}

/** The most slots a job needs: the highest parallelism of its graph's nodes (its default parallelism for nodes without). */
function highestParallelism(graph: unknown): number {
  const g = graph as { config?: { parallelism?: number }; nodes?: { parallelism?: number }[] } | undefined;
  const base = g?.config?.parallelism ?? 1;
  return Math.max(base, ...(g?.nodes ?? []).map((n) => n.parallelism ?? base));
}
