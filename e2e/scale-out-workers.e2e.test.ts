import { spawn, type ChildProcess } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import pg from 'pg';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { partitionForKey } from '../packages/engine/src/scaleout/keyGroupPartitions.js';
import { startApacheKafkaBroker, type ApacheKafkaBroker } from '../packages/engine/src/testing/apacheKafkaBroker.js';
import { createTopic } from '../packages/engine/src/testing/kafkaTopics.js';
import { closeSession, openSession } from './support/session.js';
import { repoRoot, type RunningServer } from './support/server.js';

// The PostgreSQL of the test machine (trust auth, database `test`): the checkpoints every worker of the job shares.
const PG = process.env.PGURL ?? 'postgresql://postgres@127.0.0.1:5432/test';
const run = `${Date.now().toString(36)}${process.pid}`;
const topic = `e2e-workers-${run}`;
const table = `e2e_workers_${run}`;
const job = `e2e-${run}`;

let server: RunningServer;
let browser: Browser;
let page: Page;
let broker: ApacheKafkaBroker;
let cli: ChildProcess | undefined;
let cliOutput = '';

/** The code cell every worker runs: a keyed running count per key, upserted into PostgreSQL. */
const cell = (brokers: string) => `
import { KafkaSource, PostgresSink, StreamExecutionEnvironment, WatermarkStrategy } from '@flowbook/engine';
const env = StreamExecutionEnvironment.getExecutionEnvironment().enableCheckpointing(500);
env
  .fromSource(new KafkaSource({ brokers: [${JSON.stringify(brokers)}], topics: [${JSON.stringify(topic)}], groupId: 'unused', valueOnly: true, fetchMaxWaitMs: 100 }), WatermarkStrategy.noWatermarks<{ key: string }>(), 'events')
  .map((e: { key: string }) => ({ key: e.key, n: 1 }))
  .keyBy((e) => e.key)
  .reduce((a, b) => ({ key: a.key, n: a.n + b.n }))
  .sinkTo(new PostgresSink({ url: ${JSON.stringify(PG)}, table: ${JSON.stringify(table)}, mode: 'upsert', keyColumns: ['key'] }));
await env.execute('counts');
`;

beforeAll(async () => {
  broker = await startApacheKafkaBroker({ partitions: 4, startTimeoutMs: 120_000 });
  await createTopic(new Kafka({ clientId: 'e2e-workers', brokers: [broker.bootstrap], logLevel: logLevel.NOTHING }), topic, 4);
  ({ server, browser, page } = await openSession({ viewport: { width: 1280, height: 900 }, env: { FLOWBOOK_CHECKPOINTS: PG } }));
}, 240_000);

afterAll(async () => {
  cli?.kill('SIGKILL');
  await closeSession({ server, browser });
  await broker?.stop();
  const db = new pg.Client({ connectionString: PG });
  await db.connect();
  await db.query(`DROP TABLE IF EXISTS "${table}"`).catch(() => {});
  await db.query(`DELETE FROM flowbook_checkpoints WHERE job_key = 'scale-out' AND job_name = $1`, [job]).catch(() => {});
  await db.end();
});

const api = (url: string, method = 'GET', body?: unknown) =>
  fetch(`${server.origin}${url}`, { method, headers: { authorization: `token ${server.token}`, 'content-type': 'application/json' }, ...(body ? { body: JSON.stringify(body) } : {}) });

