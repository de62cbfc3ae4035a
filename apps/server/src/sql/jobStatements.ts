import { randomUUID } from 'node:crypto';
import type { CellRef, CellStatusMessage, ResultAppend, Row } from '@flowbook/protocol';
import { flinkSqlGateway, splitStatements } from '@flowbook/engine';
import { can, describe, type Identity } from '../auth/identity.js';
import type { PermissionStore } from '../auth/PermissionStore.js';
import type { CellRun, JobManager } from '../jobs/JobManager.js';
import { jobDisplayName } from '../jobs/jobName.js';
import type { NotebookStore } from '../notebooks/NotebookStore.js';

/**
 * Flink SQL's job statements, on the embedded engine: `SHOW JOBS` and `STOP JOB '<id>' [WITH SAVEPOINT] [WITH DRAIN]`.
 * They address the cluster, not a table, so the server answers them itself (the Flink SQL client asks its cluster
 * the same way): no job runs for such a cell. dt-sql-parser's FlinkSQL grammar has neither statement, and their whole
 * syntax is the two forms below, matched on one statement's text as splitStatements cut it.
 */
export type JobStatement = { k: 'show'; line: number } | { k: 'stop'; jobId: string; savepoint: boolean; drain: boolean; line: number };

const SHOW_JOBS = /^SHOW\s+JOBS\s*$/i;
const STOP_JOB = /^STOP\s+JOB\s+'((?:[^']|'')*)'((?:\s+WITH\s+(?:SAVEPOINT|DRAIN))*)\s*$/i;

export class JobStatementError extends Error {
  constructor(
    message: string,
    readonly line?: number,
  ) {
    super(message);
  }
}

/**
 * The job statements of a SQL cell, or undefined when it has none (it runs as a job). A cell with one runs only
 * job statements: mixed with queries or DDL it is refused, naming the line.
 */
export function jobStatementsOf(source: string): JobStatement[] | undefined {
  const parts = splitStatements(source);
  const parsed = parts.map((s): JobStatement | undefined => {
    if (SHOW_JOBS.test(s.text)) return { k: 'show', line: s.line };
    const m = STOP_JOB.exec(s.text);
    if (m) {
      const withs = m[2]!.toUpperCase();
      return { k: 'stop', jobId: m[1]!.replace(/''/g, "'"), savepoint: withs.includes('SAVEPOINT'), drain: withs.includes('DRAIN'), line: s.line };
    }
    if (/^(SHOW\s+JOBS|STOP\s+JOB)\b/i.test(s.text)) throw new JobStatementError(`expected SHOW JOBS or STOP JOB '<job id>' [WITH SAVEPOINT] [WITH DRAIN]`, s.line);
    return undefined;
  });
  if (parsed.every((p) => p === undefined)) return undefined;
  const other = parts.find((_, i) => parsed[i] === undefined);
  if (other) throw new JobStatementError('SHOW JOBS and STOP JOB run alone in a SQL cell (the server answers them; no job runs for the cell)', other.line);
  return parsed as JobStatement[];
}

/** Flink's job status names, as its SHOW JOBS prints them. */
const FLINK_STATUS: Record<string, string> = { pending: 'INITIALIZING', running: 'RUNNING', finished: 'FINISHED', error: 'FAILED', cancelled: 'CANCELED', ready: 'CREATED' };

export interface JobStatementContext {
  jobs: JobManager;
  identity: Identity;
  permissions: PermissionStore;
}

/** A job is visible to whoever may read its notebook; stopped by whoever may run it (REST API /api/v1/jobs alike). */
const mayRead = (c: JobStatementContext, run: CellRun) => (run.ref ? can(c.identity, 'read', run.ref.notebook, c.permissions) : c.identity.role === 'owner');
const mayRun = (c: JobStatementContext, run: CellRun) =>
  c.identity.role !== 'reader' && (run.ref ? can(c.identity, 'run', run.ref.notebook, c.permissions) : c.identity.role === 'owner');

