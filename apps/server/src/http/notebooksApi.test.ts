import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer } from '../testing.js';

let server: Awaited<ReturnType<typeof startTestServer>>;
const headers = { authorization: 'token test-token', 'content-type': 'application/json' };
const call = (method: string, p: string, body?: unknown) =>
  fetch(`${server.origin}/api/notebooks${p}`, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.close();
});

describe('notebook files', () => {
  it('creates, renames into a folder, duplicates and trashes', async () => {
    expect((await call('POST', '', { name: 'scratch', title: 'Scratch' })).status).toBe(201);
    expect((await call('POST', '', { name: 'scratch' })).status).toBe(409);
    expect((await call('POST', '/scratch/rename', { to: 'team/scratch' })).status).toBe(200);
    expect(existsSync(path.join(server.config.notebooksDir, 'team/scratch.flowbook.json'))).toBe(true);
    expect((await call('POST', '/team/scratch/duplicate', { to: 'team/scratch2' })).status).toBe(201);
    const dup = await (await call('GET', '/team/scratch2')).json();
    expect(dup.notebook.title).toBe('Scratch (copy)');
    const del = await (await call('DELETE', '/team/scratch2')).json();
    expect(del.trashedTo).toMatch(/^\.trash\/team\/scratch2\..*\.flowbook\.json$/);
    expect(existsSync(path.join(server.config.notebooksDir, del.trashedTo))).toBe(true);
    const list = await (await call('GET', '')).json();
    expect(list.notebooks.map((n: { name: string }) => n.name)).toEqual(expect.arrayContaining(['team/scratch']));
    expect(list.notebooks.map((n: { name: string }) => n.name)).not.toContain('team/scratch2');
    expect((await call('POST', '/team/scratch/rename', { to: '../../escape' })).status).toBe(400);
  });

  it('imports Zeppelin and Jupyter files and exports a notebook as a download', async () => {
    const zpln = { name: 'Zep', paragraphs: [{ id: 'p1', text: '%md\n# Hello' }, { id: 'p2', text: '%flink\nprintln(1)' }] };
    const r = await call('POST', '/import', { filename: 'zep.zpln', content: JSON.stringify(zpln) });
    expect(r.status).toBe(201);
    expect(await r.json()).toEqual({ name: 'zep', cells: 2 });
    const bad = await call('POST', '/import', { filename: 'broken.ipynb', content: '{' });
    expect(bad.status).toBe(422);
    expect((await bad.json()).error).toMatch(/broken\.ipynb: invalid JSON/);
    const exp = await call('GET', '/zep/export');
    expect(exp.headers.get('content-disposition')).toBe('attachment; filename="zep.flowbook.json"');
    expect((await exp.json()).cells[1].source).toBe('%flink\nprintln(1)');
  });

  it('saves named revisions, diffs them against the current notebook and restores', async () => {
    await call('POST', '', { name: 'rev', title: 'Rev' });
    const nb = (await (await call('GET', '/rev')).json()).notebook;
    const rev = await (await call('POST', '/rev/revisions', { message: 'first' })).json();
    await call('PUT', '/rev', { ...nb, title: 'Rev changed' });
    const { diff } = await (await call('GET', `/rev/revisions/${rev.id}`)).json();
    expect(diff).toContain('-  "title": "Rev",');
    expect(diff).toContain('+  "title": "Rev changed",');
    expect((await call('POST', `/rev/revisions/${rev.id}/restore`)).status).toBe(200);
    expect((await (await call('GET', '/rev')).json()).notebook.title).toBe('Rev');
    const { revisions } = await (await call('GET', '/rev/revisions')).json();
    expect(revisions.map((r: { message: string }) => r.message)).toEqual(['before restoring "first"', 'first']);
    expect((await call('GET', '/rev/revisions/../../x')).status).toBeGreaterThanOrEqual(400);
  });
});