describe('Jobs page: the workers of a scale-out job, in Chromium', () => {
  it('the server joins a job as a worker beside a CLI worker; the page lists both with their partitions', async () => {
    const source = cell(broker.bootstrap);
    const notebook = { version: 1, title: 'Scale-out counts', cells: [{ id: 'counts', type: 'code', language: 'typescript', source }] };
    const file = path.join(server.notebooksDir, 'scale-out.flowbook.json');
    await writeFile(file, JSON.stringify(notebook));

    // The server's worker: the cell run as a worker of the job (in a TaskManager process, like any job).
    const submitted = await api('/api/v1/jobs', 'POST', { notebook: 'scale-out', cellId: 'counts', scaleOutJob: job });
    expect(submitted.status, await submitted.clone().text()).toBe(201);
    const { jobId } = (await submitted.json()) as { jobId: string };
    // A second worker of the same job: the CLI running the same cell.
    cli = spawn(process.execPath, [path.join(repoRoot, 'packages/engine/bin/flowbook.mjs'), 'worker', '--job', job, file, '--cell', 'counts', '--checkpoint-dir', PG, '--session-timeout', '6s'], { stdio: ['ignore', 'pipe', 'pipe'] });
    cli.stdout!.on('data', (d: Buffer) => (cliOutput += d.toString()));
    cli.stderr!.on('data', (d: Buffer) => (cliOutput += d.toString()));

    const producer = new Kafka({ clientId: 'e2e-workers-producer', brokers: [broker.bootstrap], logLevel: logLevel.NOTHING }).producer();
    await producer.connect();
    const keys = Array.from({ length: 40 }, (_, i) => `k${i}`);
    await producer.send({ topic, acks: -1, messages: keys.map((key) => ({ key, partition: partitionForKey(key, 4, 128), value: JSON.stringify({ key }) })) });
    await producer.disconnect();

    await page.goto(server.url);
    await page.goto(`${server.origin}/jobs/${jobId}`);
    await page.getByTestId('job-page').waitFor();
    await page.getByTestId('job-tab-workers').click();
    // Both members of the group, two partitions each, and every partition checkpointed by its owner.
    const partitionsOf = async () => {
      const each = (await page.getByTestId('job-worker-partitions').allTextContents()).map((t) => t.split(', ').filter((p) => /^\d+$/.test(p)));
      return { counts: each.map((p) => p.length), all: each.flat().sort() };
    };
    await expect
      .poll(partitionsOf, { timeout: 90_000, message: `server log:\n${server.output().slice(-3000)}\ncli:\n${cliOutput.slice(-3000)}` })
      .toEqual({ counts: [2, 2], all: ['0', '1', '2', '3'] });
    await expect.poll(async () => page.getByTestId('job-worker-partitions-table').textContent(), { timeout: 30_000 }).not.toContain('none yet');
    expect(await page.getByTestId('job-workers').textContent()).toContain('(this server)');
    await page.screenshot({ path: path.join(repoRoot, 'test-results', 'scale-out-workers.png'), fullPage: true });

    // The rebalances the server's worker saw are on the job's timeline.
    await page.getByTestId('job-tab-overview').click();
    await expect.poll(async () => page.getByTestId('job-rebalance').count(), { timeout: 10_000 }).toBeGreaterThan(0);
    await page.getByTestId('job-timeline').screenshot({ path: path.join(repoRoot, 'test-results', 'scale-out-rebalances.png') });
    const body = (await (await api(`/api/v1/jobs/${jobId}/workers`)).json()) as { workers: { self: boolean }[]; rebalances: unknown[] };
    expect(body.workers.filter((w) => w.self)).toHaveLength(1);
    expect(body.rebalances.length).toBeGreaterThan(0);
    // The server's worker ran without a failure (a rebalance is not one).
    const detail = (await (await api(`/api/v1/jobs/${jobId}`)).json()) as { exceptions: unknown[]; restarts: number; logs: string[] };
    expect(detail.exceptions, detail.logs.join('\n')).toEqual([]);

    // Cancelled, the server's worker leaves the group: the CLI worker takes all four partitions at once.
    const allFour = () => (cliOutput.match(/partitions \[0, 1, 2, 3\]/g) ?? []).length;
    const before = allFour();
    expect((await api(`/api/v1/jobs/${jobId}/cancel`, 'POST')).status).toBe(202);
    await expect.poll(async () => ((await (await api(`/api/v1/jobs/${jobId}`)).json()) as { status: string }).status, { timeout: 20_000 }).toBe('cancelled');
    await expect.poll(allFour, { timeout: 20_000 }).toBeGreaterThan(before);
  }, 240_000);
});
