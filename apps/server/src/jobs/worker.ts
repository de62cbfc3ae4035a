// Runs one cell in a worker thread, so an endless loop or a crash in user code never takes the server down.
import { parentPort, workerData } from 'node:worker_threads';
import * as engine from '@flowbook/engine';
import { runCompiledCell, StreamExecutionEnvironment, type Job, type JobClient } from '@flowbook/engine';
import { approxJsonBytes, LIMITS, trimOldest, truncateLogLine, truncateRecord } from '@flowbook/protocol';
import type { FromWorker, ToWorker, WorkerInput } from './workerMessages.js';
import { errorColumnOf, errorLineOf } from './errorLine.js';

// Stack traces of cell code point at the cell's own lines through the inline source map.
process.setSourceMapsEnabled(true);

const input = workerData as WorkerInput;
const port = parentPort!;
const send = (m: FromWorker) => port.postMessage(m);

/** The jobs the cell submitted, each across its restarts. */
const clients: JobClient[] = [];
const currentJobs = () => [...clients.map((c) => c.job), ...(scaleOut?.worker?.currentJobs ?? [])];
let cancelled = false;
/** Stopped by stop-with-savepoint: the job ends FINISHED (Flink), not cancelled, though it stops like a cancel. */
let stoppedWithSavepoint = false;
/**
 * One checkpoint storage per job the cell submits, keyed by the job's name (as the CLI's): two jobs of one cell never
 * overwrite each other's checkpoint ids nor restore each other's `latest()`.
 */
const storages = new Map<string, engine.CheckpointStorage & { close?(): Promise<void> }>();
const storageFor = (jobName: string) => {
  let s = storages.get(jobName);
  if (s === undefined && input.checkpointStorage) storages.set(jobName, (s = engine.openCheckpointStorage(input.checkpointStorage.location, input.checkpointStorage.jobKey, undefined, { jobName })));
  return s;
};
const coordinators = new Map<Job, engine.CheckpointCoordinator>();
/** Each attempt's job name (savepoints go to the job's own storage). */
const jobNames = new Map<Job, string>();
/** The job a named restore is for: named by the server from the previous run; unnamed, the cell's first job. */
const restoreJob = input.checkpointStorage?.jobName;
/** Resumed from its latest checkpoint, each job of the cell by its name (a restart, a server restart, "latest"). */
const latestByJob = new Map<string, engine.JobSnapshot>();
// A named checkpoint or savepoint, or (checkpoints from before job names) the cell's own latest: for one job.
let restoreFrom: engine.JobSnapshot | undefined = await initialRestore();
/** Ids of every checkpoint restored: later checkpoints number on from the newest. */
const restoredIds = [...latestByJob.values(), ...(restoreFrom ? [restoreFrom] : [])].map((c) => c.checkpointId);
const restoredFrom = (restoreJob !== undefined ? latestByJob.get(restoreJob) : undefined)?.checkpointId ?? restoreFrom?.checkpointId ?? [...latestByJob.values()][0]?.checkpointId;

async function initialRestore(): Promise<engine.JobSnapshot | undefined> {
  const cs = input.checkpointStorage;
  if (!cs || (!input.restoreFrom && !input.restoreLatest)) return undefined;
  // Checkpoints written before they were kept per job name are in the cell's own folder (PostgreSQL offers its
  // rows without a job name itself): read there when the job has none of its own.
  const legacy = engine.openCheckpointStorage(cs.location, cs.jobKey);
  try {
    const own = restoreJob !== undefined ? storageFor(restoreJob)! : legacy;
    if (input.restoreFrom) return await own.readByName(input.restoreFrom).catch((e: unknown) => (own === legacy ? Promise.reject(e) : legacy.readByName(input.restoreFrom!)));
    for (const name of await legacy.jobNames()) {
      const latest = await storageFor(name)!.latest();
      if (latest !== undefined) latestByJob.set(name, latest);
    }
    if (restoreJob !== undefined ? latestByJob.has(restoreJob) : latestByJob.size > 0) return undefined;
    return await legacy.latest();
  } finally {
    await legacy.close?.();
  }
}

