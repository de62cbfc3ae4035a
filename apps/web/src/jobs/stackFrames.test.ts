import { describe, expect, it } from 'vitest';
import { foldStack } from './stackFrames.js';

const stack = `Error: bad record
    at MapOperator.fn (cell.ts:15:11)
    at MapOperator.processElement (file:///srv/dist/worker.js:1200:20)
    at Chain.push (file:///srv/dist/worker.js:900:7)
    at node:internal/process/task_queues:95:5
    at main (cell.ts:20:3)
    at file:///srv/dist/worker.js:300:1`;

describe('stack folding', () => {
  it('shows the message and the cell frames, and folds each run of internal frames', () => {
    const parts = foldStack(stack);
    expect(parts.map((p) => p.kind)).toEqual(['head', 'user', 'internal', 'user', 'internal']);
    expect(parts[2]).toEqual({ kind: 'internal', lines: expect.arrayContaining(['    at node:internal/process/task_queues:95:5']) });
    expect((parts[2] as { lines: string[] }).lines).toHaveLength(3);
  });
});
