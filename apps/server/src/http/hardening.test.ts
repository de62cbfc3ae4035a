import { readdir } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer } from '../testing.js';

let server: Awaited<ReturnType<typeof startTestServer>>;
const headers = { authorization: 'token test-token', 'content-type': 'application/json' };
const get = (p: string) => fetch(`${server.origin}${p}`, { headers });

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.close();
});

describe('HTTP hardening', () => {
  it('answers 400 to a PUT of a deeply nested notebook and leaves no temp file', async () => {
    const before = (await readdir(server.config.notebooksDir, { recursive: true })).sort();
    const deep = '{"a":'.repeat(100_000) + '{}' + '}'.repeat(100_000);
    const body = `{"version":1,"title":"x","cells":[{"id":"p","type":"pipeline","graph":${deep}}]}`;
    for (let i = 0; i < 3; i++) {
      const r = await fetch(`${server.origin}/api/notebooks/generated-sales`, { method: 'PUT', headers, body });
      expect(r.status).toBe(400);
    }
    // Deep enough to pass the body check but not the graph schema: also 400.
    const graph65 = '{"a":'.repeat(65) + '{}' + '}'.repeat(65);
    const r = await fetch(`${server.origin}/api/notebooks/generated-sales`, { method: 'PUT', headers, body: `{"version":1,"title":"x","cells":[{"id":"p","type":"pipeline","graph":${graph65}}]}` });
    expect(r.status).toBe(400);
    expect((await readdir(server.config.notebooksDir, { recursive: true })).sort()).toEqual(before);
  });

  it('resolves notebook names once: no traversal, no second decoding, malformed escapes are 400', async () => {
    for (const p of [
      '/api/v1/notebooks/..%2F..%2Ftmp/cells/c1/restore-points',
      '/api/v1/notebooks/nope%2F..%2Fgenerated-sales/cells/c1/restore-points',
      '/api/v1/notebooks/%25E0%25A4%25A/cells/c1/restore-points',
      '/api/v1/notebooks/%E0%A4%A/cells/c1/restore-points',
      '/api/v1/notebooks/generated-sales/cells/%E0%A4%A/restore-points',
      '/api/notebooks/%25E0%25A4%25A',
      '/api/notebooks/%E0%A4%A',
      '/api/notebooks/nope%2F..%2Fgenerated-sales/revisions',
      '/api/notebooks/%252E%252E%252Fx',
    ]) {
      const r = await get(p);
      expect([p, r.status]).toEqual([p, 400]);
    }
    for (const p of ['/api/v1/notebooks/..%2F..%2Ftmp/run', '/api/v1/notebooks/%25E0%25A4%25A/clear-outputs']) {
      const r = await fetch(`${server.origin}${p}`, { method: 'POST', headers, body: '{}' });
      expect([p, r.status]).toEqual([p, 400]);
    }
    expect((await get('/api/v1/notebooks/generated-sales/cells/profit/restore-points')).status).toBe(200);
    expect((await get('/api/notebooks/generated-sales')).status).toBe(200);
  });

  it('refuses a cross-site logout', async () => {
    const foreign = await fetch(`${server.origin}/api/logout`, { method: 'POST', headers: { origin: 'https://evil.example', cookie: 'flowbook_token=test-token' } });
    expect(foreign.status).toBe(403);
    expect(foreign.headers.get('set-cookie')).toBeNull();
    const own = await fetch(`${server.origin}/api/logout`, { method: 'POST', headers: { origin: server.origin } });
    expect(own.status).toBe(200);
  });
});
