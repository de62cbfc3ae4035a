import { describe, expect, it } from 'vitest';
import { waitFor, useTestServer } from '../testing.js';

const server = useTestServer();
const auth = { authorization: 'token test-token', 'content-type': 'application/json' };
const api = (path: string, init: RequestInit = {}) => fetch(`${server.origin}/api/v1${path}`, { ...init, headers: { ...auth, ...(init.headers ?? {}) } });

/** A small bounded pipeline as graph JSON: elements → map → keyBy → rolling reduce → live sink. */
const graph = {
  version: 1,
  name: 'api test',
  nodes: [
    { id: 'src', type: 'source', config: { connector: 'elements', config: { elements: [1, 2, 3, 4, 5, 6] } } },
    { id: 'double', type: 'map', config: { fn: { code: '(x) => ({ k: x % 2, v: x * 2 })' } } },
    { id: 'sum', type: 'reduce', config: { fn: { code: '(a, b) => ({ k: a.k, v: a.v + b.v })' } } },
    { id: 'out', type: 'sink', config: { connector: 'live', config: { name: 'sums' } } },
  ],
  edges: [
    { source: 'src', target: 'double' },
    { source: 'double', target: 'sum', partitioning: 'hash', keySelector: { code: '(r) => r.k' } },
    { source: 'sum', target: 'out' },
  ],
};