// `${secret:NAME}` in connector configs: from the server's secrets file, given to this worker only.
engine.setSecretLookup((kind, name) => (kind === 'secret' ? input.secrets?.[name] : process.env[name]));

// Result rows are buffered per sink and flushed at most every flushMs, bounded by rows and bytes: a fast job (or one
// of huge records) cannot flood the server.
const pending = new Map<string, { rows: Record<string, unknown>[]; sizes: number[]; bytes: number; total: number }>();
let logLines: string[] = [];

function toRow(value: unknown, timestamp: number): Record<string, unknown> {
  const row: Record<string, unknown> =
    value !== null && typeof value === 'object' && !Array.isArray(value) ? { ...(value as Record<string, unknown>) } : { value };
  // SQL results (marked with their row kind) have exactly the query's columns: no record timestamp is added to them.
  if (!('timestamp' in row) && !('$rowKind' in row) && Number.isFinite(timestamp)) row.timestamp = timestamp;
  return row;
}

/**
 * Rows go out at most once per flushMs, but at once when the last message is older than that (a leading-edge
 * throttle): a window that fires once a second reaches the chart without waiting for a timer tick, while a job
 * emitting a million rows a second still sends only one message per interval.
 */
let lastFlush = 0;
let flushScheduled = false;
function scheduleFlush(): void {
  if (flushScheduled) return;
  flushScheduled = true;
  const wait = lastFlush + input.flushMs - Date.now();
  // setImmediate lets the rest of the current batch of records join this message.
  if (wait <= 0) setImmediate(flush);
  else setTimeout(flush, wait);
}

/**
 * Bytes the cell may still send (a token bucket of LIMITS.resultBytesPerSecond, holding at most one second): results
 * reach browsers at a rate they and the server can take; what does not fit is dropped, oldest first.
 */
let byteAllowance = LIMITS.resultBytesPerSecond;
let allowanceAt = Date.now();

function flush(): void {
  flushScheduled = false;
  lastFlush = Date.now();
  byteAllowance = Math.min(LIMITS.resultBytesPerSecond, byteAllowance + ((lastFlush - allowanceAt) / 1000) * LIMITS.resultBytesPerSecond);
  allowanceAt = lastFlush;
  for (const [sink, p] of pending) {
    if (p.rows.length === 0) continue;
    // At least the newest row goes out, so a chart never stalls on one large record.
    if (p.bytes > byteAllowance) p.bytes = trimOldest(p.rows, p.sizes, p.bytes, p.rows.length, Math.max(0, byteAllowance));
    byteAllowance -= p.bytes;
    send({ type: 'results', sink, rows: p.rows, total: p.total, bytes: p.bytes });
    p.rows = [];
    p.sizes = [];
    p.bytes = 0;
  }
  if (logLines.length > 0) {
    send({ type: 'log', lines: logLines });
    logLines = [];
  }
}

const log = (line: string) => {
  logLines.push(truncateLogLine(line));
  scheduleFlush();
  if (logLines.length > LIMITS.logLines.workerPending) logLines.splice(0, logLines.length - LIMITS.logLines.workerPending);
};
const format = (args: unknown[]) => args.map((a) => (typeof a === 'string' ? a : safeStringify(a))).join(' ');
console.log = (...args: unknown[]) => log(format(args));
console.info = console.log;
console.warn = (...args: unknown[]) => log(format(args));
console.error = (...args: unknown[]) => log(format(args));

function safeStringify(v: unknown): string {
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}

// A job with parallelism > 1 runs in slots: peer threads load the same program (the compiled cell, or the graph) with
// the cell's globals and this worker's secrets, and build the same job (Flink's user-code class loader).
const slots = input.slotPeerUrl
  ? {
      program: {
        ...(input.graph !== undefined ? { graph: input.graph } : { compiled: input.code ?? '' }),
        globals: { params: Object.freeze({ ...(input.params ?? {}) }), notebookDir: input.notebookDir ?? process.cwd() },
        hostData: { secrets: input.secrets },
      },
      peerEntry: new URL(input.slotPeerUrl),
      ...(input.peerThreads ? { peerThreads: new engine.RemotePeerThreads(input.peerThreads) } : {}),
    }
  : undefined;

