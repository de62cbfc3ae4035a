import { describe, expect, it } from 'vitest';
import { timelineOf } from './timeline.js';

describe('job timeline', () => {
  it('shows failures and the restarts after them between status changes', () => {
    const events = timelineOf({
      status: 'error',
      timeline: [
        { status: 'pending', at: 0 },
        { status: 'running', at: 10 },
        { status: 'error', at: 300 },
      ],
      exceptions: [
        { at: 100, attempt: 0, message: 'boom 1' },
        { at: 300, attempt: 1, message: 'boom 2' },
      ],
    });
    expect(events.map((e) => (e.kind === 'status' ? e.status : e.kind))).toEqual(['pending', 'running', 'failed', 'restarting', 'failed', 'error']);
  });

  it('counts every failure of a job that is still running as restarted', () => {
    const events = timelineOf({ status: 'running', timeline: [{ status: 'running', at: 1 }], exceptions: [{ at: 5, attempt: 0, message: 'x' }] });
    expect(events.at(-1)).toEqual({ kind: 'restarting', at: 5, attempt: 1 });
  });

  it("puts a scale-out worker's rebalances between its status changes", () => {
    const events = timelineOf({
      status: 'running',
      timeline: [{ status: 'pending', at: 0 }, { status: 'running', at: 10 }],
      exceptions: [],
      rebalances: [{ generation: 1, at: 20, partitions: [0, 1, 2, 3] }, { generation: 2, at: 30, partitions: [0, 1] }],
    });
    expect(events.map((e) => (e.kind === 'rebalance' ? `gen ${e.generation}: ${e.partitions.join(',')}` : e.kind === 'status' ? e.status : e.kind))).toEqual(['pending', 'running', 'gen 1: 0,1,2,3', 'gen 2: 0,1']);
  });
});