describe('REST API v1', () => {
  it('needs the token and answers errors as JSON with a code', async () => {
    const r = await fetch(`${server.origin}/api/v1/jobs`);
    expect(r.status).toBe(401);
    expect(await r.json()).toMatchObject({ code: 'unauthorized' });
    const missing = await api('/jobs/nope');
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ code: 'job_not_found', error: 'no job with id "nope"' });
  });

  it('runs a submitted pipeline graph and reports its operators', async () => {
    const r = await api('/jobs', { method: 'POST', body: JSON.stringify({ graph }) });
    expect(r.status).toBe(201);
    const { jobId } = await r.json();
    const job = await waitFor(
      async () => (await api(`/jobs/${jobId}`)).json(),
      (j) => j.status === 'finished',
    );
    expect(job.name).toBe('api test');
    expect(job.timeline.map((t: { status: string }) => t.status)).toEqual(['pending', 'running', 'finished']);
    expect(job.kind).toBe('graph');
    const list = await (await api('/jobs')).json();
    expect(list.jobs.map((j: { jobId: string }) => j.jobId)).toContain(jobId);
  });

  it('refuses a malformed pipeline with a message naming the node', async () => {
    const bad = structuredClone(graph);
    bad.nodes[1]!.config = {} as never;
    const r = await api('/jobs', { method: 'POST', body: JSON.stringify({ graph: bad }) });
    expect(r.status).toBe(400);
    const body = await r.json();
    expect(body.code).toBe('invalid_pipeline');
    expect(body.error).toMatch(/node "double"/);
    const noKey = structuredClone(graph);
    noKey.edges[1] = { source: 'double', target: 'sum' } as never;
    const r2 = await api('/jobs', { method: 'POST', body: JSON.stringify({ graph: noKey }) });
    expect((await r2.json()).error).toMatch(/node "sum".*keyBy/);
  });

  it('runs a notebook cell, cancels it, and refuses to cancel twice', async () => {
    const r = await api('/jobs', { method: 'POST', body: JSON.stringify({ notebook: 'generated-sales', cellId: 'profit' }) });
    expect(r.status).toBe(201);
    const { jobId } = await r.json();
    await waitFor(async () => (await api(`/jobs/${jobId}`)).json(), (j) => j.status === 'running' && j.recordsIn > 0);
    // Scrape /metrics while it runs: the source's counter grows between two scrapes.
    const scrape = async () => {
      const text = await (await fetch(`${server.origin}/metrics`, { headers: { authorization: 'token test-token' } })).text();
      const line = text.split('\n').find((l) => l.startsWith('flowbook_operator_records_in_total') && l.includes(jobId) && l.includes('operator_type="source"'));
      return line ? Number(line.split(' ').at(-1)) : 0;
    };
    const first = await waitFor(scrape, (n) => n > 0);
    const second = await waitFor(scrape, (n) => n > first, 5000);
    expect(second).toBeGreaterThan(first);
    const c = await api(`/jobs/${jobId}/cancel`, { method: 'POST' });
    expect(c.status).toBe(202);
    await waitFor(async () => (await api(`/jobs/${jobId}`)).json(), (j) => j.status === 'cancelled');
    const again = await api(`/jobs/${jobId}/cancel`, { method: 'POST' });
    expect(again.status).toBe(409);
    expect((await again.json()).code).toBe('job_not_running');
  }, 40_000);

  it('runs a cell as a scale-out worker only with PostgreSQL checkpoints, and has workers only for such jobs', async () => {
    // This server checkpoints to a folder: the job's workers could not share it, so the run fails and says why.
    const r = await api('/jobs', { method: 'POST', body: JSON.stringify({ notebook: 'generated-sales', cellId: 'profit', scaleOutJob: 'sales' }) });
    expect(r.status).toBe(201);
    const { jobId } = await r.json();
    const job = await waitFor(async () => (await api(`/jobs/${jobId}`)).json(), (j) => j.status === 'error');
    expect(job.error).toMatch(/scale-out worker needs the server's checkpoints in PostgreSQL/);
    const bad = await api('/jobs', { method: 'POST', body: JSON.stringify({ notebook: 'generated-sales', cellId: 'profit', scaleOutJob: 'a b' }) });
    expect(bad.status).toBe(400);
    // A job that is not a worker of a scale-out job has no workers to list.
    const g = await api('/jobs', { method: 'POST', body: JSON.stringify({ graph }) });
    const none = await api(`/jobs/${(await g.json()).jobId}/workers`);
    expect(none.status).toBe(404);
    expect((await none.json()).code).toBe('not_scale_out');
  });

  it('clears saved outputs of cells that do not run, and leaves running cells alone', async () => {
    const notebook = async () => (await (await fetch(`${server.origin}/api/notebooks/generated-sales`, { headers: auth })).json()).notebook;
    const clear = (body: unknown) => api('/notebooks/generated-sales/clear-outputs', { method: 'POST', body: JSON.stringify(body) });
    const { jobId } = await (await api('/jobs', { method: 'POST', body: JSON.stringify({ notebook: 'generated-sales', cellId: 'profit' }) })).json();
    await waitFor(async () => (await api(`/jobs/${jobId}`)).json(), (j) => j.status === 'running' && j.recordsOut > 0);
    expect(await (await clear({ cellIds: ['profit'] })).json()).toEqual({ cleared: [], running: ['profit'] });
    await api(`/jobs/${jobId}/cancel`, { method: 'POST' });
    const job = await waitFor(async () => (await api(`/jobs/${jobId}`)).json(), (j) => j.status === 'cancelled');
    // The ended run is saved with the notebook (this run's, not the one an earlier test left there)...
    await waitFor(notebook, (nb) => nb.cells[1].outputs?.startedAt === job.startedAt);
    expect(server.jobs.runsOf('generated-sales')).toHaveLength(1);
    // ...and clearing removes it from the file and from what late joiners are replayed.
    const r = await clear({});
    expect(r.status).toBe(200);
    expect(await r.json()).toEqual({ cleared: ['profit'], running: [] });
    expect((await notebook()).cells[1].outputs).toBeUndefined();
    expect(server.jobs.runsOf('generated-sales')).toHaveLength(0);
    expect((await clear({ cellIds: ['not a valid id!'] })).status).toBe(400);
    expect((await api('/notebooks/no-such-notebook/clear-outputs', { method: 'POST', body: '{}' })).status).toBe(404);
  }, 40_000);

  it('serves /metrics only with a token, in Prometheus format', async () => {
    expect((await fetch(`${server.origin}/metrics`)).status).toBe(401);
    const text = await (await fetch(`${server.origin}/metrics`, { headers: { authorization: 'token test-token' } })).text();
    expect(text).toContain('# TYPE flowbook_socket_clients gauge');
    expect(text).toContain('# TYPE flowbook_result_messages_sent_total counter');
    expect(text).toContain('flowbook_process_resident_memory_bytes');
  });

  it('imports a Jupyter notebook with a report, exports it, and refuses to run its Python cells', async () => {
    const ipynb = {
      nbformat: 4,
      metadata: { kernelspec: { language: 'python' } },
      cells: [
        { cell_type: 'markdown', id: 'intro', source: '# Title' },
        { cell_type: 'code', id: 'py', source: 'print(1)', outputs: [{ output_type: 'stream', name: 'stdout', text: '1\n' }] },
      ],
    };
    const post = (body: unknown) => api('/notebooks/import', { method: 'POST', body: JSON.stringify(body) });
    const r = await post({ filename: 'v1-import.ipynb', content: JSON.stringify(ipynb) });
    expect(r.status).toBe(201);
    expect(await r.json()).toEqual({
      name: 'v1-import',
      cells: 2,
      report: {
        format: 'jupyter',
        entries: [
          { cellId: 'intro', kind: 'converted', message: 'cell 1: markdown' },
          { cellId: 'py', kind: 'needs-porting', message: 'cell 2: python code kept as a python cell that does not run here; port it to TypeScript; kept 1 output(s) (text)' },
        ],
      },
    });
    expect((await post({ filename: 'v1-import.ipynb', content: JSON.stringify(ipynb) })).status).toBe(409);
    const bad = await post({ filename: 'broken.zpln', content: '{"paragraphs": 3}' });
    expect([bad.status, await bad.json()]).toEqual([422, { code: 'import_failed', error: 'broken.zpln: not a Zeppelin note: no "paragraphs" array' }]);
    expect((await post({ content: '{}' })).status).toBe(400);
    const exported = await api('/notebooks/v1-import/export');
    expect(exported.headers.get('content-disposition')).toBe('attachment; filename="v1-import.flowbook.json"');
    expect((await exported.json()).cells[1]).toMatchObject({ id: 'py', language: 'python', outputs: { static: [{ kind: 'text', text: '1\n' }] } });
    expect((await api('/notebooks/nope/export')).status).toBe(404);
    const run = await api('/jobs', { method: 'POST', body: JSON.stringify({ notebook: 'v1-import', cellId: 'py' }) });
    expect([run.status, (await run.json()).code]).toEqual([400, 'not_runnable']);
    expect(await (await api('/notebooks/v1-import/run', { method: 'POST' })).json()).toEqual({ jobs: [] });
    const doc = await (await api('/openapi.json')).json();
    expect(doc.paths['/api/v1/notebooks/import'].post.requestBody.content['application/json'].schema).toEqual({ $ref: '#/components/schemas/ImportNotebookRequest' });
    expect(doc.components.schemas.ImportReport.properties.entries.type).toBe('array');
  });

  it('describes itself in OpenAPI generated from the schemas', async () => {
    const doc = await (await api('/openapi.json')).json();
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/v1/jobs', '/api/v1/jobs/{id}', '/api/v1/jobs/{id}/cancel']));
    expect(doc.paths['/api/v1/jobs'].get.responses['200'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/JobList' });
    expect(doc.components.schemas.JobList.properties.jobs.type).toBe('array');
    expect(doc.components.schemas.JobSummary.required).toContain('status');
  });
});