const host: engine.ExecutionHost = {
  ...(slots ? { slots } : {}),
  services: {
    live(sink: string, value: unknown, timestamp: number) {
      let p = pending.get(sink);
      if (p === undefined) pending.set(sink, (p = { rows: [], sizes: [], bytes: 0, total: 0 }));
      p.total++;
      let row = toRow(value, timestamp);
      let size = approxJsonBytes(row);
      // An oversized record is cut for display here, before it is copied anywhere.
      if (size > LIMITS.recordBytes) {
        row = truncateRecord(row, size);
        size = approxJsonBytes(row);
      }
      p.rows.push(row);
      p.sizes.push(size);
      p.bytes += size;
      // Keep the newest rows if the job produces faster than we flush.
      if (p.rows.length > LIMITS.workerPendingRows || p.bytes > LIMITS.workerPendingBytes) p.bytes = trimOldest(p.rows, p.sizes, p.bytes, LIMITS.workerPendingRows, LIMITS.workerPendingBytes);
      scheduleFlush();
    },
    log,
  },
  // Malformed records are shown under the cell ("dead letters"), not only counted.
  transformGraph: (graph) => engine.withDeadLetterSink(graph),
  jobOptions(jobName) {
    const latest = latestByJob.get(jobName);
    latestByJob.delete(jobName);
    if (restoreJob !== undefined && jobName !== restoreJob) return latest ? { restoreFrom: latest } : {};
    const r = restoreFrom ?? latest;
    restoreFrom = undefined;
    return r ? { restoreFrom: r } : {};
  },
  onExecution(client) {
    clients.push(client);
    if (cancelled) client.cancel();
  },
  onJobSubmitted(job, name, attempt) {
    jobNames.set(job, name);
    const interval = job.graph.config.checkpointInterval;
    const storage = storageFor(name);
    if (interval && storage) {
      // Checkpoint ids go on across restarts, so a restart never overwrites the checkpoint it restored.
      const c = new engine.CheckpointCoordinator(job, storage, { intervalMs: interval, timeoutMs: 60_000 }, nextCheckpointId());
      coordinators.set(job, c);
      c.start();
    }
    if (attempt === 0) send({ type: 'started', jobName: name, graph: job.graph, restartStrategy: engine.effectiveRestartStrategy(job.graph.config.restartStrategy, interval !== undefined) });
  },
  onRestart(info) {
    const err = info.error instanceof Error ? info.error : new Error(String(info.error));
    const line = errorLineOf(err);
    const column = errorColumnOf(err);
    send({
      type: 'restart',
      attempt: info.attempt,
      delayMs: info.delayMs,
      error: { message: err.message, ...(line !== undefined ? { line } : {}), ...(column !== undefined ? { column } : {}), ...(err.stack ? { stack: err.stack } : {}) },
      ...(info.restoreCheckpointId !== undefined ? { restoreCheckpointId: info.restoreCheckpointId } : {}),
    });
  },
  ...(input.checkpointStorage ? { latestCheckpoint: (name: string) => storageFor(name)!.latest() } : {}),
};

/**
 * A worker of a scale-out job: the cell's execute() joins the job's group (scaleOutHost) with the host's live sinks and
 * log; the partitions, key groups and offsets it owns are checkpointed by the worker itself, per partition.
 */
const scaleOut = input.scaleOut ? scaleOutWorkerHost(input.scaleOut) : undefined;
StreamExecutionEnvironment.setContextHost(scaleOut ?? host);

/** The scale-out job's graph (once the cell submitted it) and this worker's member id in the group. */
let scaleOutGraph: engine.PipelineGraph | undefined;
let scaleOutMember: string | undefined;

/** The group's members and partitions (Kafka) and each partition's latest checkpoint, with this worker's secrets. */
async function describeWorkers(requestId: string): Promise<void> {
  if (!input.scaleOut || scaleOutGraph === undefined) return send({ type: 'workers', requestId, error: !input.scaleOut ? 'not a scale-out worker' : 'the cell has not submitted its job yet' });
  try {
    const workers = await engine.describeJobWorkers({ jobName: input.scaleOut.jobName, graph: scaleOutGraph, checkpointLocation: input.scaleOut.checkpointLocation, ...(scaleOutMember ? { selfMemberId: scaleOutMember } : {}) });
    send({ type: 'workers', requestId, workers });
  } catch (e) {
    send({ type: 'workers', requestId, error: (e as Error).message });
  }
}

