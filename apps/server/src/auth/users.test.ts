import { beforeAll, describe, expect, it } from 'vitest';
import { connectSocket, useTestServer } from '../testing.js';
import { UserStore } from './UserStore.js';

const server = useTestServer();
const owner = { authorization: 'token test-token', 'content-type': 'application/json' };

beforeAll(async () => {
  const users = new UserStore(server.config.stateDir);
  users.add('alice', 'alice-password');
  users.add('bob', 'bob-password1');
});

async function login(name: string, password: string): Promise<{ status: number; cookie?: string }> {
  const r = await fetch(`${server.origin}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name, password }) });
  return { status: r.status, cookie: r.headers.get('set-cookie')?.split(';')[0] };
}

describe('users and roles', () => {
  it('stores only password hashes and refuses wrong passwords', async () => {
    const { readFileSync } = await import('node:fs');
    const file = readFileSync(`${server.config.stateDir}/users.json`, 'utf8');
    expect(file).not.toContain('alice-password');
    expect(file).toMatch(/scrypt\$16384\$8\$1\$/);
    expect((await login('alice', 'wrong-password')).status).toBe(401);
    expect((await login('nobody', 'alice-password')).status).toBe(401);
  });

  it('lets a user own what they create and keeps others out until given a role', async () => {
    const alice = (await login('alice', 'alice-password')).cookie!;
    const bob = (await login('bob', 'bob-password1')).cookie!;
    const as = (cookie: string, method: string, p: string, body?: unknown) =>
      fetch(`${server.origin}${p}`, { method, headers: { cookie, 'content-type': 'application/json' }, ...(body ? { body: JSON.stringify(body) } : {}) });
    expect(await (await as(alice, 'GET', '/api/whoami')).json()).toEqual({ role: 'user', name: 'alice' });
    expect((await as(alice, 'POST', '/api/notebooks', { name: 'alice-nb', title: 'Alice' })).status).toBe(201);
    // Bob cannot see, read, change or run it.
    expect((await (await as(bob, 'GET', '/api/notebooks')).json()).notebooks.map((n: { name: string }) => n.name)).not.toContain('alice-nb');
    expect((await as(bob, 'GET', '/api/notebooks/alice-nb')).status).toBe(403);
    expect((await as(bob, 'POST', '/api/v1/jobs', { notebook: 'alice-nb', cellId: 'cell-1' })).status).toBe(403);
    // Alice makes Bob a reader: he can read but not write or run.
    const perms = { owners: ['alice'], writers: ['alice'], runners: ['alice'], readers: ['alice', 'bob'] };
    expect((await as(bob, 'PUT', '/api/notebooks/alice-nb/permissions', perms)).status).toBe(403);
    expect((await as(alice, 'PUT', '/api/notebooks/alice-nb/permissions', perms)).status).toBe(200);
    expect((await as(bob, 'GET', '/api/notebooks/alice-nb')).status).toBe(200);
    const nb = (await (await as(bob, 'GET', '/api/notebooks/alice-nb')).json()).notebook;
    expect((await as(bob, 'PUT', '/api/notebooks/alice-nb', nb)).status).toBe(403);
    const socket = await connectSocket(server, { cookie: bob });
    expect(await socket.emitWithAck('notebook.join', { notebook: 'alice-nb' })).toEqual({ ok: true });
    expect(await socket.emitWithAck('cell.run', { notebook: 'alice-nb', cellId: 'cell-1', source: '1', params: {} })).toEqual({ ok: false, error: 'bob may not run cells of "alice-nb"' });
    socket.close();
    // Graph submission and /metrics stay with the server's token.
    expect((await as(alice, 'POST', '/api/v1/jobs', { graph: { version: 1, nodes: [], edges: [] } })).status).toBe(403);
    expect((await fetch(`${server.origin}/metrics`, { headers: { cookie: alice } })).status).toBe(401);
    // The token holder still sees everything.
    expect((await fetch(`${server.origin}/api/notebooks/alice-nb`, { headers: owner })).status).toBe(200);
  });
});
