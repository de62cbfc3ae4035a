import { writeFile, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTestServer } from '../testing.js';

const server = useTestServer();
const auth = { authorization: 'token test-token' };

describe('HTTP API', () => {
  it('refuses requests without the token', async () => {
    const r = await fetch(`${server.origin}/api/notebooks`);
    expect(r.status).toBe(401);
    expect((await r.json()).error).toMatch(/authentication required/);
    const wrong = await fetch(`${server.origin}/api/notebooks`, { headers: { authorization: 'token nope' } });
    expect(wrong.status).toBe(401);
    const page = await fetch(`${server.origin}/notebook/x`);
    expect(page.status).toBe(401);
  });

  it('exchanges the token in the URL for an HttpOnly cookie', async () => {
    const r = await fetch(`${server.origin}/?token=test-token`, { redirect: 'manual' });
    expect(r.status).toBe(302);
    expect(r.headers.get('location')).toBe('/');
    const cookie = r.headers.get('set-cookie')!;
    expect(cookie).toMatch(/flowbook_token=test-token/);
    expect(cookie).toMatch(/HttpOnly/i);
    const withCookie = await fetch(`${server.origin}/api/notebooks`, { headers: { cookie: 'flowbook_token=test-token' } });
    expect(withCookie.status).toBe(200);
  });

  it('lists notebooks and reads the sample', async () => {
    const list = await (await fetch(`${server.origin}/api/notebooks`, { headers: auth })).json();
    // Each entry says what the caller may do with it (the token holder: everything).
    expect(list.notebooks).toContainEqual({ name: 'sales-profit-per-month', title: 'Sales profit per month', access: { run: true, write: true, manage: true } });
    const nb = await (await fetch(`${server.origin}/api/notebooks/sales-profit-per-month`, { headers: auth })).json();
    expect(nb.notebook.cells.map((c: { id: string }) => c.id)).toEqual(['intro', 'server', 'profit', 'canvas-intro', 'canvas']);
  });

  it('names a malformed notebook file and still lists the others', async () => {
    await writeFile(path.join(server.config.notebooksDir, 'broken.flowbook.json'), '{ "version": 1, "title": ');
    await writeFile(path.join(server.config.notebooksDir, 'wrong.flowbook.json'), JSON.stringify({ version: 1, title: 'W', cells: [{ id: 'a', type: 'video' }] }));
    const list = await (await fetch(`${server.origin}/api/notebooks`, { headers: auth })).json();
    expect(list.notebooks.map((n: { name: string }) => n.name)).toContain('sales-profit-per-month');
    expect(list.errors).toHaveLength(2);
    expect(list.errors[0].file).toBe('broken.flowbook.json');
    expect(list.errors[0].message).toMatch(/invalid JSON/);
    expect(list.errors[1].file).toBe('wrong.flowbook.json');
    const one = await fetch(`${server.origin}/api/notebooks/broken`, { headers: auth });
    expect(one.status).toBe(422);
    expect((await one.json()).error).toMatch(/broken\.flowbook\.json/);
  });

  it('refuses path traversal in notebook names', async () => {
    for (const name of ['..%2F..%2Fetc%2Fpasswd', '..%2Fx', 'a%2F..%2F..%2Fb', '%2Fetc%2Fpasswd']) {
      const r = await fetch(`${server.origin}/api/notebooks/${name}`, { headers: auth });
      expect(r.status, name).toBe(400);
      const w = await fetch(`${server.origin}/api/notebooks/${name}`, {
        method: 'PUT',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify({ version: 1, title: 'x', cells: [] }),
      });
      expect(w.status, name).toBe(400);
    }
  });

  it('saves a notebook atomically with stable, readable JSON', async () => {
    const nb = { version: 1, title: 'Saved', cells: [{ id: 'm1', type: 'markdown', source: '# hi' }] };
    const r = await fetch(`${server.origin}/api/notebooks/folder/saved`, {
      method: 'PUT',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify(nb),
    });
    expect(r.status).toBe(200);
    const text = await readFile(path.join(server.config.notebooksDir, 'folder/saved.flowbook.json'), 'utf8');
    expect(JSON.parse(text)).toEqual(nb);
    expect(text).toContain('\n  "cells": [\n');
    const bad = await fetch(`${server.origin}/api/notebooks/folder/saved`, {
      method: 'PUT',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ version: 1, cells: [] }),
    });
    expect(bad.status).toBe(400);
    expect((await bad.json()).error).toMatch(/title/);
  });

  it('refuses state-changing requests from another origin (CSRF)', async () => {
    const r = await fetch(`${server.origin}/api/notebooks/x`, {
      method: 'PUT',
      headers: { ...auth, 'content-type': 'application/json', origin: 'http://evil.example' },
      body: JSON.stringify({ version: 1, title: 'x', cells: [] }),
    });
    expect(r.status).toBe(403);
  });
});

describe('saved results', () => {
  it('keeps the server-owned outputs when a client saves the notebook', async () => {
    const name = 'outputs-kept';
    const base = { version: 1, title: 'O', cells: [{ id: 'c1', type: 'code', source: '1', charts: {} }] };
    const put = (body: unknown) =>
      fetch(`${server.origin}/api/notebooks/${name}`, { method: 'PUT', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect((await put(base)).status).toBe(200);
    const { NotebookStore } = await import('../notebooks/NotebookStore.js');
    const store = new NotebookStore(server.config.notebooksDir);
    const outputs = { status: 'finished' as const, startedAt: 1, finishedAt: 2, results: { s: { rows: [{ a: 1 }], total: 1 } }, logs: ['hi'] };
    await store.saveOutputs(name, 'c1', outputs);
    // A client that saves an edit (with no or stale outputs) does not erase them.
    const edited = { ...base, cells: [{ ...base.cells[0], source: '2', outputs: { ...outputs, logs: ['forged'] } }] };
    expect((await put(edited)).status).toBe(200);
    const nb = (await (await fetch(`${server.origin}/api/notebooks/${name}`, { headers: auth })).json()).notebook;
    expect(nb.cells[0].source).toBe('2');
    expect(nb.cells[0].outputs).toEqual(outputs);
  });
});
