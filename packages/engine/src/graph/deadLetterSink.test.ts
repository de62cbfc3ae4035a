import { describe, expect, it } from 'vitest';
import { Job, StreamExecutionEnvironment, WatermarkStrategy } from '../index.js';
import { DEAD_LETTER_SINK, withDeadLetterSink } from './deadLetterSink.js';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

describe('withDeadLetterSink', () => {
  it('shows each malformed record of a source in the dead-letter sink, with its error and position; good records flow on', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'flowbook-dlq-'));
    const file = path.join(dir, 'in.jsonl');
    writeFileSync(file, '{"n":1}\n{bad json\n{"n":2}\n');
    const env = new StreamExecutionEnvironment();
    env
      .fromSource({ connector: 'file', config: { path: file, format: 'jsonl' } }, WatermarkStrategy.noWatermarks(), 'numbers')
      .map((r: { n: number }) => r.n * 10)
      .sinkTo({ connector: 'live', config: { name: 'out' } });
    const graph = withDeadLetterSink(env.getPipeline('dlq'));
    const live: Record<string, unknown[]> = {};
    const job = new Job(graph, { services: { live: (sink: string, v: unknown) => (live[sink] ??= []).push(v) } });
    await job.run();
    expect(live.out).toEqual([10, 20]);
    expect(live[DEAD_LETTER_SINK]).toEqual([{ raw: '{bad json', error: expect.stringMatching(/JSON|property|Expected/i), position: `${file}:2` }]);
    expect(job.metrics().find((m) => m.nodeId === 'source-1')!.deadLetters).toBe(1);
  });

  it('leaves a graph without operators alone and never reuses a node id', () => {
    const g = { version: 1 as const, config: { autoWatermarkInterval: 200, maxParallelism: 128 }, nodes: [{ id: '__dead-letters', type: 'map', config: {} }], edges: [] };
    const out = withDeadLetterSink(g);
    expect(out.nodes.map((n) => n.id)).toEqual(['__dead-letters', '__dead-letters_']);
    expect(withDeadLetterSink({ ...g, nodes: [] }).nodes).toEqual([]);
  });
});