function scaleOutWorkerHost(o: NonNullable<WorkerInput['scaleOut']>): engine.ScaleOutHost {
  const h = engine.scaleOutHost({
    jobName: o.jobName,
    checkpointLocation: o.checkpointLocation,
    base: host,
    log,
    onAssignment: (a) => {
      scaleOutMember = a.memberId;
      send({ type: 'assignment', generation: a.generation, memberId: a.memberId, partitions: a.partitions, at: Date.now() });
    },
  });
  const submit = h.slotPeer!.bind(h);
  h.slotPeer = (graph, jobName) => {
    const client = submit(graph, jobName);
    scaleOutGraph = graph;
    // A worker that fails leaves the group (others take its partitions); a lost TaskManager restarts it as any job.
    send({ type: 'started', jobName, graph, restartStrategy: engine.effectiveRestartStrategy(graph.config.restartStrategy, true) });
    return client;
  };
  return h;
}

function nextCheckpointId(): number {
  let max = Math.max(restoredFrom ?? 0, ...restoredIds);
  for (const c of coordinators.values()) for (const h of c.history) max = Math.max(max, h.id);
  return max + 1;
}

port.on('message', (m: ToWorker) => {
  if (m.type === 'cancel') {
    cancelled = true;
    for (const c of clients) c.cancel();
    void scaleOut?.stop();
  } else if (m.type === 'savepoint') pendingSavepoints.push(savepoint(m.requestId, m.stop, m.drain === true));
  else if (m.type === 'tap') readTap(m);
  else if (m.type === 'workers') void describeWorkers(m.requestId);
});

/** Open taps and when they were last read: a tap nobody reads for a while is closed, so the job runs at full speed again. */
const tapReads = new Map<string, number>();
const TAP_IDLE_MS = 30_000;
const MAX_TAP_VALUE_CHARS = LIMITS.tapValueChars;

function readTap(m: Extract<ToWorker, { type: 'tap' }>): void {
  // A scale-out worker runs its graph in parts (one job each): the tap goes to the part that has the node.
  const jobs = currentJobs().filter((j) => j.hasNode(m.nodeId));
  const job = jobs.find((j) => j.status === 'running') ?? jobs.at(-1);
  if (!job) return send({ type: 'tap', requestId: m.requestId, error: currentJobs().length > 0 ? `no node "${m.nodeId}" in this job` : 'the job has not started' });
  try {
    // A restart replaces the Job: the tap is opened again on the current attempt.
    const tap = job.tap(m.nodeId, m.capacity)!;
    tapReads.set(m.nodeId, Date.now());
    // Values cross to the server as JSON (user objects may hold functions); very large ones are cut.
    const records = tap.records(m.afterSeq).map((r) => {
      let json = safeStringify(r.value);
      if (json.length > MAX_TAP_VALUE_CHARS) json = JSON.stringify(json.slice(0, MAX_TAP_VALUE_CHARS) + '…');
      let value: unknown;
      try {
        value = JSON.parse(json);
      } catch {
        value = json;
      }
      return { ...r, value };
    });
    send({ type: 'tap', requestId: m.requestId, records, seq: tap.seq });
  } catch (e) {
    send({ type: 'tap', requestId: m.requestId, error: (e as Error).message });
  }
}
const tapTimer = setInterval(() => {
  for (const [nodeId, at] of tapReads) {
    if (Date.now() - at < TAP_IDLE_MS) continue;
    tapReads.delete(nodeId);
    for (const j of currentJobs()) if (j.status === 'running' && j.hasNode(nodeId)) j.tap(nodeId, 0);
  }
}, 5000);
tapTimer.unref();
/** The worker reports 'done' only after savepoints in progress are written (stop-with-savepoint ends the job first). */
const pendingSavepoints: Promise<void>[] = [];

/**
 * A savepoint: a consistent snapshot of the running job, written next to its checkpoints; with stop, the job ends
 * FINISHED as in Flink (with drain, after its final watermark fired every window and timer).
 */
