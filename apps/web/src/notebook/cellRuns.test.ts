import { describe, expect, it } from 'vitest';
import { applyRunEvents, ROWS_KEPT } from './cellRuns.js';

const ref = { notebook: 'n', cellId: 'c' };

describe('applyRunEvents', () => {
  it('tracks status, appends rows per sink and resets on a new run', () => {
    let runs = applyRunEvents({}, [
      { kind: 'status', msg: { ...ref, status: 'pending', startedAt: 1 } },
      { kind: 'status', msg: { ...ref, status: 'running', startedAt: 1 } },
      { kind: 'append', msg: { ...ref, sink: 's', rows: [{ a: 1 }], total: 1 } },
      { kind: 'append', msg: { ...ref, sink: 's', rows: [{ a: 2 }], total: 2 } },
      { kind: 'log', msg: { ...ref, lines: ['x'] } },
    ]);
    expect(runs.c!.status).toBe('running');
    expect(runs.c!.results.s!.rows).toEqual([{ a: 1 }, { a: 2 }]);
    expect(runs.c!.logs).toEqual(['x']);
    runs = applyRunEvents(runs, [{ kind: 'status', msg: { ...ref, status: 'pending', startedAt: 5 } }]);
    expect(runs.c!.results).toEqual({});
  });

  it('keeps a bounded number of rows', () => {
    const rows = Array.from({ length: ROWS_KEPT + 10 }, (_, i) => ({ i }));
    const runs = applyRunEvents({}, [{ kind: 'append', msg: { ...ref, sink: 's', rows, total: rows.length } }]);
    expect(runs.c!.results.s!.rows).toHaveLength(ROWS_KEPT);
    expect(runs.c!.results.s!.rows[0]).toEqual({ i: 10 });
  });
});
