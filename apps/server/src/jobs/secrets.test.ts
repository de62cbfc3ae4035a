import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestServer } from '../testing.js';

const PG_URL = process.env.PGURL ?? 'postgresql://postgres@127.0.0.1:5432/test';
const table = `fb_secret_${Date.now().toString(36)}_${process.pid}`;
const server = useTestServer();
const headers = { authorization: 'token test-token', 'content-type': 'application/json' };

const CELL = `import { StreamExecutionEnvironment, PostgresSink } from '@flowbook/engine';
const env = StreamExecutionEnvironment.getExecutionEnvironment();
env.fromElements({ id: 1 }, { id: 2 }, { id: 3 })
  .sinkTo(new PostgresSink({ url: '\${secret:WAREHOUSE_URL}', table: '${table}' }));
await env.execute('secret sink');`;

beforeAll(async () => {
  writeFileSync(server.config.secretsFile, JSON.stringify({ WAREHOUSE_URL: PG_URL }));
  chmodSync(server.config.secretsFile, 0o600);
  const nb = { version: 1, title: 'Secrets', cells: [{ id: 'c', type: 'code', source: CELL, charts: {} }] };
  await fetch(`${server.origin}/api/notebooks/secrets`, { method: 'PUT', headers, body: JSON.stringify(nb) });
});
afterAll(async () => {
  const db = new pg.Client({ connectionString: PG_URL });
  await db.connect();
  await db.query(`DROP TABLE IF EXISTS "${table}"`);
  await db.end();
});

async function runCell(): Promise<{ status: string; error?: string; graph?: unknown; jobId: string }> {
  const { jobId } = await (await fetch(`${server.origin}/api/v1/jobs`, { method: 'POST', headers, body: JSON.stringify({ notebook: 'secrets', cellId: 'c' }) })).json();
  for (let i = 0; i < 100; i++) {
    const job = await (await fetch(`${server.origin}/api/v1/jobs/${jobId}`, { headers })).json();
    if (job.status !== 'running' && job.status !== 'pending') return job;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('job did not end');
}

describe('secrets', () => {
  it('resolves ${secret:NAME} from the secrets file in the worker; files and the REST API keep only the placeholder', async () => {
    const job = await runCell();
    expect(job.status).toBe('finished');
    const db = new pg.Client({ connectionString: PG_URL });
    await db.connect();
    expect((await db.query(`SELECT count(*)::int AS n FROM "${table}"`)).rows[0].n).toBe(3);
    await db.end();
    expect(JSON.stringify(job.graph)).toContain('${secret:WAREHOUSE_URL}');
    expect(JSON.stringify(job)).not.toContain(PG_URL);
    const file = readFileSync(path.join(server.config.notebooksDir, 'secrets.flowbook.json'), 'utf8');
    expect(file).not.toContain(PG_URL);
  });

  it('a missing secret fails the cell with an error naming it', async () => {
    writeFileSync(server.config.secretsFile, JSON.stringify({ OTHER: 'x' }));
    const job = await runCell();
    expect(job.status).toBe('error');
    expect(job.error).toMatch(/secret WAREHOUSE_URL is not set/);
  });

  it('a malformed secrets file fails the run with a message naming the file', async () => {
    writeFileSync(server.config.secretsFile, '{not json');
    const job = await runCell();
    expect(job.status).toBe('error');
    expect(job.error).toContain(server.config.secretsFile);
  });
});
