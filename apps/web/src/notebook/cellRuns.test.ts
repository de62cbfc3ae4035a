import { describe, expect, it } from 'vitest';
import { LIMITS } from '@flowbook/protocol';
import { applyRunEvents, fromSaved, ROWS_KEPT, type RunEvent } from './cellRuns.js';

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

  it('bounds the rows kept by bytes too: rows of 64 KB keep 32 MB worth, not 20,000 of them', () => {
    const row = { blob: 'x'.repeat(64 * 1024) };
    const runs = applyRunEvents({}, Array.from({ length: 10 }, () => ({ kind: 'append' as const, msg: { ...ref, sink: 's', rows: Array(100).fill(row), total: 1, bytes: 100 * (64 * 1024 + 12) } })));
    expect(runs.c!.results.s!.rows).toHaveLength(Math.floor(LIMITS.browserBytes / (64 * 1024 + 12)));
  });

  it('keeps far more than 1,000 rows per sink so a dozen series each keep a long history', () => {
    const rows = Array.from({ length: 12 * 1000 }, (_, i) => ({ month: `m${i % 12}`, t: Math.floor(i / 12) }));
    const runs = applyRunEvents({}, [{ kind: 'append', msg: { ...ref, sink: 's', rows, total: rows.length } }]);
    expect(runs.c!.results.s!.rows).toHaveLength(12_000);
  });

  it('a replay after (re)joining replaces the rows and logs the page shows instead of duplicating them', () => {
    const replay: RunEvent[] = [
      { kind: 'status', msg: { ...ref, status: 'running', startedAt: 1 } },
      { kind: 'append', msg: { ...ref, sink: 's', rows: [{ a: 1 }, { a: 2 }, { a: 3 }], total: 3 } },
      { kind: 'log', msg: { ...ref, lines: ['x', 'y'] } },
    ];
    let runs = applyRunEvents({}, [{ kind: 'status', msg: { ...ref, status: 'pending', startedAt: 1 } }, ...replay.slice(0, 1)]);
    runs = applyRunEvents(runs, [
      { kind: 'append', msg: { ...ref, sink: 's', rows: [{ a: 1 }, { a: 2 }], total: 2 } },
      { kind: 'log', msg: { ...ref, lines: ['x'] } },
    ]);
    // The socket reconnects: the page joins again and the server replays everything it buffered.
    runs = applyRunEvents(runs, [{ kind: 'resync' }, ...replay, { kind: 'synced' }]);
    expect(runs.c!.results.s!.rows).toEqual([{ a: 1 }, { a: 2 }, { a: 3 }]);
    expect(runs.c!.logs).toEqual(['x', 'y']);
    expect(runs.c!.awaitingReplay).toBe(false);
    // Live rows after the replay are appended again.
    runs = applyRunEvents(runs, [{ kind: 'append', msg: { ...ref, sink: 's', rows: [{ a: 4 }], total: 4 } }]);
    expect(runs.c!.results.s!.rows).toHaveLength(4);
  });

  it('keeps saved outputs of cells the server does not replay', () => {
    const saved = fromSaved({
      id: 'c',
      type: 'code',
      language: 'typescript',
      source: '',
      charts: {},
      outputs: { status: 'finished', startedAt: 1, finishedAt: 2, results: { s: { rows: [{ a: 1 }], total: 1 } }, logs: [] },
    })!;
    const runs = applyRunEvents({ c: saved }, [{ kind: 'resync' }, { kind: 'synced' }]);
    expect(runs.c!.status).toBe('finished');
    expect(runs.c!.results.s!.rows).toEqual([{ a: 1 }]);
    expect(runs.c!.awaitingReplay).toBe(false);
  });
});

describe('clearing a cell', () => {
  it("a 'ready' status empties the cell's results, logs and times", () => {
    let runs = applyRunEvents({}, [
      { kind: 'status', msg: { ...ref, status: 'finished', startedAt: 1, finishedAt: 2 } },
      { kind: 'append', msg: { ...ref, sink: 's', rows: [{ a: 1 }], total: 1 } },
      { kind: 'log', msg: { ...ref, lines: ['x'] } },
    ]);
    runs = applyRunEvents(runs, [{ kind: 'status', msg: { ...ref, status: 'ready' } }]);
    expect(runs.c).toEqual({ status: 'ready', results: {}, logs: [] });
  });
});
