import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTestServer } from '../testing.js';
import { UserStore } from '../auth/UserStore.js';

const server = useTestServer();
const headers = { authorization: 'token test-token', 'content-type': 'application/json' };
const call = (method: string, p: string, body?: unknown) =>
  fetch(`${server.origin}/api/notebooks${p}`, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });

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

  it("serves the SQL catalog of a notebook's saved SQL cells for completion", async () => {
    expect((await call('POST', '', { name: 'sqlcat', title: 'SQL' })).status).toBe(201);
    const nb = { version: 1, title: 'SQL', cells: [{ id: 'a', type: 'sql', source: "CREATE TABLE t (a INT) WITH ('connector' = 'datagen')" }] };
    expect((await call('PUT', '/sqlcat', nb)).status).toBe(200);
    const info = await (await call('GET', '/sqlcat/sql-catalog')).json();
    expect(info.tables).toEqual([{ name: 't', kind: 'table', connector: 'datagen', columns: [{ name: 'a', type: 'INT' }] }]);
    expect(info.functions).toContain('COUNT');
    expect((await call('GET', '/nope/sql-catalog')).status).toBe(404);
  });

  it('imports Zeppelin and Jupyter files and exports a notebook as a download', async () => {
    const zpln = { name: 'Zep', paragraphs: [{ id: 'p1', text: '%md\n# Hello' }, { id: 'p2', text: '%flink\nprintln(1)' }] };
    const r = await call('POST', '/import', { filename: 'zep.zpln', content: JSON.stringify(zpln) });
    expect(r.status).toBe(201);
    expect(await r.json()).toEqual({
      name: 'zep',
      cells: 2,
      report: {
        format: 'zeppelin',
        entries: [
          { cellId: 'p1', kind: 'converted', message: 'paragraph 1: markdown' },
          { cellId: 'p2', kind: 'needs-porting', message: 'paragraph 2: %flink (scala) kept as a scala cell that does not run here; port it to TypeScript' },
        ],
      },
    });
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

describe('notebook files: access in the list, share links, revisions across renames', () => {
  const as = (cookie: string, method: string, p: string, body?: unknown) =>
    fetch(`${server.origin}${p}`, { method, headers: { cookie, 'content-type': 'application/json' }, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  const login = async (name: string, password: string) => {
    const r = await fetch(`${server.origin}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name, password }) });
    return r.headers.get('set-cookie')!.split(';')[0]!;
  };
  type Listed = { name: string; access: { run: boolean; write: boolean; manage: boolean } };

  it('lists with each notebook what the caller may do with it', async () => {
    const users = new UserStore(server.config.stateDir);
    users.add('carol', 'carol-password');
    users.add('dave', 'dave-password1');
    const carol = await login('carol', 'carol-password');
    const dave = await login('dave', 'dave-password1');
    expect((await as(carol, 'POST', '/api/notebooks', { name: 'carols', title: 'Carol' })).status).toBe(201);
    await as(carol, 'PUT', '/api/notebooks/carols/permissions', { owners: ['carol'], writers: ['carol'], runners: ['carol', 'dave'], readers: ['carol', 'dave'] });
    const find = async (who: string | undefined, name: string) => {
      const r = who ? await as(who, 'GET', '/api/notebooks') : await call('GET', '');
      return ((await r.json()).notebooks as Listed[]).find((n) => n.name === name)?.access;
    };
    expect(await find(undefined, 'carols')).toEqual({ run: true, write: true, manage: true });
    expect(await find(carol, 'carols')).toEqual({ run: true, write: true, manage: true });
    expect(await find(dave, 'carols')).toEqual({ run: true, write: false, manage: false });
    // A sample notebook has no roles set: it is the token holder's alone until he makes it public.
    expect(await find(dave, 'generated-sales')).toBeUndefined();
    await call('PUT', '/generated-sales/permissions', { owners: [], writers: [], runners: [], readers: [], public: 'run' });
    expect(await find(dave, 'generated-sales')).toEqual({ run: true, write: false, manage: false });
  });

  it('refuses a read-only share link that tries to duplicate its notebook into a new file', async () => {
    const share = await (await fetch(`${server.origin}/api/shares`, { method: 'POST', headers, body: JSON.stringify({ notebook: 'generated-sales' }) })).json();
    const cookie = `flowbook_share=${share.url.slice('/share/'.length)}`;
    const listed = (await (await as(cookie, 'GET', '/api/notebooks')).json()).notebooks as Listed[];
    expect(listed).toEqual([{ name: 'generated-sales', title: 'Generated sales', access: { run: false, write: false, manage: false } }]);
    const r = await as(cookie, 'POST', '/api/notebooks/generated-sales/duplicate', { to: 'copied-by-viewer' });
    expect(r.status).toBe(403);
    expect(existsSync(path.join(server.config.notebooksDir, 'copied-by-viewer.flowbook.json'))).toBe(false);
  });

  it('moves revisions with a renamed notebook, leaving those of notebooks in a same-named folder', async () => {
    await call('POST', '', { name: 'moving', title: 'Moving' });
    await call('POST', '', { name: 'moving/inner', title: 'Inner' });
    await call('POST', '/moving/revisions', { message: 'outer rev' });
    await call('POST', '/moving/inner/revisions', { message: 'inner rev' });
    expect((await call('POST', '/moving/rename', { to: 'archive/moved' })).status).toBe(200);
    const messages = async (name: string) => ((await (await call('GET', `/${name}/revisions`)).json()).revisions as { message: string }[]).map((r) => r.message);
    expect(await messages('archive/moved')).toEqual(['outer rev']);
    expect(await messages('moving/inner')).toEqual(['inner rev']);
    const [rev] = (await (await call('GET', '/archive/moved/revisions')).json()).revisions;
    expect((await call('GET', `/archive/moved/revisions/${rev.id}`)).status).toBe(200);
  });

  it("deletes a notebook's revisions, roles and share links with it: a new notebook of the same name has none", async () => {
    const users = new UserStore(server.config.stateDir);
    users.add('erin', 'erin-password');
    users.add('frank', 'frank-password');
    const erin = await login('erin', 'erin-password');
    const frank = await login('frank', 'frank-password');
    expect((await as(erin, 'POST', '/api/notebooks', { name: 'diary', title: 'Diary' })).status).toBe(201);
    expect((await as(erin, 'POST', '/api/notebooks/diary/revisions', { message: 'secret plans' })).status).toBe(201);
    const share = await (await as(erin, 'POST', '/api/shares', { notebook: 'diary' })).json();
    const del = await (await as(erin, 'DELETE', '/api/notebooks/diary')).json();
    // The revisions went to the trash beside the notebook.
    expect(existsSync(path.join(server.config.notebooksDir, del.trashedTo.replace(/\.flowbook\.json$/, '.revisions')))).toBe(true);

    expect((await as(frank, 'POST', '/api/notebooks', { name: 'diary', title: 'Frank' })).status).toBe(201);
    expect((await (await as(frank, 'GET', '/api/notebooks/diary/revisions')).json()).revisions).toEqual([]);
    // Erin's roles and link were for her notebook, not for Frank's.
    expect((await as(erin, 'GET', '/api/notebooks/diary')).status).toBe(403);
    expect((await fetch(`${server.origin}${share.url}`, { redirect: 'manual' })).status).toBe(404);
  });

  it('shows no revisions left behind by a notebook deleted by hand to a new notebook of that name', async () => {
    await call('POST', '', { name: 'handmade', title: 'H' });
    await call('POST', '/handmade/revisions', { message: 'old' });
    const { rm } = await import('node:fs/promises');
    await rm(path.join(server.config.notebooksDir, 'handmade.flowbook.json'));
    await call('POST', '', { name: 'handmade', title: 'H2' });
    expect((await (await call('GET', '/handmade/revisions')).json()).revisions).toEqual([]);
  });

  it("lets nobody but an owner change roles: a user cannot make himself owner of another's notebook", async () => {
    const users = new UserStore(server.config.stateDir);
    users.add('gina', 'gina-password');
    users.add('hank', 'hank-password');
    const gina = await login('gina', 'gina-password');
    const hank = await login('hank', 'hank-password');
    const takeover = { owners: ['hank'], writers: [], runners: [], readers: [] };
    // The token holder's notebook (no roles) and Gina's: Hank may do nothing with either.
    expect((await as(hank, 'PUT', '/api/notebooks/generated-sales/permissions', takeover)).status).toBe(403);
    expect((await as(gina, 'POST', '/api/notebooks', { name: 'ginas', title: 'G' })).status).toBe(201);
    expect((await as(hank, 'PUT', '/api/notebooks/ginas/permissions', takeover)).status).toBe(403);
    // Public 'run' lets him run, still not manage.
    expect((await as(gina, 'PUT', '/api/notebooks/ginas/permissions', { owners: ['gina'], public: 'run' })).status).toBe(200);
    expect((await as(hank, 'PUT', '/api/notebooks/ginas/permissions', takeover)).status).toBe(403);
    expect((await as(hank, 'PUT', '/api/notebooks/ginas', { version: 1, title: 'x', cells: [] })).status).toBe(403);
    expect(((await (await as(hank, 'GET', '/api/notebooks')).json()).notebooks as Listed[]).find((n) => n.name === 'ginas')?.access).toEqual({ run: true, write: false, manage: false });
    // An owner cannot leave a notebook without owners, nor claim roles for a notebook that does not exist.
    expect((await as(gina, 'PUT', '/api/notebooks/ginas/permissions', { owners: [] })).status).toBe(400);
    expect((await as(gina, 'PUT', '/api/notebooks/not-yet/permissions', { owners: ['gina'] })).status).toBe(403);
  });

  it('ends the share links of a renamed notebook, so a later notebook of the old name is not shared', async () => {
    await call('POST', '', { name: 'shared-once', title: 'S' });
    const share = await (await fetch(`${server.origin}/api/shares`, { method: 'POST', headers, body: JSON.stringify({ notebook: 'shared-once' }) })).json();
    expect((await fetch(`${server.origin}${share.url}`, { redirect: 'manual' })).status).toBe(302);
    expect((await call('POST', '/shared-once/rename', { to: 'shared-moved' })).status).toBe(200);
    await call('POST', '', { name: 'shared-once', title: 'Someone else' });
    expect((await fetch(`${server.origin}${share.url}`, { redirect: 'manual' })).status).toBe(404);
  });
});
