import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestServer } from '../testing.js';

const server = useTestServer();
const headers = { authorization: 'token test-token', 'content-type': 'application/json' };

const CELL = `import { StreamExecutionEnvironment, FileSource, WatermarkStrategy, LiveSink } from '@flowbook/engine';
const env = StreamExecutionEnvironment.getExecutionEnvironment();
env.fromSource(FileSource.jsonLines(notebookDir + '/data/readings.jsonl'), WatermarkStrategy.noWatermarks<{ t: number }>(), 'readings')
  .map((r) => ({ t: r.t * 2 }))
  .sinkTo(new LiveSink('doubled'));
await env.execute('dlq');`;

beforeAll(async () => {
  writeFileSync(path.join(server.config.notebooksDir, 'data', 'readings.jsonl'), '{"t":1}\nnot json\n{"t":2}\n{"t":\n');
  const nb = { version: 1, title: 'DLQ', cells: [{ id: 'c', type: 'code', source: CELL, charts: {} }] };
  await fetch(`${server.origin}/api/notebooks/dlq`, { method: 'PUT', headers, body: JSON.stringify(nb) });
});

describe('dead letters of a cell', () => {
  it('shows malformed records with their error and file:line as the "dead letters" output, and counts them', async () => {
    const { jobId } = await (await fetch(`${server.origin}/api/v1/jobs`, { method: 'POST', headers, body: JSON.stringify({ notebook: 'dlq', cellId: 'c' }) })).json();
    let job: { status: string; deadLetters: number } = { status: 'running', deadLetters: 0 };
    for (let i = 0; i < 100 && (job.status === 'running' || job.status === 'pending'); i++) {
      await new Promise((r) => setTimeout(r, 100));
      job = await (await fetch(`${server.origin}/api/v1/jobs/${jobId}`, { headers })).json();
    }
    expect(job.status).toBe('finished');
    const run = server.jobs.byId(jobId)!;
    expect(run.results.get('doubled')!.rows.map((r) => r.t)).toEqual([2, 4]);
    const dead = run.results.get('dead letters')!.rows;
    expect(dead.map((r) => [r.raw, r.position])).toEqual([
      ['not json', expect.stringMatching(/readings\.jsonl:2$/)],
      ['{"t":', expect.stringMatching(/readings\.jsonl:4$/)],
    ]);
    expect(dead.every((r) => typeof r.error === 'string' && (r.error as string).length > 0)).toBe(true);
    expect(job.deadLetters).toBe(2);
  });
});
