import { isDeepStrictEqual } from 'node:util';
import { Router, type Response } from 'express';
import { z } from 'zod';
import {
  ApiError,
  CellId,
  CheckpointHistory,
  ClearOutputsRequest,
  ClearOutputsResult,
  JobDetail,
  JobList,
  JobWorkers,
  JobResults,
  JobSummary,
  NotebookList,
  RunNotebookResult,
  SubmitPipeline,
  Submitted,
  TaskManagerList,
  LIMITS,
  paramValuesOf,
  SavepointRequest,
  SavepointResult,
  RestartRequest,
  RestorePoints,
  TapRecords,
  isRunnable,
  runsHere,
  seriesOf,
  serializeNotebook,
  ImportNotebookRequest,
  ImportNotebookResult,
} from '@flowbook/protocol';
import { functionIssues, GraphValidationError, migrateGraph, redactSecrets, validateGraph } from '@flowbook/engine';
import { jobTotals } from '../jobs/jobTotals.js';
import { completedCheckpoints, type CellRun, type JobManager } from '../jobs/JobManager.js';
import type { Authorizer } from '../auth/authorize.js';
import { savedProgramOf } from '../auth/programToRun.js';
import { NotebookError, type NotebookStore } from '../notebooks/NotebookStore.js';
import { notebookParam } from './notebookParam.js';
import { jobDisplayName, titlesOf } from '../jobs/jobName.js';
import { importNotebook } from '../notebooks/importers/importNotebook.js';
import type { ClaimNotebook } from '../notebooks/claimNotebook.js';

function fail(res: Response, status: number, code: string, error: string): void {
  res.status(status).json({ error, code } satisfies ApiError);
}

export function jobSummary(run: CellRun): JobSummary {
  const ops = run.operators ?? [];
  return {
    jobId: run.jobId,
    name: jobDisplayName(run),
    kind: run.kind,
    ...(run.ref ? { notebook: run.ref.notebook, cellId: run.ref.cellId } : {}),
    status: run.status,
    startedAt: run.startedAt,
    ...(run.finishedAt !== undefined ? { finishedAt: run.finishedAt } : {}),
    durationMs: (run.finishedAt ?? Date.now()) - run.startedAt,
    ...jobTotals(ops),
    ...(run.error ? { error: run.error.message } : {}),
    restarts: run.restarts,
    ...(run.status === 'running' && run.busy !== undefined ? { busy: run.busy } : {}),
    ...(run.worker ? { taskManager: run.worker.taskManagerId } : {}),
    ...(run.scaleOut ? { scaleOutJob: run.scaleOut.jobName } : {}),
    ...lastCheckpoint(run),
    ...watermarkLag(run),
  };
}

function lastCheckpoint(run: CellRun): Pick<JobSummary, 'lastCheckpoint'> {
  const c = completedCheckpoints(run).at(-1);
  return c ? { lastCheckpoint: { id: c.id, completedAt: c.triggeredAt + c.durationMs, durationMs: c.durationMs, sizeBytes: c.sizeBytes } } : {};
}

/** Event time behind wall clock at the sinks; only for jobs whose watermark is a real time (not the end-of-input one). */
function watermarkLag(run: CellRun): Pick<JobSummary, 'watermarkLagMs' | 'watermarkIdleMs'> {
  if (run.status !== 'running') return {};
  const wms = (run.operators ?? []).filter((o) => o.type === 'sink' && o.watermark !== null && o.watermark > 0 && o.watermark < Number.MAX_SAFE_INTEGER).map((o) => o.watermark!);
  if (wms.length === 0) return {};
  const now = Date.now();
  return { watermarkLagMs: Math.max(0, now - Math.min(...wms)), ...(run.sinkWatermark ? { watermarkIdleMs: Math.max(0, now - run.sinkWatermark.advancedAt) } : {}) };
}

function jobConfig(run: CellRun): JobDetail['config'] {
  const g = run.graph as { config?: { autoWatermarkInterval?: number; maxParallelism?: number; parallelism?: number; checkpointInterval?: number } } | undefined;
  if (!g?.config) return undefined;
  return {
    parallelism: g.config.parallelism ?? 1,
    maxParallelism: g.config.maxParallelism ?? 128,
    autoWatermarkInterval: g.config.autoWatermarkInterval ?? 200,
    ...(g.config.checkpointInterval !== undefined ? { checkpointInterval: g.config.checkpointInterval } : {}),
    ...(run.restartStrategy ? { restartStrategy: run.restartStrategy } : {}),
  };
}

