import { io, type Socket } from 'socket.io-client';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { applyNotebook, docToNotebook, type ClientToServerEvents, type Notebook, type ServerToClientEvents } from '@flowbook/protocol';
import { useTestServer } from '../testing.js';
import { UserStore } from '../auth/UserStore.js';

const server = useTestServer();
const owner = { authorization: 'token test-token', 'content-type': 'application/json' };
const NB = 'sales-profit-per-month';
type S = Socket<ServerToClientEvents, ClientToServerEvents>;

async function connect(headers: Record<string, string>): Promise<S> {
  const socket: S = io(server.origin, { extraHeaders: headers, transports: ['websocket'] });
  await new Promise<void>((resolve, reject) => {
    socket.on('connect', resolve);
    socket.on('connect_error', reject);
  });
  return socket;
}

/** Joins the notebook and syncs a replica of its document, which follows the server's updates. */
async function replica(socket: S) {
  await socket.emitWithAck('notebook.join', { notebook: NB });
  const doc = new Y.Doc();
  socket.on('doc.update', ({ update }) => Y.applyUpdate(doc, new Uint8Array(update), 'remote'));
  const res = await socket.emitWithAck('doc.sync', { notebook: NB, stateVector: Y.encodeStateVector(doc) });
  if (!res.ok) throw new Error(res.error);
  Y.applyUpdate(doc, new Uint8Array(res.update), 'remote');
  const edit = (fn: (n: Notebook) => Notebook) => {
    const before = Y.encodeStateVector(doc);
    applyNotebook(doc, fn(docToNotebook(doc)));
    return socket.emitWithAck('doc.update', { notebook: NB, update: Y.encodeStateAsUpdate(doc, before) });
  };
  return { doc, edit, canWrite: res.canWrite };
}

const until = async (cond: () => boolean | Promise<boolean>) => {
  for (let i = 0; i < 500 && !(await cond()); i++) await new Promise((r) => setTimeout(r, 20));
  expect(await cond()).toBe(true);
};
const firstSource = (n: Notebook) => (n.cells[0] && 'source' in n.cells[0] ? n.cells[0].source : '');

describe('co-editing over socket.io', () => {
  it('sends a writer\'s edit to the others, refuses a share link\'s, and a stale REST PUT gets 409', async () => {
    const a = await connect({ authorization: 'token test-token' });
    const ra = await replica(a);
    expect(ra.canWrite).toBe(true);

    const created = await (await fetch(`${server.origin}/api/shares`, { method: 'POST', headers: owner, body: JSON.stringify({ notebook: NB }) })).json();
    const link = await fetch(`${server.origin}${created.url}`, { redirect: 'manual' });
    const cookie = link.headers.get('set-cookie')!.split(';')[0]!;
    const r = await connect({ cookie });
    const refused: string[] = [];
    r.on('doc.refused', (m) => refused.push(m.error));
    const rr = await replica(r);
    expect(rr.canWrite).toBe(false);

    // The writer's edit reaches the reader.
    expect(await ra.edit((n) => ({ ...n, cells: n.cells.map((c, i) => (i === 0 && 'source' in c ? { ...c, source: 'edited by A\n' + c.source } : c)) }))).toEqual({ ok: true });
    await until(() => firstSource(docToNotebook(rr.doc)).startsWith('edited by A\n'));

    // The reader's edit is refused by the server, and the writer never sees it.
    const res = await rr.edit((n) => ({ ...n, title: 'hijacked' }));
    expect(res).toEqual({ ok: false, error: 'read-only: a share link cannot edit' });
    expect(refused).toEqual(['read-only: a share link cannot edit']);
    await new Promise((r) => setTimeout(r, 200));
    expect(docToNotebook(ra.doc).title).not.toBe('hijacked');

    // REST: GET gives the version; a PUT based on an older one is refused with the current notebook.
    const get = async () => {
      const g = await fetch(`${server.origin}/api/notebooks/${NB}`, { headers: owner });
      return { etag: g.headers.get('etag')!, cache: g.headers.get('cache-control'), body: (await g.json()) as { notebook: Notebook; version: string } };
    };
    const { etag, cache, body } = await get();
    expect(body.version).toBe(etag);
    // The ETag leaves outputs out: a browser must not revalidate into a cached body whose outputs have changed.
    expect(cache).toBe('no-store');
    expect(firstSource(body.notebook)).toMatch(/^edited by A\n/);
    await ra.edit((n) => ({ ...n, title: 'newer' }));
    const stale = await fetch(`${server.origin}/api/notebooks/${NB}`, { method: 'PUT', headers: { ...owner, 'if-match': etag }, body: JSON.stringify({ ...body.notebook, title: 'stale' }) });
    expect(stale.status).toBe(409);
    const conflict = (await stale.json()) as { version: string; notebook: Notebook };
    expect(conflict.notebook.title).toBe('newer');
    // Without If-Match while the notebook is open live: 428, never a blind overwrite.
    const blind = await fetch(`${server.origin}/api/notebooks/${NB}`, { method: 'PUT', headers: owner, body: JSON.stringify({ ...body.notebook, title: 'blind' }) });
    expect(blind.status).toBe(428);
    // With the current version it applies, and reaches the writer's replica.
    const ok = await fetch(`${server.origin}/api/notebooks/${NB}`, { method: 'PUT', headers: { ...owner, 'if-match': conflict.version }, body: JSON.stringify({ ...conflict.notebook, title: 'via REST' }) });
    expect(ok.status).toBe(200);
    // (The reader's replica still holds its own refused title, which Yjs may order after this one: only A is checked.)
    await until(() => docToNotebook(ra.doc).title === 'via REST');
    expect((await get()).body.notebook.title).toBe('via REST');
    a.close();
    r.close();
  });

  it('a runner gets the edits live, but the server refuses the runner\'s own edits', async () => {
    new UserStore(server.config.stateDir).add('rita', 'rita-password1');
    const login = await fetch(`${server.origin}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'rita', password: 'rita-password1' }) });
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    const perms = await fetch(`${server.origin}/api/notebooks/${NB}/permissions`, { method: 'PUT', headers: owner, body: JSON.stringify({ owners: [], writers: [], runners: ['rita'], readers: [] }) });
    expect(perms.status).toBe(200);
    const a = await connect({ authorization: 'token test-token' });
    const ra = await replica(a);
    const r = await connect({ cookie });
    const refused: string[] = [];
    r.on('doc.refused', (m) => refused.push(m.error));
    const rr = await replica(r);
    expect(rr.canWrite).toBe(false);
    await ra.edit((n) => ({ ...n, title: 'by the owner' }));
    await until(() => docToNotebook(rr.doc).title === 'by the owner');
    const res = await rr.edit((n) => ({ ...n, title: 'by the runner' }));
    expect(res).toEqual({ ok: false, error: `rita may not edit "${NB}" (needs the writer role)` });
    expect(refused).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 200));
    expect(docToNotebook(ra.doc).title).toBe('by the owner');
    a.close();
    r.close();
  });
});
