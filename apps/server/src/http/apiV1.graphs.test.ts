import { describe, expect, it } from 'vitest';
import { waitFor, useTestServer } from '../testing.js';

const server = useTestServer();
const auth = { authorization: 'token test-token', 'content-type': 'application/json' };
const api = (path: string, init: RequestInit = {}) => fetch(`${server.origin}/api/v1${path}`, { ...init, headers: { ...auth, ...(init.headers ?? {}) } });

/** An unbounded pipeline as graph JSON: generated sales → month → count per month → live sink. */
const graph = (config: Record<string, unknown> = {}, mapCode = "(l) => ({ month: l.split(',')[1], n: 1 })") => ({
  version: 1,
  name: 'graph with checkpoints',
  config,
  nodes: [
    { id: 'src', type: 'source', config: { connector: 'sales-generator', config: { ratePerSecond: 2000 } } },
    { id: 'month', type: 'map', name: 'Month', config: { fn: { code: mapCode } } },
    { id: 'count', type: 'reduce', config: { fn: { code: '(a, b) => ({ month: a.month, n: a.n + b.n })' } } },
    { id: 'out', type: 'sink', config: { connector: 'live', config: { name: 'counts' } } },
  ],
  edges: [
    { source: 'src', target: 'month' },
    { source: 'month', target: 'count', partitioning: 'hash', keySelector: { code: '(r) => r.month' } },
    { source: 'count', target: 'out' },
  ],
});

const completed = (j: { checkpoints?: { history: { status: string }[] } }) => (j.checkpoints?.history ?? []).filter((h) => h.status === 'completed').length;

describe('pipeline graphs over POST /api/v1/jobs', () => {
  it('checkpoints a graph whose config has checkpointInterval, and takes savepoints of it', async () => {
    const r = await api('/jobs', { method: 'POST', body: JSON.stringify({ graph: graph({ checkpointInterval: 200 }) }) });
    expect(r.status).toBe(201);
    const { jobId } = await r.json();
    const job = await waitFor(async () => (await api(`/jobs/${jobId}`)).json(), (j) => completed(j) >= 2, 30_000);
    expect(job.checkpoints.history[0].sizeBytes).toBeGreaterThan(0);
    const history = await (await api(`/jobs/${jobId}/checkpoints`)).json();
    expect(history.history.length).toBeGreaterThanOrEqual(2);
    const sp = await api(`/jobs/${jobId}/savepoints`, { method: 'POST', body: JSON.stringify({ stop: true }) });
    expect(sp.status).toBe(201);
    expect((await sp.json()).stopped).toBe(true);
    await waitFor(async () => (await api(`/jobs/${jobId}`)).json(), (j) => j.status === 'finished'); // stop-with-savepoint ends FINISHED, as in Flink
  }, 60_000);

  it('refuses a graph whose map function has a syntax error with a 400 naming the node', async () => {
    const r = await api('/jobs', { method: 'POST', body: JSON.stringify({ graph: graph({}, "(l) => ({ month: l.split(',')[1], n: 1 )") }) });
    expect(r.status).toBe(400);
    const body = await r.json();
    expect(body.code).toBe('invalid_pipeline');
    expect(body.error).toMatch(/node "month": "Month" config\.fn: cannot compile function: /);
    const badKey = graph();
    badKey.edges[1]!.keySelector = { code: '(r) => r.' };
    const r2 = await api('/jobs', { method: 'POST', body: JSON.stringify({ graph: badKey }) });
    expect(r2.status).toBe(400);
    expect((await r2.json()).error).toMatch(/node "count": key selector of the edge from "month": cannot compile function/);
  });

  it('fails a pipeline cell whose function does not compile before it runs, naming the node', async () => {
    const nb = { version: 1, title: 'Bad pipeline', cells: [{ id: 'p', type: 'pipeline', graph: graph({}, '(l) => { return l.split(",")[1] '), charts: {} }] };
    expect((await fetch(`${server.origin}/api/notebooks/bad-pipeline`, { method: 'PUT', headers: auth, body: JSON.stringify(nb) })).ok).toBe(true);
    const r = await api('/jobs', { method: 'POST', body: JSON.stringify({ notebook: 'bad-pipeline', cellId: 'p' }) });
    expect(r.status).toBe(201);
    const { jobId } = await r.json();
    const job = await waitFor(async () => (await api(`/jobs/${jobId}`)).json(), (j) => j.status === 'error');
    expect(job.error).toMatch(/node "month": "Month" config\.fn: cannot compile function/);
    // It never started a job: no operator ever ran.
    expect(job.timeline.map((t: { status: string }) => t.status)).not.toContain('running');
  });
});
