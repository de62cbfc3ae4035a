import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectSocket, repoRoot, startTestServer, type TestSocket } from '../testing.js';
import { UserStore } from './UserStore.js';

let server: Awaited<ReturnType<typeof startTestServer>>;
const owner = { authorization: 'token test-token', 'content-type': 'application/json' };
const NB = 'generated-sales';
const sockets: Socket[] = [];

/** Connects with a cookie; resolves once connected, rejects with the handshake's refusal. */
async function connect(cookie: string): Promise<TestSocket> {
  const socket = await connectSocket(server, { cookie }, { reconnection: false });
  sockets.push(socket);
  return socket;
}

const disconnected = (socket: Socket) => new Promise<string>((resolve) => socket.once('disconnect', resolve));
const within = <T>(p: Promise<T>, ms: number) => Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`not within ${ms} ms`)), ms))]);

async function login(name: string, password: string): Promise<string> {
  const r = await fetch(`${server.origin}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name, password }) });
  expect(r.status).toBe(200);
  return r.headers.get('set-cookie')!.split(';')[0]!;
}

beforeAll(async () => {
  server = await startTestServer();
  await fetch(`${server.origin}/api/notebooks/${NB}/permissions`, { method: 'PUT', headers: owner, body: JSON.stringify({ owners: [], public: 'read' }) });
});
afterAll(async () => {
  for (const s of sockets) s.close();
  await server.close();
});

describe('revoking revokes', () => {
  it('closes the open sockets of a revoked share link at once, and they cannot come back', async () => {
    const created = await (await fetch(`${server.origin}/api/shares`, { method: 'POST', headers: owner, body: JSON.stringify({ notebook: NB }) })).json();
    const cookie = `flowbook_share=${created.url.slice('/share/'.length)}`;
    const viewer = await connect(cookie);
    expect(await viewer.emitWithAck('notebook.join', { notebook: NB })).toEqual({ ok: true });
    let eventsAfterRevoke = 0;
    let revoked = false;
    viewer.onAny(() => revoked && eventsAfterRevoke++);
    const gone = disconnected(viewer);
    revoked = true;
    expect((await fetch(`${server.origin}/api/shares/${created.id}`, { method: 'DELETE', headers: owner })).status).toBe(200);
    expect(await within(gone, 2000)).toBe('io server disconnect');
    // Results of a job started now reach nobody holding the link.
    await fetch(`${server.origin}/api/v1/jobs`, { method: 'POST', headers: owner, body: JSON.stringify({ notebook: NB, cellId: 'profit' }) });
    await new Promise((r) => setTimeout(r, 500));
    expect(eventsAfterRevoke).toBe(0);
    await expect(connect(cookie)).rejects.toThrow(); // the handshake is refused
  });

  it("ends a removed user's session and sockets at once, also when the CLI removes him from another process", async () => {
    new UserStore(server.config.stateDir).add('ivan', 'ivan-password');
    const cookie = await login('ivan', 'ivan-password');
    const socket = await connect(cookie);
    expect(await socket.emitWithAck('notebook.join', { notebook: NB })).toEqual({ ok: true });
    const gone = disconnected(socket);
    const run = promisify(execFile);
    await run(process.execPath, ['--import', 'tsx', '--conditions=development', path.join(repoRoot, 'apps/server/src/cli/users.ts'), 'remove', 'ivan'], {
      cwd: repoRoot,
      env: { ...process.env, FLOWBOOK_STATE_DIR: server.config.stateDir },
    });
    expect(await within(gone, 2000)).toBe('io server disconnect');
    expect((await fetch(`${server.origin}/api/whoami`, { headers: { cookie } })).status).toBe(401);
    await expect(connect(cookie)).rejects.toThrow(); // the handshake is refused
    // A new user of the same name does not inherit the old one's cookie.
    new UserStore(server.config.stateDir).add('ivan', 'other-password');
    expect((await fetch(`${server.origin}/api/whoami`, { headers: { cookie } })).status).toBe(401);
  });

  it('voids the sessions issued before a password change', async () => {
    const users = new UserStore(server.config.stateDir);
    users.add('judy', 'judy-password');
    const cookie = await login('judy', 'judy-password');
    expect((await fetch(`${server.origin}/api/whoami`, { headers: { cookie } })).status).toBe(200);
    await new Promise((r) => setTimeout(r, 5));
    users.setPassword('judy', 'judy-new-password');
    expect((await fetch(`${server.origin}/api/whoami`, { headers: { cookie } })).status).toBe(401);
    const fresh = await login('judy', 'judy-new-password');
    expect((await fetch(`${server.origin}/api/whoami`, { headers: { cookie: fresh } })).status).toBe(200);
  });

  it('stops sending a notebook to a socket whose user lost the right to read it', async () => {
    new UserStore(server.config.stateDir).add('leo', 'leo-password');
    const setRoles = (roles: unknown) => fetch(`${server.origin}/api/notebooks/${NB}/permissions`, { method: 'PUT', headers: owner, body: JSON.stringify(roles) });
    await setRoles({ owners: [], readers: ['leo'] });
    const socket = await connect(await login('leo', 'leo-password'));
    let events = 0;
    socket.onAny(() => events++);
    expect(await socket.emitWithAck('notebook.join', { notebook: NB })).toEqual({ ok: true });
    await fetch(`${server.origin}/api/v1/jobs`, { method: 'POST', headers: owner, body: JSON.stringify({ notebook: NB, cellId: 'profit' }) });
    const deadline = Date.now() + 10_000;
    while (events === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(events).toBeGreaterThan(0);
    await setRoles({ owners: [] });
    events = 0;
    await fetch(`${server.origin}/api/v1/jobs`, { method: 'POST', headers: owner, body: JSON.stringify({ notebook: NB, cellId: 'profit' }) });
    await new Promise((r) => setTimeout(r, 1000));
    expect(events).toBe(0);
    expect((await socket.emitWithAck('notebook.join', { notebook: NB })).ok).toBe(false);
  });
});