async function savepoint(requestId: string, stop: boolean, drain: boolean): Promise<void> {
  const job = currentJobs().find((j) => j.status === 'running');
  const storage = job ? storageFor(jobNames.get(job) ?? '') : undefined;
  if (!job || !storage) {
    send({ type: 'savepoint', requestId, error: !job ? 'no running job' : 'this job has no checkpoint storage' });
    return;
  }
  try {
    // Drained, the job finishes on its own once every window has fired; otherwise stop cancels it after the snapshot.
    const snapshot = stop && drain ? await job.drainWithSavepoint(Date.now()) : await job.checkpoint(Date.now());
    if (stop && !drain) {
      cancelled = true;
      for (const c of clients) if (c.job === job) c.cancel();
    }
    const written = await storage.write(snapshot, 'savepoint');
    // Only a written savepoint makes the stop a FINISHED one; a failed write leaves a cancelled job.
    if (stop && !drain) stoppedWithSavepoint = true;
    send({ type: 'savepoint', requestId, path: written.path });
  } catch (e) {
    send({ type: 'savepoint', requestId, error: (e as Error).message });
  }
}

/** Metrics and checkpoint history to the server: every second, and once more when the cell ends (final counts). */
let lastElu = performance.eventLoopUtilization();
function reportMetrics(final = false): void {
  // How busy this thread (the job's only thread) was since the last report: near 1, the sources are held back.
  const elu = performance.eventLoopUtilization();
  const busy = performance.eventLoopUtilization(elu, lastElu).utilization;
  lastElu = elu;
  for (const j of currentJobs()) if (final || j.status === 'running') send({ type: 'metrics', operators: j.metrics(), busy });
  if (coordinators.size > 0) {
    // One history across attempts, as Flink's checkpoint statistics span restarts.
    const all = [...coordinators.values()];
    const history = all.flatMap((c) => c.history).sort((a, b) => a.id - b.id).slice(-50);
    send({ type: 'checkpoints', history, declined: all.reduce((n, c) => n + c.declined, 0), ...(restoredFrom !== undefined ? { restoredFrom } : {}) });
  }
  for (const [j, c] of coordinators) if (j.status !== 'running' && j.status !== 'created') c.stop();
}
const metricsTimer = setInterval(reportMetrics, 1000);

async function main(): Promise<void> {
  (globalThis as Record<string, unknown>).params = Object.freeze({ ...(input.params ?? {}) });
  (globalThis as Record<string, unknown>).notebookDir = input.notebookDir ?? process.cwd();
  try {
    if (input.graph !== undefined) {
      // A pipeline submitted as graph JSON: validate (errors name the node) and run it as it is.
      const env = new StreamExecutionEnvironment();
      const graph = engine.withDeadLetterSink(engine.migrateGraph(input.graph));
      await engine.executeGraph(graph, graph.name ?? 'pipeline', env.host).getJobExecutionResult();
    } else {
      await runCompiledCell(input.code ?? '', engine as unknown as Record<string, unknown>);
    }
    // The cell may have started jobs with executeAsync; wait for them too.
    for (const c of clients) await c.getJobExecutionResult();
    await scaleOut?.ended();
    await Promise.all(pendingSavepoints);
    flush();
    reportMetrics(true);
    send({ type: 'done', status: cancelled && !stoppedWithSavepoint ? 'cancelled' : 'finished' });
  } catch (e) {
    flush();
    reportMetrics(true);
    if (cancelled) {
      // A cancelled job may throw before its stop-with-savepoint is written: wait, so it ends FINISHED.
      await Promise.allSettled(pendingSavepoints);
      send({ type: 'done', status: stoppedWithSavepoint ? 'finished' : 'cancelled' });
    } else {
      const err = e instanceof Error ? e : new Error(String(e));
      const line = errorLineOf(err);
      const column = errorColumnOf(err);
      send({ type: 'error', error: { message: err.message, ...(line !== undefined ? { line } : {}), ...(column !== undefined ? { column } : {}), ...(err.stack ? { stack: err.stack } : {}) } });
    }
  } finally {
    clearInterval(metricsTimer);
  }
}

void main();
