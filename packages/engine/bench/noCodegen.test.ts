import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { NexmarkGenerator } from '../src/index.js';
import { queries } from './queries/index.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const names = ['q1', 'q2', 'q3', 'q7'];

describe('batch loops without code generation', () => {
  it('a process with --disallow-code-generation-from-strings runs the plain loops and gets the same results', async () => {
    const child = spawnSync(process.execPath, ['--disallow-code-generation-from-strings', '--import', 'tsx', '--conditions=development', path.join(here, 'noCodegen.ts'), names.join(','), '20000'], {
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(child.stderr).not.toMatch(/Error/);
    const out = JSON.parse(child.stdout.trim().split('\n').at(-1)!) as { codegen: boolean; results: Record<string, { results: number; equal: boolean }> };
    expect(out.codegen).toBe(false);
    // Here (code generation allowed) the same queries on the same events.
    const input = new NexmarkGenerator({ seed: 7, eventsPerSecond: 10_000, outOfOrdernessMs: 3000 }).takeWithTimestamps(20_000);
    for (const q of queries.filter((q) => names.includes(q.name))) {
      const here = (await q.engine(input)).flat();
      expect(out.results[q.name], q.name).toEqual({ results: here.length, equal: true });
      expect(here.length, q.name).toBeGreaterThan(0);
    }
  });
});
