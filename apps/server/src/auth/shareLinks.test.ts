import { beforeAll, describe, expect, it } from 'vitest';
import { connectSocket, useTestServer } from '../testing.js';

const server = useTestServer();
const owner = { authorization: 'token test-token', 'content-type': 'application/json' };
const NB = 'sales-profit-per-month';

beforeAll(async () => {
  await fetch(`${server.origin}/api/notebooks`, { method: 'POST', headers: owner, body: JSON.stringify({ name: 'private', title: 'Private' }) });
});

async function openLink(url: string): Promise<string> {
  const r = await fetch(`${server.origin}${url}`, { redirect: 'manual' });
  expect(r.status).toBe(302);
  expect(r.headers.get('location')).toBe(`/notebook/${NB}`);
  return r.headers.get('set-cookie')!.split(';')[0]!;
}

describe('read-only share links', () => {
  it('let a viewer read one notebook and nothing else, checked on the server', async () => {
    const created = await (await fetch(`${server.origin}/api/shares`, { method: 'POST', headers: owner, body: JSON.stringify({ notebook: NB }) })).json();
    expect(created.url).toMatch(/^\/share\/[\w-]+\.[\w-]+$/);
    const cookie = await openLink(created.url);
    const as = (p: string, init: RequestInit = {}) => fetch(`${server.origin}${p}`, { ...init, headers: { cookie, 'content-type': 'application/json' } });
    expect(await (await as('/api/whoami')).json()).toEqual({ role: 'reader', notebook: NB, view: 'notebook' });
    expect((await as(`/api/notebooks/${NB}`)).status).toBe(200);
    expect((await as('/api/notebooks/private')).status).toBe(403);
    // The list shows only the shared notebook.
    expect((await (await as('/api/notebooks')).json()).notebooks.map((n: { name: string }) => n.name)).toEqual([NB]);
    // Jobs and share links of other notebooks stay hidden; creating a link needs the notebook's owners.
    expect((await (await as('/api/v1/jobs')).json()).jobs).toEqual([]);
    expect((await (await as('/api/shares')).json()).shares).toEqual([]);
    expect((await as('/api/shares', { method: 'POST', body: JSON.stringify({ notebook: NB }) })).status).toBe(403);
    expect((await as(`/api/notebooks/${NB}`, { method: 'PUT', body: JSON.stringify({ version: 1, title: 'x', cells: [] }) })).status).toBe(403);

    // Over the socket: can watch its notebook, cannot open another, cannot run or cancel.
    const socket = await connectSocket(server, { cookie });
    expect(await socket.emitWithAck('notebook.join', { notebook: NB })).toEqual({ ok: true });
    expect((await socket.emitWithAck('notebook.join', { notebook: 'private' })).ok).toBe(false);
    const run = await socket.emitWithAck('cell.run', { notebook: NB, cellId: 'profit', source: 'while(true){}' });
    expect(run).toEqual({ ok: false, error: 'read-only: this share link cannot run or cancel cells' });
    expect(server.jobs.allJobs()).toHaveLength(0);
    socket.close();

    // Revoked: the link and the cookie stop working.
    expect((await fetch(`${server.origin}/api/shares/${created.id}`, { method: 'DELETE', headers: owner })).status).toBe(200);
    expect((await fetch(`${server.origin}${created.url}`, { redirect: 'manual' })).status).toBe(404);
    expect((await as(`/api/notebooks/${NB}`)).status).toBe(401);
  });

  it('cannot be forged', async () => {
    const created = await (await fetch(`${server.origin}/api/shares`, { method: 'POST', headers: owner, body: JSON.stringify({ notebook: NB }) })).json();
    const [id] = created.url.slice('/share/'.length).split('.');
    expect((await fetch(`${server.origin}/share/${id}.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA`, { redirect: 'manual' })).status).toBe(404);
    const forgedCookie = `flowbook_share=${id}.forged`;
    expect((await fetch(`${server.origin}/api/notebooks/${NB}`, { headers: { cookie: forgedCookie } })).status).toBe(401);
  });
});