function jobDetail(run: CellRun): JobDetail {
  return {
    ...jobSummary(run),
    operators: run.operators ?? [],
    ...(run.error?.stack ? { errorStack: run.error.stack } : {}),
    ...(run.error?.line !== undefined ? { errorLine: run.error.line } : {}),
    logs: run.logs.slice(-LIMITS.logLines.saved),
    timeline: run.timeline,
    ...(run.checkpoints ? { checkpoints: run.checkpoints } : {}),
    resumed: run.resumed ?? false,
    // Passwords a user typed into a connector config are masked before the graph leaves the server.
    ...(run.graph !== undefined ? { graph: redactSecrets(run.graph) } : {}),
    exceptions: run.exceptions,
    ...(run.stopSavepoint !== undefined ? { stoppedWithSavepoint: run.stopSavepoint } : {}),
    ...(run.scaleOut ? { rebalances: run.scaleOut.rebalances } : {}),
    ...(jobConfig(run) ? { config: jobConfig(run) } : {}),
  };
}

/** `/api/v1`: the jobs and notebooks REST API (documented in openapi.json, generated from the same zod schemas). */
export function apiV1(jobs: JobManager, store: NotebookStore, authz: Authorizer, claim?: ClaimNotebook): Router {
  const r = Router();
  // A job is visible to whoever may read its notebook; pipelines submitted as graphs only to the token holder.
  const mayRead = (res: Response, run: CellRun) => (run.ref ? authz.can(res, 'read', run.ref.notebook) : authz.identity(res).role === 'owner');
  const mayRun = (res: Response, run: CellRun) => (run.ref ? authz.can(res, 'run', run.ref.notebook) : authz.identity(res).role === 'owner');

  r.get('/jobs', (req, res) => {
    const status = typeof req.query.status === 'string' ? req.query.status : undefined;
    const list = jobs
      .allJobs()
      .filter((j) => (status === undefined || j.status === status) && mayRead(res, j))
      .map(jobSummary)
      .reverse();
    res.json({ jobs: list } satisfies JobList);
  });

  r.get('/jobs/:id', (req, res) => {
    const run = jobs.byId(req.params.id);
    if (!run || !mayRead(res, run)) return fail(res, 404, 'job_not_found', `no job with id "${req.params.id}"`);
    res.json(jobDetail(run));
  });

  r.post('/jobs/:id/cancel', (req, res) => {
    const run = jobs.byId(req.params.id);
    if (!run || !mayRead(res, run)) return fail(res, 404, 'job_not_found', `no job with id "${req.params.id}"`);
    if (!mayRun(res, run)) return fail(res, 403, 'forbidden', `may not cancel job "${run.jobId}"`);
    if (!jobs.cancelJob(run.jobId)) return fail(res, 409, 'job_not_running', `job "${run.jobId}" is ${run.status}`);
    res.status(202).json({ jobId: run.jobId } satisfies Submitted);
  });

  r.get('/jobs/:id/restore-points', async (req, res, next) => {
    try {
      const run = jobs.byId(req.params.id);
      if (!run || !mayRead(res, run)) return fail(res, 404, 'job_not_found', `no job with id "${req.params.id}"`);
      res.json({ restorePoints: run.ref ? await jobs.restorePoints(run.ref) : [] } satisfies RestorePoints);
    } catch (e) {
      next(e);
    }
  });

  // Runs a cell's job again, resuming from the latest checkpoint, a named checkpoint or savepoint, or from scratch.
  r.post('/jobs/:id/restart', async (req, res, next) => {
    try {
      const run = jobs.byId(req.params.id);
      if (!run || !mayRead(res, run)) return fail(res, 404, 'job_not_found', `no job with id "${req.params.id}"`);
      if (!mayRun(res, run)) return fail(res, 403, 'forbidden', `may not restart job "${run.jobId}"`);
      const body = RestartRequest.safeParse(req.body ?? {});
      if (!body.success) return fail(res, 400, 'invalid_request', body.error.issues[0]!.message);
      if (!run.ref || run.program === undefined) return fail(res, 409, 'not_restartable', 'only notebook cell jobs keep checkpoints to restart from');
      // A writer may have run code that is not saved; restarting it is running that code, which a runner may not.
      if (!authz.can(res, 'write', run.ref.notebook)) {
        const nb = await store.read(run.ref.notebook);
        const cell = nb.cells.find((c) => c.id === run.ref!.cellId);
        if (!cell || !isRunnable(cell) || !isDeepStrictEqual(run.program, savedProgramOf(cell, nb))) {
          return fail(res, 403, 'forbidden', `job "${run.jobId}" ran code that is not the saved cell: restarting it needs the writer role`);
        }
      }
      const from = body.data.from ?? run.stopSavepoint ?? 'latest';
      if (from !== 'latest' && from !== 'none' && !(await jobs.restorePoints(run.ref)).some((p) => p.name === from)) {
        return fail(res, 404, 'restore_point_not_found', `no complete checkpoint or savepoint "${from}" for this cell`);
      }
      const next = await jobs.run(run.ref, run.program, run.params ?? {}, from === 'none' ? false : from, run.seriesBySink, [], run.scaleOut?.jobName);
      if (run.titles) next.titles = run.titles;
      res.status(201).json({ jobId: next.jobId } satisfies Submitted);
    } catch (e) {
      next(e);
    }
  });

  // A node's live data tap: opened on first read, closed by the job when nobody reads it for 30 s.
  r.get('/jobs/:id/taps/:nodeId', async (req, res, next) => {
    try {
      const run = jobs.byId(req.params.id);
      if (!run || !mayRead(res, run)) return fail(res, 404, 'job_not_found', `no job with id "${req.params.id}"`);
      if (run.status !== 'running') return fail(res, 409, 'job_not_running', `job "${run.jobId}" is ${run.status}`);
      const q = z.object({ n: z.coerce.number().int().min(1).max(10_000).default(100), after: z.coerce.number().int().min(-1).default(-1) }).safeParse(req.query);
      if (!q.success) return fail(res, 400, 'invalid_request', q.error.issues[0]!.message);
      const r = await jobs.tap(run.jobId, req.params.nodeId, q.data.n, q.data.after);
      if (r.error !== undefined) return fail(res, /no node/.test(r.error) ? 404 : 409, /no node/.test(r.error) ? 'node_not_found' : 'tap_failed', r.error);
      res.json({ nodeId: req.params.nodeId, seq: r.seq!, capacity: q.data.n, records: redactSecrets(r.records!) } satisfies TapRecords);
    } catch (e) {
      next(e);
    }
  });

  // The newest rows of each live sink: what a pipeline submitted over REST (no notebook room) shows as its results.
  // The workers of the scale-out job a run belongs to: the group's members and partitions (Kafka), the key groups of
  // each partition and its latest checkpoint (PostgreSQL), asked of the run's worker thread, and the rebalances it saw.
  r.get('/jobs/:id/workers', async (req, res, next) => {
    try {
      const run = jobs.byId(req.params.id);
      if (!run || !mayRead(res, run)) return fail(res, 404, 'job_not_found', `no job with id "${req.params.id}"`);
      if (!run.scaleOut) return fail(res, 404, 'not_scale_out', `job "${run.jobId}" is not a worker of a scale-out job`);
      const r = await jobs.workers(run.jobId);
      if (!r.workers) return fail(res, 409, 'workers_unavailable', r.error ?? 'no answer');
      res.json(r.workers satisfies JobWorkers);
    } catch (e) {
      next(e);
    }
  });

  r.get('/jobs/:id/results', (req, res) => {
    const run = jobs.byId(req.params.id);
    if (!run || !mayRead(res, run)) return fail(res, 404, 'job_not_found', `no job with id "${req.params.id}"`);
    res.json({ sinks: [...run.results].map(([sink, r]) => ({ sink, total: r.total, rows: r.rows })) } satisfies JobResults);
  });

  r.get('/jobs/:id/checkpoints', (req, res) => {
    const run = jobs.byId(req.params.id);
    if (!run || !mayRead(res, run)) return fail(res, 404, 'job_not_found', `no job with id "${req.params.id}"`);
    res.json((run.checkpoints ?? { history: [], declined: 0 }) satisfies CheckpointHistory);
  });

  // A savepoint of a running job (stop: true stops it afterwards, Flink's stop-with-savepoint).
  r.post('/jobs/:id/savepoints', async (req, res, next) => {
    try {
      const run = jobs.byId(req.params.id);
      if (!run || !mayRead(res, run)) return fail(res, 404, 'job_not_found', `no job with id "${req.params.id}"`);
      if (!mayRun(res, run)) return fail(res, 403, 'forbidden', `may not take savepoints of job "${run.jobId}"`);
      const body = SavepointRequest.safeParse(req.body ?? {});
      if (!body.success) return fail(res, 400, 'invalid_request', body.error.issues[0]!.message);
      if (run.status !== 'running') return fail(res, 409, 'job_not_running', `job "${run.jobId}" is ${run.status}`);
      if (body.data.drain && !body.data.stop) return fail(res, 400, 'invalid_request', 'drain applies to stop-with-savepoint: send {"stop": true, "drain": true}');
      const r = await jobs.savepoint(run.jobId, body.data.stop, body.data.drain);
      if (!r.path) return fail(res, 409, 'savepoint_failed', r.error ?? 'savepoint failed');
      res.status(201).json({ jobId: run.jobId, path: r.path, stopped: body.data.stop });
    } catch (e) {
      next(e);
    }
  });

  r.post('/jobs', async (req, res, next) => {
    try {
      const body = SubmitPipeline.safeParse(req.body);
      if (!body.success) return fail(res, 400, 'invalid_request', body.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '));
      if ('graph' in body.data) {
        if (authz.identity(res).role !== 'owner') return fail(res, 403, 'forbidden', 'submitting pipeline graphs needs the server token');
        // Validate here so a malformed pipeline gets a 400 naming the node, not a failed job.
        try {
          const graph = migrateGraph(body.data.graph);
          // User functions compile here too (not run): a syntax error is a 400 naming the node, not a failed job.
          const issues = [...validateGraph(graph), ...functionIssues(graph)];
          if (issues.length > 0) return fail(res, 400, 'invalid_pipeline', new GraphValidationError(issues).message);
        } catch (e) {
          return fail(res, 400, 'invalid_pipeline', (e as Error).message);
        }
        const run = await jobs.submitGraph(body.data.graph, body.data.name);
        return res.status(201).json({ jobId: run.jobId } satisfies Submitted);
      }
      const { notebook, cellId, from, scaleOutJob } = body.data;
      if (!authz.can(res, 'run', notebook)) return fail(res, 403, 'forbidden', `may not run cells of "${notebook}"`);
      const nb = await store.read(notebook);
      const cell = nb.cells.find((c) => c.id === cellId);
      if (!cell || !isRunnable(cell)) return fail(res, 404, 'cell_not_found', `notebook "${notebook}" has no code, pipeline or SQL cell "${cellId}"`);
      if (cell.type === 'code' && cell.language !== 'typescript') return fail(res, 400, 'not_runnable', `cell "${cellId}" is ${cell.language} (imported): only TypeScript cells run here; port it first`);
      if (from !== undefined && from !== 'latest' && !(await jobs.restorePoints({ notebook, cellId })).some((p) => p.name === from)) {
        return fail(res, 404, 'restore_point_not_found', `no complete checkpoint or savepoint "${from}" for this cell`);
      }
      const run = await jobs.run({ notebook, cellId }, savedProgramOf(cell, nb), paramValuesOf(nb, cell), from ?? false, seriesOf(cell), [], scaleOutJob);
      run.titles = titlesOf(nb, cellId);
      res.status(201).json({ jobId: run.jobId } satisfies Submitted);
    } catch (e) {
      next(e);
    }
  });

  r.get('/notebooks', async (_req, res, next) => {
    try {
      const list = await store.list();
      res.json({ notebooks: list.notebooks.filter((n) => authz.can(res, 'read', n.name)), errors: authz.identity(res).role === 'owner' ? list.errors : [] } satisfies NotebookList);
    } catch (e) {
      next(e);
    }
  });

  // Runs every code cell of a notebook, each as its own job (the headless-run story over HTTP).
  r.post(/^\/notebooks\/(.+)\/run$/, async (req, res, next) => {
    try {
      const name = notebookParam(req);
      if (!authz.can(res, 'run', name)) return fail(res, 403, 'forbidden', `may not run "${name}"`);
      const nb = await store.read(name);
      // Imported cells of other languages (Python, Scala, …) wait for porting: they are not started.
      const cells = nb.cells.filter(runsHere);
      const started = [];
      for (const c of cells) {
        const run = await jobs.run({ notebook: name, cellId: c.id }, savedProgramOf(c, nb), paramValuesOf(nb, c), false, seriesOf(c));
        run.titles = titlesOf(nb, c.id);
        started.push({ cellId: c.id, jobId: run.jobId });
      }
      res.status(201).json({ jobs: started } satisfies z.infer<typeof RunNotebookResult>);
    } catch (e) {
      next(e);
    }
  });

  // What a cell's job can resume from (checkpoints and savepoints kept for the cell, also after a server restart).
  r.get(/^\/notebooks\/(.+)\/cells\/([^/]+)\/restore-points$/, async (req, res, next) => {
    try {
      const name = notebookParam(req);
      const cellId = CellId.safeParse((req.params as Record<string, string>)[1]);
      if (!cellId.success) return fail(res, 400, 'invalid_request', 'invalid cell id');
      if (!authz.can(res, 'read', name)) return fail(res, 404, 'notebook_not_found', `no notebook "${name}"`);
      res.json({ restorePoints: await jobs.restorePoints({ notebook: name, cellId: cellId.data }) } satisfies RestorePoints);
    } catch (e) {
      next(e);
    }
  });

  // Clears the saved outputs of some code cells (`{"cellIds": [...]}`) or of all; running cells keep theirs.
  r.post(/^\/notebooks\/(.+)\/clear-outputs$/, async (req, res, next) => {
    try {
      const name = notebookParam(req);
      if (!authz.can(res, 'run', name)) return fail(res, 403, 'forbidden', `may not clear the outputs of "${name}"`);
      const body = ClearOutputsRequest.safeParse(req.body ?? {});
      if (!body.success) return fail(res, 400, 'invalid_request', body.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '));
      const nb = await store.read(name);
      const wanted = body.data.cellIds;
      const codeCells = nb.cells.filter((c) => isRunnable(c) && (!wanted || wanted.includes(c.id))).map((c) => c.id);
      const cleared: string[] = [];
      const running: string[] = [];
      for (const cellId of codeCells) (jobs.clearOutputs({ notebook: name, cellId }) ? cleared : running).push(cellId);
      await store.clearOutputs(name, cleared);
      res.json({ cleared, running } satisfies ClearOutputsResult);
    } catch (e) {
      next(e);
    }
  });

  // The TaskManager processes (Flink's /taskmanagers); a job of a notebook the caller may not read is left out.
  r.get('/taskmanagers', (_req, res) => {
    const taskManagers = jobs.taskManagers.list().map((t) => ({ ...t, jobs: t.jobs.filter((j) => { const run = jobs.byId(j.jobId); return run !== undefined && mayRead(res, run); }) }));
    res.json({ taskManagers } satisfies TaskManagerList);
  });

  // Imports a Flowbook, Zeppelin (.zpln) or Jupyter (.ipynb) file as a new notebook, with a report of what converted.
  r.post('/notebooks/import', async (req, res, next) => {
    try {
      const body = ImportNotebookRequest.safeParse(req.body);
      if (!body.success) return fail(res, 400, 'invalid_request', body.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '));
      if (authz.identity(res).role === 'reader') return fail(res, 403, 'forbidden', 'readers may not create notebooks');
      let imported;
      try {
        imported = importNotebook(body.data.filename, body.data.content);
      } catch (e) {
        return fail(res, 422, 'import_failed', (e as Error).message);
      }
      const name = body.data.name ?? imported.name;
      await store.create(name, imported.notebook);
      await claim?.(res, name);
      res.status(201).json({ name, cells: imported.notebook.cells.length, report: imported.report } satisfies ImportNotebookResult);
    } catch (e) {
      if (e instanceof NotebookError) return fail(res, e.status, e.status === 409 ? 'notebook_exists' : 'invalid_request', e.message);
      next(e);
    }
  });

  // The notebook file (Flowbook's format), as a download.
  r.get(/^\/notebooks\/(.+)\/export$/, async (req, res, next) => {
    try {
      const name = notebookParam(req);
      if (!authz.can(res, 'read', name)) return fail(res, 404, 'notebook_not_found', `no notebook "${name}"`);
      const nb = await store.read(name);
      res.setHeader('Content-Disposition', `attachment; filename="${name.split('/').pop()}.flowbook.json"`);
      res.type('application/json').send(serializeNotebook(nb));
    } catch (e) {
      if (e instanceof NotebookError) return fail(res, e.status, 'notebook_not_found', e.message);
      next(e);
    }
  });

  r.get('/openapi.json', (_req, res) => res.json(openApi()));
  return r;
}

/** OpenAPI 3.1 description generated from the zod schemas the server validates with; `redocly lint` clean (openapi.test.ts). */
export function openApi(): Record<string, unknown> {
  // Every API schema carries a meta id; the global registry turns them into components referenced by $ref.
  const { schemas } = z.toJSONSchema(z.globalRegistry, { target: 'draft-2020-12', unrepresentable: 'any', uri: (id) => `#/components/schemas/${id}` });
  const schema = (s: z.ZodType) => ({ $ref: `#/components/schemas/${z.globalRegistry.get(s)!.id}` });
  const json = (s: z.ZodType, description: string) => ({ description, content: { 'application/json': { schema: schema(s) } } });
  const err = (description: string) => json(ApiError, description);
  const path = (name: string, description: string) => ({ name, in: 'path', required: true, description, schema: { type: 'string' } });
  const jobId = path('id', 'the job id (a UUID)');
  const notebook = path('name', "the notebook's name (its path under the notebooks folder, without .flowbook.json)");
  /** One operation: every one answers 401 without a valid token (the whole API takes the token). */
  const op = (operationId: string, o: { summary: string; responses: Record<number, unknown>; [k: string]: unknown }) => ({
    operationId,
    ...o,
    responses: { ...o.responses, 401: err('no token, or a wrong one') },
  });
  return {
    openapi: '3.1.0',
    info: {
      title: 'Flowbook REST API',
      version: '1',
      description: 'Jobs and notebooks. Authenticate with the header `Authorization: token <token>`.',
    },
    servers: [{ url: '/', description: 'the Flowbook server that serves this document' }],
    components: { schemas, securitySchemes: { token: { type: 'apiKey', in: 'header', name: 'Authorization', description: '`token <token>`' } } },
    security: [{ token: [] }],
    paths: {
      '/api/v1/jobs': {
        get: op('listJobs', { summary: 'List jobs (newest first)', parameters: [{ name: 'status', in: 'query', description: 'only jobs with this status', schema: { type: 'string' } }], responses: { 200: json(JobList, 'jobs') } }),
        post: op('submitJob', {
          summary: 'Submit a pipeline graph or a notebook cell to run',
          requestBody: { required: true, ...json(SubmitPipeline, 'what to run') },
          responses: { 201: json(Submitted, 'started'), 400: err('invalid request, or a pipeline that does not validate or compile (names the node)'), 403: err('may not run this'), 404: err('unknown notebook, cell or restore point') },
        }),
      },
      '/api/v1/jobs/{id}': { get: op('getJob', { summary: 'One job with its operators, metrics and errors', parameters: [jobId], responses: { 200: json(JobDetail, 'the job'), 404: err('unknown job') } }) },
      '/api/v1/jobs/{id}/cancel': { post: op('cancelJob', { summary: 'Cancel a running job', parameters: [jobId], responses: { 202: json(Submitted, 'cancelling'), 403: err('may not cancel this job'), 404: err('unknown job'), 409: err('not running') } }) },
      '/api/v1/jobs/{id}/savepoints': {
        post: op('takeSavepoint', {
          summary: 'Take a savepoint; with {"stop": true} stop the job after it (stop-with-savepoint); add "drain": true to fire every window first',
          parameters: [jobId],
          requestBody: json(SavepointRequest, 'options'),
          responses: { 201: json(SavepointResult, 'written'), 400: err('invalid options'), 403: err('may not take savepoints of this job'), 404: err('unknown job'), 409: err('not running, or the savepoint failed') },
        }),
      },
      '/api/v1/jobs/{id}/restore-points': { get: op('listJobRestorePoints', { summary: 'Complete checkpoints and savepoints a cell job can resume from, newest first', parameters: [jobId], responses: { 200: json(RestorePoints, 'restore points'), 404: err('unknown job') } }) },
      '/api/v1/jobs/{id}/restart': {
        post: op('restartJob', {
          summary: 'Run a cell job again from {"from": "latest"} (its newest checkpoint), a restore point name, or "none" (from scratch)',
          parameters: [jobId],
          requestBody: json(RestartRequest, 'where to resume from'),
          responses: { 201: json(Submitted, 'the new job'), 400: err('invalid request'), 403: err('may not run this job'), 404: err('unknown job or restore point'), 409: err('not a cell job') },
        }),
      },
      '/api/v1/jobs/{id}/taps/{nodeId}': {
        get: op('getTap', {
          summary: 'Live data tap of one operator: its last n records (?n=100) after sequence ?after=, with event time and watermark',
          parameters: [
            jobId,
            path('nodeId', 'the graph node'),
            { name: 'n', in: 'query', description: 'records to return', schema: { type: 'integer' } },
            { name: 'after', in: 'query', description: 'only records after this sequence number', schema: { type: 'integer' } },
          ],
          responses: { 200: json(TapRecords, 'records'), 400: err('invalid query'), 404: err('unknown job or node'), 409: err('not running') },
        }),
      },
      '/api/v1/jobs/{id}/results': { get: op('getJobResults', { summary: "Newest rows of each of a job's live sinks", parameters: [jobId], responses: { 200: json(JobResults, 'rows per sink'), 404: err('unknown job') } }) },
      '/api/v1/jobs/{id}/workers': {
        get: op('getJobWorkers', {
          summary: 'The workers of the scale-out job this job is a worker of: group members, partitions, key groups, latest checkpoint per partition, rebalances',
          parameters: [jobId],
          responses: { 200: json(JobWorkers, 'workers and partitions'), 404: err('unknown job, or not a scale-out worker') },
        }),
      },
      '/api/v1/jobs/{id}/checkpoints': { get: op('getCheckpoints', { summary: 'Checkpoint history of a job', parameters: [jobId], responses: { 200: json(CheckpointHistory, 'history, declined count'), 404: err('unknown job') } }) },
      '/api/v1/taskmanagers': { get: op('listTaskManagers', { summary: 'The TaskManager processes jobs run in: slots used and free, memory, CPU, uptime, jobs', responses: { 200: json(TaskManagerList, 'TaskManagers') } }) },
      '/api/v1/notebooks': { get: op('listNotebooks', { summary: 'List notebooks (and files that failed to load)', responses: { 200: json(NotebookList, 'notebooks') } }) },
      '/api/v1/notebooks/{name}/run': {
        post: op('runNotebook', { summary: 'Run every code cell of a notebook', parameters: [notebook], responses: { 201: json(RunNotebookResult, 'started jobs'), 400: err('invalid notebook name'), 403: err('may not run this notebook'), 404: err('unknown notebook') } }),
      },
      '/api/v1/notebooks/{name}/cells/{cellId}/restore-points': {
        get: op('listCellRestorePoints', {
          summary: "Checkpoints and savepoints a cell's job can resume from (cell.run with restore: 'latest' or a name)",
          parameters: [notebook, path('cellId', 'the cell id')],
          responses: { 200: json(RestorePoints, 'restore points'), 400: err('invalid cell id'), 404: err('unknown notebook') },
        }),
      },
      '/api/v1/notebooks/import': {
        post: op('importNotebook', {
          summary: 'Import a Flowbook, Zeppelin (.zpln) or Jupyter (.ipynb) file as a new notebook; the report says what converted, what needs porting and what was left out',
          requestBody: json(ImportNotebookRequest, 'the file'),
          responses: { 201: json(ImportNotebookResult, 'imported'), 400: err('invalid request'), 403: err('readers may not create notebooks'), 409: err('a notebook of that name exists'), 422: err('not a notebook: the message names the file and the problem') },
        }),
      },
      '/api/v1/notebooks/{name}/export': {
        get: op('exportNotebook', {
          summary: "The notebook's file (.flowbook.json), as a download",
          parameters: [notebook],
          responses: { 200: { description: 'the notebook file', content: { 'application/json': { schema: { type: 'object' } } } }, 400: err('invalid notebook name'), 403: err('may not read this notebook'), 404: err('unknown notebook') },
        }),
      },
      '/api/v1/notebooks/{name}/clear-outputs': {
        post: op('clearOutputs', {
          summary: 'Clear the saved outputs of the given code cells ({"cellIds": [...]}), or of all; running cells keep theirs',
          parameters: [notebook],
          requestBody: json(ClearOutputsRequest, 'the cells to clear (all when cellIds is absent)'),
          responses: { 200: json(ClearOutputsResult, 'cleared cells, and running cells left alone'), 400: err('invalid cell ids'), 403: err('may not run this notebook'), 404: err('unknown notebook') },
        }),
      },
    },
  };
}