/** Runs the statements in order; the result is the last statement's rows (Flink's column names), with their row kind. */
export async function runJobStatements(statements: JobStatement[], c: JobStatementContext): Promise<Row[]> {
  let rows: Row[] = [];
  for (const st of statements) {
    if (st.k === 'show') {
      rows = c.jobs
        .allJobs()
        .filter((run) => mayRead(c, run))
        .map((run) => ({
          'job id': run.jobId,
          'job name': jobDisplayName(run),
          status: FLINK_STATUS[run.status] ?? run.status.toUpperCase(),
          'start time': new Date(run.startedAt).toISOString(),
          $rowKind: '+I',
        }));
      continue;
    }
    const run = c.jobs.byId(st.jobId);
    if (!run || !mayRead(c, run)) throw new JobStatementError(`no job with id '${st.jobId}' (SHOW JOBS lists them)`, st.line);
    if (!mayRun(c, run)) throw new JobStatementError(`${describe(c.identity)} may not stop job '${st.jobId}'`, st.line);
    if (st.drain && !st.savepoint) throw new JobStatementError('WITH DRAIN applies to a stop with savepoint: STOP JOB ... WITH SAVEPOINT WITH DRAIN', st.line);
    if (run.status !== 'running') throw new JobStatementError(`job '${st.jobId}' is ${run.status}`, st.line);
    if (st.savepoint) {
      // as the Jobs page's stop-with-savepoint: a restart resumes from it
      const r = await c.jobs.savepoint(run.jobId, true, st.drain);
      if (!r.path) throw new JobStatementError(`savepoint of job '${st.jobId}' failed: ${r.error ?? 'unknown error'}`, st.line);
      rows = [{ 'savepoint path': r.path, $rowKind: '+I' }];
    } else {
      if (!c.jobs.cancelJob(run.jobId)) throw new JobStatementError(`job '${st.jobId}' is not running`, st.line);
      rows = [{ result: 'OK', $rowKind: '+I' }];
    }
  }
  return rows;
}

/**
 * Answers a job-statement cell in the notebook's room as a run would: 'pending' (the page clears the cell), the
 * result rows on the 'result' sink, then 'finished' or 'error' with the line.
 */
export async function answerJobStatements(
  ref: CellRef,
  statements: JobStatement[] | JobStatementError,
  c: JobStatementContext,
  emit: { status(m: CellStatusMessage): void; append(m: ResultAppend): void },
): Promise<void> {
  const jobId = randomUUID();
  const startedAt = Date.now();
  emit.status({ ...ref, jobId, status: 'pending', startedAt });
  try {
    if (statements instanceof JobStatementError) throw statements;
    const rows = await runJobStatements(statements, c);
    emit.append({ ...ref, sink: 'result', rows, total: rows.length });
    emit.status({ ...ref, jobId, status: 'finished', startedAt, finishedAt: Date.now() });
  } catch (e) {
    const error = e instanceof JobStatementError ? { message: e.message, ...(e.line !== undefined ? { line: e.line } : {}) } : { message: (e as Error).message };
    emit.status({ ...ref, jobId, status: 'error', startedAt, finishedAt: Date.now(), error });
  }
}

/**
 * The job statements a `cell.run` asks for: those of a SQL cell on the embedded engine (with a Flink SQL Gateway
 * they go to Flink as written), else undefined. Statements other than the saved cell's need the writer role, as any
 * code of the client's choosing does (programToRun.ts); a malformed or mixed cell is its error.
 */
export async function jobStatementsToRun(
  c: JobStatementContext & { store: NotebookStore },
  msg: { notebook: string; cellId: string; source?: string; graph?: unknown },
): Promise<JobStatement[] | JobStatementError | undefined> {
  if (msg.graph) return undefined;
  const nb = await c.store.read(msg.notebook).catch(() => undefined);
  const cell = nb?.cells.find((x) => x.id === msg.cellId);
  if (!cell || cell.type !== 'sql') return undefined;
  try {
    if (flinkSqlGateway()) return undefined;
  } catch {
    return undefined; // a bad gateway setting fails the run itself, with its message
  }
  const source = msg.source === undefined || msg.source === '' ? cell.source : msg.source;
  let statements: JobStatement[] | undefined;
  try {
    statements = jobStatementsOf(source);
  } catch (e) {
    if (e instanceof JobStatementError) return e;
    throw e;
  }
  if (statements && source !== cell.source && !can(c.identity, 'write', msg.notebook, c.permissions)) {
    throw new Error(`${describe(c.identity)} may run only the saved cells of "${msg.notebook}": running other code needs the writer role`);
  }
  return statements;
}
